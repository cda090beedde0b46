/**
 * Fault runs need the real server (a killed PGlite process would be testing
 * PGlite's crash recovery, not ours): a fresh database per run, and the app
 * or a CLI as a child process that the test can SIGKILL at any moment.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema";
import { setDb, type Database } from "~/utils/db.server";
import { createFreshDatabase, LOCAL_SERVER } from "../../db/fresh-database";

export async function freshDatabase(): Promise<{ url: string; db: Database; drop(): Promise<void> }> {
  const fresh = await createFreshDatabase(process.env.TEST_PG_URL ?? LOCAL_SERVER, "coop_faults");
  setDb(fresh.db);
  return fresh;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `node --import tsx SCRIPT ARGS` with the database; resolves once `ready` appears in its output (if given). */
export async function runScript(script: string, args: string[], env: Record<string, string>, ready?: string): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  if (ready) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 60_000);
      const check = () => {
        if (output.includes(ready)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", check);
      void exited.then(() => reject(new Error(`${script} exited:\n${output}`)));
    });
  }
  return { process: child, output: () => output, exited };
}

export async function startAppServer(url: string, env: Record<string, string> = {}): Promise<{ base: string; child: Child }> {
  const port = await freePort();
  const child = await runScript("server/server.ts", [], { ...env, DATABASE_URL: url, PORT: String(port) }, "serving at");
  return { base: `http://127.0.0.1:${port}`, child };
}

/**
 * The database URL with an application_name, so the test can find the
 * child's own connections in pg_stat_activity and pg_locks.
 */
export function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set("application_name", name);
  return u.toString();
}

/** The env that makes a child print its fault markers and stop, transaction open, at `hold` (NAME or NAME@N). */
export const holdAt = (hold: string) => ({ FAULT_MARKERS: "1", FAULT_HOLD: hold });

/**
 * Waits for the child's marker line `fault-marker NAME k=v ... holding`
 * (app/utils/fault-markers.server.ts) and returns its fields. Fails if the
 * child exits first: a kill that was meant to strike inside the work must
 * never be taken after the work has finished.
 */
export async function heldAt(child: Child, name: string, timeoutMs = 120_000): Promise<Record<string, string>> {
  const pattern = new RegExp(`^fault-marker ${name.replace(/[.]/g, "\\.")}((?: \\S+=\\S+)*) holding$`, "m");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${name}" marker holding after ${timeoutMs} ms:\n${child.output().slice(-4000)}`)), timeoutMs);
    const check = () => {
      const m = pattern.exec(child.output());
      if (m) done(null, Object.fromEntries(m[1].trim().split(" ").map((kv) => kv.split("=") as [string, string])));
    };
    const exit = () => done(new Error(`the child exited before the "${name}" marker:\n${child.output().slice(-4000)}`));
    function done(error: Error | null, fields?: Record<string, string>) {
      clearTimeout(timer);
      child.process.stdout!.off("data", check);
      child.process.stderr!.off("data", check);
      child.process.off("exit", exit);
      if (error) reject(error);
      else resolve(fields!);
    }
    child.process.stdout!.on("data", check);
    child.process.stderr!.on("data", check);
    child.process.on("exit", exit);
    check();
  });
}

export interface OpenTransaction {
  pid: number;
  state: string;
  xid: string | null;
  /** "mode relation" for each relation lock, "advisory" for advisory locks, granted only. */
  locks: string[];
}

/**
 * Seen from outside, independently of what the child prints: its one
 * connection that is inside a transaction (PostgreSQL's own account in
 * pg_stat_activity), the transaction id it holds (it has written) and the
 * locks it holds. `writing` names a table the held work writes (it holds a
 * RowExclusiveLock on it): the server's background jobs (the daily jobs it
 * queues when it starts, e.g. the books posting the share ledger to the
 * journal) may have a transaction of their own open at that moment, which
 * reads that table and may sit "idle in transaction" between two of its
 * statements. Those move on and the held work does not, so the count is
 * asked again for a while before it is called wrong.
 */
export async function openTransactionOf(db: Database, applicationName: string, writing?: string): Promise<OpenTransaction> {
  const until = Date.now() + 5_000;
  let rows: { pid: number; state: string; xid: string | null }[];
  for (;;) {
    rows = (await sql<{ pid: number; state: string; xid: string | null }>`
      SELECT a.pid, a.state, a.backend_xid::text AS xid FROM pg_stat_activity a
      WHERE a.datname = current_database() AND a.application_name = ${applicationName} AND a.backend_xid IS NOT NULL
        AND a.state = 'idle in transaction'
        ${writing ? sql`AND EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = a.pid AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relname = ${writing})` : sql``}`.execute(db)).rows;
    if (rows.length === 1 || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (rows.length !== 1) throw new Error(`expected one open writing transaction of ${applicationName}, found ${JSON.stringify(rows)}`);
  const locks = (await sql<{ lock: string }>`
    SELECT CASE WHEN l.locktype = 'advisory' THEN 'advisory' ELSE l.mode || ' ' || c.relname END AS lock
    FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
    WHERE l.pid = ${rows[0].pid} AND l.granted AND (l.locktype = 'advisory' OR c.relname IS NOT NULL)`.execute(db)).rows;
  return { ...rows[0], locks: locks.map((l) => l.lock) };
}

/** After a SIGKILL: waits until PostgreSQL has ended the child's connections (and so rolled back what they left open). */
export async function connectionsGone(db: Database, applicationName: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${applicationName}`.execute(db)).rows[0].n;
    if (n === 0) return;
    if (Date.now() > until) throw new Error(`${n} connections of ${applicationName} still open ${timeoutMs} ms after the kill`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs `probe` in a transaction of its own that is always rolled back, with
 * a short lock_timeout: whether it had to wait for a lock someone else holds
 * (true), or went through (false, and nothing of it is kept).
 */
export async function blockedBy(db: Database, probe: (trx: Transaction<DB>) => Promise<unknown>): Promise<boolean> {
  class Rollback extends Error {}
  try {
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL lock_timeout = '500ms'`.execute(trx);
      await probe(trx);
      throw new Rollback();
    });
  } catch (error) {
    if (error instanceof Rollback) return false;
    if ((error as { code?: string }).code === "55P03") return true; // lock_not_available: waited for a lock, or NOWAIT refused
    throw error;
  }
  throw new Error("unreachable");
}

export async function kill(child: Child) {
  child.process.kill("SIGKILL");
  await child.exited;
}
