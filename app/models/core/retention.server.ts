import type { Executor } from "~/utils/db.server";

/**
 * What is pruned, and after how long (docs: README "Retention"). Only
 * operational rows: expired sessions, old log-in attempts, used or expired
 * password-reset links, finished jobs and sent emails. The audit trail and
 * the ledgers are never touched here (they are append-only by design).
 */
export const RETENTION = {
  /** Sessions are useless once expired; a day's grace keeps "session expired" pages meaningful. */
  expiredSessionDays: 1,
  /** Log-in attempts throttle over minutes; a month is kept to look into an attack afterwards. */
  loginAttemptDays: 30,
  /** Password-reset links: a week after they expired or were used. */
  passwordResetDays: 7,
  /** Jobs that are done or failed (their progress pages stop being useful). */
  finishedJobDays: 30,
  /** Emails sent from the outbox (unsent and failed ones are kept: someone may need to act). */
  sentEmailDays: 90,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

export interface PruneCounts {
  sessions: number;
  loginAttempts: number;
  passwordResets: number;
  jobs: number;
  emails: number;
}

/** Deletes what the retention periods say is past keeping; returns how many rows of each. Idempotent. */
export async function pruneExpired(db: Executor, now = new Date(), policy: typeof RETENTION = RETENTION): Promise<PruneCounts> {
  const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  const sessions = await db.deleteFrom("sessions").where("expires_at", "<", before(now, policy.expiredSessionDays)).executeTakeFirst();
  const loginAttempts = await db.deleteFrom("login_attempts").where("at", "<", before(now, policy.loginAttemptDays)).executeTakeFirst();
  const passwordResets = await db
    .deleteFrom("password_resets")
    .where((eb) => eb.or([eb("expires_at", "<", before(now, policy.passwordResetDays)), eb("used_at", "<", before(now, policy.passwordResetDays))]))
    .executeTakeFirst();
  const jobs = await db
    .deleteFrom("jobs")
    .where("status", "in", ["done", "failed"])
    .where("finished_at", "<", before(now, policy.finishedJobDays))
    .executeTakeFirst();
  const emails = await db.deleteFrom("email_outbox").where("sent_at", "<", before(now, policy.sentEmailDays)).executeTakeFirst();
  return {
    sessions: count(sessions),
    loginAttempts: count(loginAttempts),
    passwordResets: count(passwordResets),
    jobs: count(jobs),
    emails: count(emails),
  };
}
