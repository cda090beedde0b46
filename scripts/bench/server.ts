/**
 * What the bench's HTTP sections share: the production server under load
 * (in its own process on PostgreSQL), a signed-in session for a bench user,
 * and the CPU time the server and PostgreSQL spend, read from /proc.
 */
import pino from "pino";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { sql } from "kysely";
import { createLogger } from "../../app/utils/logger.server";
import { setDb, type Database } from "../../app/utils/db.server";
import { generateToken, hashToken } from "../../app/utils/tokens.server";
import { createHttpServer, loadBuild } from "../../server/server";
import type { BenchContext } from "./types";

/** The server under test: where it answers, and its process id when it runs in a process of its own. */
export interface ServedBy {
  base: string;
  pid: number | null;
}

/**
 * The server under load. On PostgreSQL it runs in its own process, the
 * compiled server (`npm run build`) as `npm start` runs it in production,
 * so its memory and CPU are its own; on embedded PGlite (one process per
 * database) it runs in this process. BENCH_SERVER_ARGS passes Node options
 * to the server, e.g. "--cpu-prof" to profile it under load. `databaseUrl`
 * points the server at another database than the bench's fresh one (the
 * scale database, scripts/bench/scale-seed.ts).
 */
export async function withServer<T>(ctx: BenchContext, db: Database, run: (server: ServedBy) => Promise<T>, opts: { databaseUrl?: string; port?: number } = {}): Promise<{ result: T; peakRssMb: number | null }> {
  if (ctx.postgres && (opts.databaseUrl ?? process.env.DATABASE_URL)) {
    const port = opts.port ?? await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, "127.0.0.1", () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const nodeArgs = (process.env.BENCH_SERVER_ARGS ?? "").split(" ").filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, `${process.env.BUILD_DIR ?? "build"}/server.js`], {
      env: { ...process.env, PORT: String(port), NODE_ENV: "production", DATABASE_URL: opts.databaseUrl ?? process.env.DATABASE_URL },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const onData = (c: Buffer) => {
        out += c.toString();
        if (out.includes("serving at")) {
          // From here the server writes a JSON log line per request (as in production): read and dropped, not kept.
          child.stdout!.off("data", onData);
          child.stdout!.resume();
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", () => reject(new Error(`server exited: ${out}`)));
    });
    try {
      const result = await run({ base: `http://127.0.0.1:${port}`, pid: child.pid ?? null });
      return { result, peakRssMb: memoryMb(child.pid ?? "self").peak };
    } finally {
      child.kill("SIGTERM");
    }
  }
  setDb(db);
  // The request log is written as in production, to /dev/null rather than over the bench's table.
  const server = createHttpServer(await loadBuild(), { log: createLogger("info", pino.destination({ dest: "/dev/null", sync: true })) });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return { result: await run({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: null }), peakRssMb: null };
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** A live session (30 days ahead, like a fresh log-in: no sliding-expiry write) for a user of an organisation: the cookie's token. */
export async function sessionToken(db: Database, organisationId: string, userId: string) {
  const token = generateToken();
  await db.insertInto("sessions").values({ id: hashToken(token), user_id: userId, organisation_id: organisationId, expires_at: new Date(Date.now() + 30 * 86_400_000) }).execute();
  return token;
}

/** A process's resident memory now and at its peak (VmRSS, VmHWM), in MB. */
export function memoryMb(pid: number | "self") {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** CPU seconds (user + system) a process has used so far, or null when it is not on this machine or has ended. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    // utime + stime, in USER_HZ (100 on Linux).
    return (fields[11] + fields[12]) / 100;
  } catch {
    return null;
  }
}

/**
 * CPU seconds so far of the server process and of the PostgreSQL backends
 * serving the bench's database (their process ids from pg_stat_activity).
 * Not the rest of the PostgreSQL server, which other databases share, and
 * not this process, which generates the load. `postgres` is null when the
 * backends are not on this machine.
 */
async function snapshot(db: Database, serverPid: number | null) {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db);
  const backends = new Map<number, number>();
  for (const { pid } of rows) {
    // Only a PostgreSQL process of this machine (a server elsewhere, or in a container, has pids of its own).
    let comm = "";
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    if (comm !== "postgres") continue;
    const s = cpuSeconds(pid);
    if (s !== null) backends.set(pid, s);
  }
  return { server: serverPid === null ? null : cpuSeconds(serverPid), backends: backends.size ? backends : null };
}

export interface CpuPerVote {
  /** Server process CPU per vote, ms (null: the server ran in this process). */
  serverMs: number | null;
  /** CPU per vote of the PostgreSQL backends of the bench's database, ms (null: not measurable here). */
  postgresMs: number | null;
}

/**
 * The CPU per vote that `work` cost the server and PostgreSQL: the server
 * process's and the bench database's backends' utime + stime before and
 * after. A backend that appears during the work counts from zero; one that
 * ends during it is lost (the runs keep their connections open throughout).
 */
export async function cpuPerVote<T>(db: Database, serverPid: number | null, votes: number, work: () => Promise<T>): Promise<{ result: T; cpu: CpuPerVote }> {
  if (!existsSync("/proc/self/stat")) return { result: await work(), cpu: { serverMs: null, postgresMs: null } };
  const before = await snapshot(db, serverPid);
  const result = await work();
  const after = await snapshot(db, serverPid);
  let postgres: number | null = null;
  if (before.backends && after.backends) {
    postgres = 0;
    for (const [pid, s] of after.backends) postgres += s - (before.backends.get(pid) ?? 0);
  }
  const perVote = (s: number | null) => (s === null ? null : (s * 1000) / votes);
  return {
    result,
    cpu: { serverMs: perVote(before.server === null || after.server === null ? null : after.server - before.server), postgresMs: perVote(postgres) },
  };
}

export const fmtMs = (ms: number | null) => (ms === null ? "n/a" : `${ms.toFixed(2)} ms`);
