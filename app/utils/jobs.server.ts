import { sql } from "kysely";
import type { Database, Executor } from "./db.server";

/**
 * A small job queue in Postgres. pg-boss and graphile-worker need a real
 * server connection of their own (LISTEN/NOTIFY, their own pools and
 * schemas) and so cannot run on embedded PGlite; this is the part of them
 * we need: durable jobs, claimed with FOR UPDATE SKIP LOCKED so several
 * app servers can share one queue, retried with back-off, with progress
 * that pages can show. See docs/decisions/0005-job-queue.md.
 */
export interface JobContext {
  db: Database;
  job: { id: bigint; organisationId: string; kind: string; payload: Record<string, unknown>; attempts: number };
  /** Report progress (0-100) and a line for the person waiting. */
  progress(percent: number, message?: string): Promise<void>;
}
export type JobHandler = (ctx: JobContext) => Promise<void>;

const handlers = new Map<string, JobHandler>();

export function registerJob(kind: string, handler: JobHandler) {
  handlers.set(kind, handler);
}

export async function enqueueJob(
  db: Executor,
  job: { organisationId: string; kind: string; payload?: Record<string, unknown>; runAt?: Date; uniqueKey?: string; maxAttempts?: number },
) {
  const row = await db
    .insertInto("jobs")
    .values({
      organisation_id: job.organisationId,
      kind: job.kind,
      payload: JSON.stringify(job.payload ?? {}),
      run_at: job.runAt ?? new Date(),
      unique_key: job.uniqueKey ?? null,
      max_attempts: job.maxAttempts ?? 5,
    })
    // A unique key makes scheduling idempotent: "age arrears for org X on day D" exists once.
    .onConflict((oc) => oc.column("unique_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * An uploaded file's import job: enqueued for the upload row (kept in the
 * caller's transaction, so the file and its job exist together or not at
 * all) and linked back to it, for the progress page. Three tries: a bad file
 * is not retried (its problems are an outcome, not a failure); only a
 * database outage is. Both upload tables carry organisation_id, id and
 * job_id, which is all this writes.
 */
export async function enqueueUploadImport(
  db: Executor,
  upload: { table: "statement_uploads" | "member_import_uploads"; organisationId: string; id: string; kind: string },
): Promise<bigint> {
  const jobId = await enqueueJob(db, { organisationId: upload.organisationId, kind: upload.kind, payload: { uploadId: upload.id }, maxAttempts: 3 });
  if (jobId === null) throw new Error(`the ${upload.kind} job was not enqueued`);
  await db
    .updateTable(upload.table as "statement_uploads")
    .set({ job_id: jobId })
    .where("organisation_id", "=", upload.organisationId)
    .where("id", "=", upload.id)
    .execute();
  return jobId;
}

export async function getJob(db: Executor, organisationId: string, id: bigint) {
  return db
    .selectFrom("jobs")
    .select(["id", "kind", "status", "progress", "message", "last_error", "attempts", "created_at", "finished_at"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/**
 * Claims and runs one due job; returns false when none was due. `jobId`
 * claims only that job (a test running its own job while other test files
 * share the queue).
 */
export async function runNextJob(db: Database, now = new Date(), opts: { onClaim?: (id: bigint) => void; jobId?: bigint } = {}): Promise<boolean> {
  const claimed = await db.transaction().execute(async (trx) => {
    const next = await trx
      .selectFrom("jobs")
      .select(["id"])
      .where("status", "=", "queued")
      .where("run_at", "<=", now)
      .$if(opts.jobId !== undefined, (q) => q.where("id", "=", opts.jobId!))
      .orderBy("run_at")
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!next) return null;
    return trx
      .updateTable("jobs")
      .set({ status: "running", locked_at: now, attempts: sql`attempts + 1` })
      .where("id", "=", next.id)
      .returning(["id", "organisation_id", "kind", "payload", "attempts", "max_attempts"])
      .executeTakeFirstOrThrow();
  });
  if (!claimed) return false;
  opts.onClaim?.(claimed.id);
  // The outcome is written only while this claim still holds: a job released at shutdown (releaseJob) may be another worker's by then.
  const handler = handlers.get(claimed.kind);
  const progress = async (percent: number, message = "") => {
    await db.updateTable("jobs").set({ progress: Math.max(0, Math.min(100, Math.round(percent))), message }).where("id", "=", claimed.id).execute();
  };
  try {
    if (!handler) throw new Error(`no handler for job kind "${claimed.kind}"`);
    await handler({
      db,
      job: { id: claimed.id, organisationId: claimed.organisation_id, kind: claimed.kind, payload: claimed.payload, attempts: claimed.attempts },
      progress,
    });
    await db
      .updateTable("jobs")
      .set({ status: "done", progress: 100, finished_at: new Date() })
      .where("id", "=", claimed.id)
      .where("status", "=", "running")
      .where("locked_at", "=", now)
      .execute();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const final = claimed.attempts >= claimed.max_attempts;
    // Back-off: 10 s, 40 s, 90 s, ... so a passing outage does not burn every attempt.
    const retryAt = new Date(now.getTime() + 10_000 * claimed.attempts * claimed.attempts);
    await db
      .updateTable("jobs")
      .set(final ? { status: "failed", last_error: message, finished_at: new Date() } : { status: "queued", last_error: message, run_at: retryAt })
      .where("id", "=", claimed.id)
      .where("status", "=", "running")
      .where("locked_at", "=", now)
      .execute();
  }
  return true;
}

/** Jobs left "running" by a process that died are queued again after `staleMs`. */
export async function requeueStaleJobs(db: Executor, staleMs = 10 * 60_000, now = new Date()) {
  const result = await db
    .updateTable("jobs")
    .set({ status: "queued" })
    .where("status", "=", "running")
    .where("locked_at", "<", new Date(now.getTime() - staleMs))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Gives a claimed job back to the queue at once (status queued, due now, the
 * attempt not counted) so another worker can take it: what a server that
 * must stop does with a job it cannot finish in time.
 */
export async function releaseJob(db: Executor, id: bigint) {
  const result = await db
    .updateTable("jobs")
    .set({ status: "queued", locked_at: null, run_at: new Date(), attempts: sql`greatest(attempts - 1, 0)` })
    .where("id", "=", id)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface Worker {
  /** Stops polling (a job under way carries on). */
  (): void;
  /**
   * Stops polling and waits up to `boundMs` for the job under way; if it is
   * still running then, releases it (releaseJob) and returns. Resolves to
   * what happened to the job under way.
   */
  drain(boundMs: number): Promise<"idle" | "finished" | "released">;
}

/** The in-process worker the server starts: polls, runs due jobs one at a time, stops cleanly. */
export function startWorker(db: Database, opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}): Worker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: bigint | null = null;
  let running: Promise<void> | null = null;
  const tick = async () => {
    if (stopped) return;
    try {
      await requeueStaleJobs(db);
      while (!stopped && (await runNextJob(db, new Date(), { onClaim: (id) => (current = id) }))) {
        current = null;
      }
    } catch (error) {
      opts.onError?.(error);
    }
    current = null;
    if (!stopped) timer = setTimeout(run, opts.intervalMs ?? 2000);
  };
  const run = () => {
    running = tick().finally(() => (running = null));
  };
  timer = setTimeout(run, 0);
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
  const drain = async (boundMs: number): Promise<"idle" | "finished" | "released"> => {
    stop();
    const underWay = running;
    if (!underWay || current === null) {
      await underWay;
      return "idle";
    }
    const job = current;
    let bound: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      underWay.then(() => "finished" as const),
      new Promise<"late">((resolve) => (bound = setTimeout(() => resolve("late"), boundMs))),
    ]);
    clearTimeout(bound);
    if (outcome === "finished") return "finished";
    await releaseJob(db, job);
    return "released";
  };
  return Object.assign(stop, { drain });
}

/**
 * What an import's progress page shows of its job (components/import-progress.tsx):
 * how far it has got, and whether it is waiting to be tried again or could not
 * run at all. `finished` is true once the import has recorded its outcome
 * (then it shows 100%, though the job itself is marked done a moment later).
 */
export function jobProgress(
  job: { status: "queued" | "running" | "done" | "failed"; progress: number; message: string | null; attempts: number; last_error: string | null },
  finished: boolean,
) {
  return {
    status: job.status,
    progress: finished ? 100 : job.progress,
    message: job.message,
    retrying: job.status === "queued" && job.attempts > 0 ? job.last_error ?? "" : null,
    failed: job.status === "failed" && !finished ? job.last_error ?? "" : null,
  };
}
