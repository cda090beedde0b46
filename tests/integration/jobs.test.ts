import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/utils/db.server";
import { enqueueJob, getJob, registerJob, requeueStaleJobs } from "~/utils/jobs.server";
import { makeOrganisation } from "../../db/factories";
import { JOB_KINDS, scheduleDailyJobs } from "../../server/jobs";
import { testDb } from "../db";
import { runJobsUntil } from "../run-jobs";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

/* Run until our own job is finished (other test files queue jobs too: see tests/run-jobs.ts). */
const drain = (until: () => Promise<boolean>, now?: Date) => runJobsUntil(db, until, now);

describe("job queue", () => {
  it("runs a job once, reports progress, and schedules idempotently by key", async () => {
    const org = await makeOrganisation(db);
    const seen: string[] = [];
    registerJob("test.count", async ({ job, progress }) => {
      seen.push(String(job.payload.n));
      await progress(50, "half way");
    });
    const key = `count:${org.id}`;
    const id = await enqueueJob(db, { organisationId: org.id, kind: "test.count", payload: { n: 7 }, uniqueKey: key });
    expect(await enqueueJob(db, { organisationId: org.id, kind: "test.count", payload: { n: 8 }, uniqueKey: key })).toBeNull();
    await drain(async () => (await getJob(db, org.id, id!))?.status === "done");
    expect(seen).toEqual(["7"]);
    expect(await getJob(db, org.id, id!)).toMatchObject({ status: "done", progress: 100, message: "half way" });
    // Another organisation cannot read it.
    const other = await makeOrganisation(db);
    expect(await getJob(db, other.id, id!)).toBeUndefined();
  });

  it("retries a failing job with back-off, then marks it failed with the error", async () => {
    const org = await makeOrganisation(db);
    let calls = 0;
    registerJob("test.fail", async () => {
      calls++;
      throw new Error("bank file not found");
    });
    const id = (await enqueueJob(db, { organisationId: org.id, kind: "test.fail", maxAttempts: 2 }))!;
    const t0 = new Date();
    await drain(async () => calls >= 1, t0);
    expect(await getJob(db, org.id, id)).toMatchObject({ status: "queued", last_error: "bank file not found", attempts: 1 });
    // Not due again until the back-off has passed.
    expect(await runNextJobFor(id, t0)).toBe(false);
    await drain(async () => (await getJob(db, org.id, id))?.status === "failed", new Date(t0.getTime() + 60_000));
    expect(calls).toBe(2);
  });

  it("queues again a job whose worker died while running it", async () => {
    const org = await makeOrganisation(db);
    const id = (await enqueueJob(db, { organisationId: org.id, kind: "test.none" }))!;
    await db.updateTable("jobs").set({ status: "running", locked_at: new Date(Date.now() - 3_600_000) }).where("id", "=", id).execute();
    expect(await requeueStaleJobs(db)).toBeGreaterThanOrEqual(1);
    expect((await getJob(db, org.id, id))?.status).toBe("queued");
    await db.updateTable("jobs").set({ status: "failed" }).where("id", "=", id).execute();
  });
});

async function runNextJobFor(id: bigint, now: Date) {
  const due = await db.selectFrom("jobs").select("id").where("id", "=", id).where("status", "=", "queued").where("run_at", "<=", now).executeTakeFirst();
  return !!due;
}

describe("daily schedule", () => {
  it("enqueues arrears ageing once per organisation per day, and running it records the snapshot", async () => {
    const org = await makeOrganisation(db);
    const day = "2031-03-04";
    // 23:30 UTC on 3 March is already 4 March in Auckland: the organisation's own day counts.
    await db.updateTable("organisations").set({ time_zone: "Pacific/Auckland" }).where("id", "=", org.id).execute();
    await scheduleDailyJobs(db, new Date("2031-03-03T23:30:00Z"));
    await scheduleDailyJobs(db, new Date("2031-03-04T10:00:00Z"));
    const jobs = await db.selectFrom("jobs").select(["id", "status"]).where("organisation_id", "=", org.id).where("kind", "=", JOB_KINDS.ageArrears).execute();
    expect(jobs).toHaveLength(1);
    // The shared test database holds many organisations, each now with its own job: put ours first in the queue.
    await db.updateTable("jobs").set({ run_at: new Date("2000-01-01T00:00:00Z") }).where("id", "=", jobs[0].id).execute();
    await drain(async () => (await getJob(db, org.id, jobs[0].id))?.status === "done");
    const snapshot = await db.selectFrom("loan_arrears_snapshots").select(["as_at", "loans"]).where("organisation_id", "=", org.id).executeTakeFirst();
    expect(snapshot).toMatchObject({ as_at: day, loans: 0 });
  });
});
