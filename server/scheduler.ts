import type { Logger } from "pino";
import { pruneExpired } from "~/models/core/retention.server";
import type { OutgoingMail } from "~/models/core/outbox.server";
import type { Database } from "~/utils/db.server";
import { startWorker } from "~/utils/jobs.server";
import { runBackup, type BackupSettings } from "~/utils/backups.server";
import { scheduleDailyJobs } from "./jobs";
import { deliverOutbox } from "./mailer";

/*
 * The server's background work, in one place and one style: the job worker,
 * the mailer, the daily jobs, retention and backups. Each loop is `every`: it runs
 * its task at once (or after a first delay), never runs two rounds of it at
 * the same time, reports errors and carries on, and stops on request.
 */

export interface Loop {
  (): void;
}

/** Runs `task` every `everyMs` (first after `firstAfterMs`, default at once); a round still running makes the next one skip. */
export function every(everyMs: number, task: () => Promise<unknown>, opts: { firstAfterMs?: number; onError?: (error: unknown) => void } = {}): Loop {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } catch (error) {
      opts.onError?.(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  const first = setTimeout(() => void tick(), opts.firstAfterMs ?? 0);
  first.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(first);
  };
}

export interface Scheduler {
  /**
   * Stops every loop and waits up to `boundMs` for the job under way; if it
   * is still running then, gives it back to the queue (see startWorker).
   */
  drain(boundMs: number): Promise<"idle" | "finished" | "released">;
}

export function startScheduler(
  db: Database,
  opts: { log: Logger; send: ((mail: OutgoingMail) => Promise<void>) | null; backups?: BackupSettings },
): Scheduler {
  const { log } = opts;
  // Background jobs run in the server process (one worker; more servers share the queue safely).
  const worker = startWorker(db, { onError: (err) => log.error({ err }, "job worker") });
  const loops: Loop[] = [
    // Each minute: organisations' days turn at their own midnights, and the jobs' unique keys make asking again a no-op.
    every(60_000, () => scheduleDailyJobs(db, new Date()), { onError: (err) => log.error({ err }, "scheduler") }),
    // Each hour (and a minute after start): retention (README "Retention"). Deletes are idempotent, so several servers may all run it.
    every(
      60 * 60_000,
      async () => {
        const counts = await pruneExpired(db);
        if (Object.values(counts).some((n) => n > 0)) log.info({ pruned: counts }, "retention");
      },
      { firstAfterMs: 60_000, onError: (err) => log.error({ err }, "retention") },
    ),
  ];
  // The outbox goes out by SMTP when SMTP_URL is set; without it mail waits in the outbox (listed at /dev/mail).
  if (opts.send) {
    const send = opts.send;
    loops.push(every(10_000, () => deliverOutbox(db, send), { onError: (err) => log.error({ err }, "mailer") }));
  }
  // Backups (README "Backups"): with BACKUP_DIR, looked at every ten minutes (first a minute after start), made when
  // the newest is BACKUP_EVERY_HOURS old, old ones removed; SIGUSR2 asks for one now. One backup at a time.
  let backingUp: Promise<unknown> | null = null;
  const backup = (force: boolean) => {
    const settings = opts.backups;
    if (!settings) {
      if (force) log.warn("BACKUP_DIR is not set: no backup made");
      return Promise.resolve();
    }
    backingUp ??= runBackup(db, settings, new Date(), { force })
      .then((made) => made && log.info({ file: made.file, removed: made.removed }, "backup"))
      .finally(() => (backingUp = null));
    return backingUp;
  };
  if (opts.backups) loops.push(every(10 * 60_000, () => backup(false), { firstAfterMs: 60_000, onError: (err) => log.error({ err }, "backup") }));
  const onBackupSignal = () => void backup(true).catch((err) => log.error({ err }, "backup"));
  process.on("SIGUSR2", onBackupSignal);
  loops.push(() => process.off("SIGUSR2", onBackupSignal));
  return {
    drain(boundMs) {
      for (const stop of loops) stop();
      return worker.drain(boundMs);
    },
  };
}
