import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createPgliteDatabase } from "~/utils/db.server";
import { registerJob, runNextJob } from "~/utils/jobs.server";

/*
 * SIGTERM in the middle of a job, to the real server process (its own
 * embedded database in a temporary folder, read back here after it exits).
 */
const tsx = path.resolve("node_modules/.bin/tsx");

async function stopDuringJob(jobMs: number, graceSeconds: number) {
  const dir = await mkdtemp(path.join(tmpdir(), "coop-shutdown-"));
  const child = spawn(tsx, ["tests/fixtures/shutdown-server.ts"], {
    env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: dir, ALLOW_EMBEDDED_DB: "true", NODE_ENV: "test", LOG_LEVEL: "info", JOB_MS: String(jobMs), SHUTDOWN_GRACE_SECONDS: String(graceSeconds) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  let buffer = "";
  let sentAt = 0;
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          lines.push(JSON.parse(line));
        } catch {
          continue;
        }
        if (lines.at(-1)!.msg === "job started" && !sentAt) {
          sentAt = Date.now();
          child.kill("SIGTERM");
          resolve();
        }
      }
    });
    void exited.then(() => reject(new Error(`server exited before the job started:\n${stderr}`)));
  });
  const code = await exited;
  const stoppedAfterMs = Date.now() - sentAt;
  const db = await createPgliteDatabase(dir);
  const job = await db.selectFrom("jobs").selectAll().where("kind", "=", "test.slow").executeTakeFirstOrThrow();
  return { code, stoppedAfterMs, job, lines, db, cleanup: async () => (await db.destroy(), await rm(dir, { recursive: true, force: true })) };
}

describe("graceful shutdown (SIGTERM during a job)", () => {
  it("lets a job that finishes within the bound finish, then exits 0", async () => {
    const r = await stopDuringJob(1500, 20);
    try {
      expect(r.code).toBe(0);
      expect(r.job).toMatchObject({ status: "done", progress: 100, message: "slow job done", attempts: 1 });
      expect(r.stoppedAfterMs).toBeLessThan(20_000);
      expect(r.lines.some((l) => l.msg === "job under way finished")).toBe(true);
    } finally {
      await r.cleanup();
    }
  }, 90_000);

  it("gives a job that outlasts the bound back to the queue at once, and another worker can claim and run it", async () => {
    const r = await stopDuringJob(120_000, 1);
    try {
      expect(r.code).toBe(0);
      // Released, not left "running" for the ten-minute stale check.
      expect(r.job).toMatchObject({ status: "queued", locked_at: null, attempts: 0 });
      expect(r.job.run_at.getTime()).toBeLessThanOrEqual(Date.now());
      expect(r.stoppedAfterMs).toBeLessThan(15_000);
      expect(r.lines.some((l) => l.msg === "job under way given back to the queue")).toBe(true);
      // Another worker takes it straight away.
      registerJob("test.slow", async () => {});
      for (let i = 0; i < 5 && (await r.db.selectFrom("jobs").select("status").where("id", "=", r.job.id).executeTakeFirstOrThrow()).status !== "done"; i++) {
        await runNextJob(r.db);
      }
      expect(await r.db.selectFrom("jobs").select(["status", "attempts"]).where("id", "=", r.job.id).executeTakeFirstOrThrow()).toEqual({ status: "done", attempts: 1 });
    } finally {
      await r.cleanup();
    }
  }, 90_000);
});
