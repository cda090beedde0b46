import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createPgliteDatabase } from "~/utils/db.server";
import { registerJob, runNextJob } from "~/utils/jobs.server";
import { startLoggedServer } from "../fixtures/logged-server";

/*
 * SIGTERM in the middle of a job, to the real server process (its own
 * embedded database in a temporary folder, read back here after it exits).
 */
async function stopDuringJob(jobMs: number, graceSeconds: number) {
  const dir = await mkdtemp(path.join(tmpdir(), "coop-shutdown-"));
  const { child, lines, exited, waitFor } = startLoggedServer("tests/fixtures/shutdown-server.ts", { PGLITE_DIR: dir, JOB_MS: String(jobMs), SHUTDOWN_GRACE_SECONDS: String(graceSeconds) });
  await waitFor("job started");
  const sentAt = Date.now();
  child.kill("SIGTERM");
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
