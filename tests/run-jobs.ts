import { runNextJob } from "~/utils/jobs.server";
import type { Database } from "~/utils/db.server";

/**
 * Runs queued jobs until `done` says the test's own work is finished. The
 * test files of a worker share one database, and every organisation they
 * made has its daily and hourly jobs queued, so hundreds of other jobs may
 * come first: run until done, or until the queue has nothing due.
 */
export async function runJobsUntil(db: Database, done: () => Promise<boolean>, now?: Date) {
  for (let i = 0; i < 5000 && !(await done()); i++) if (!(await runNextJob(db, now))) break;
}
