/**
 * The app's background jobs and their schedule. The server's worker
 * (app/utils/jobs.server.ts) runs them; this module says what they are.
 */
import { ageLoans } from "~/models/loans.server";
import type { Database } from "~/utils/db.server";
import { enqueueJob, registerJob } from "~/utils/jobs.server";

export const JOB_KINDS = { ageArrears: "loans.age-arrears" } as const;

registerJob(JOB_KINDS.ageArrears, async ({ db, job, progress }) => {
  const asAt = String(job.payload.asAt);
  await db.transaction().execute((trx) => ageLoans(trx, job.organisationId, asAt));
  await progress(100, `Arrears aged as at ${asAt}`);
});

/**
 * Daily work for every organisation, enqueued idempotently (the unique
 * key holds the date), so any number of servers asking at any time make
 * exactly one job per organisation per day.
 */
export async function scheduleDailyJobs(db: Database, today: string) {
  const organisations = await db.selectFrom("organisations").select("id").execute();
  for (const org of organisations) {
    await enqueueJob(db, {
      organisationId: org.id,
      kind: JOB_KINDS.ageArrears,
      payload: { asAt: today },
      uniqueKey: `${JOB_KINDS.ageArrears}:${org.id}:${today}`,
    });
  }
}
