import { beforeAll, describe, expect, it } from "vitest";
import { createSession } from "~/models/core/auth.server";
import { pruneExpired, RETENTION } from "~/models/core/retention.server";
import type { Database } from "~/utils/db.server";
import { enqueueJob } from "~/utils/jobs.server";
import { hashToken } from "~/utils/tokens.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

describe("retention", () => {
  it("prunes expired sessions, old log-in attempts, used reset links, finished jobs and sent emails, and nothing else", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const email = `retention-${org.id}@example.test`;

    // Sessions: one long expired, one expired within the grace day, one current.
    const old = await createSession(db, user.id, org.id, daysAgo(60));
    const recent = await createSession(db, user.id, org.id, daysAgo(30 + RETENTION.expiredSessionDays - 0.5));
    const current = await createSession(db, user.id, org.id);
    await db.updateTable("sessions").set({ expires_at: daysAgo(0.5) }).where("id", "=", hashToken(recent.token)).execute();

    // Log-in attempts either side of the line.
    await db.insertInto("login_attempts").values([
      { email, ip: "192.0.2.1", succeeded: false, at: daysAgo(RETENTION.loginAttemptDays + 1) },
      { email, ip: "192.0.2.1", succeeded: false, at: daysAgo(RETENTION.loginAttemptDays - 1) },
    ]).execute();

    // Password-reset links: used long ago, expired long ago, live.
    const reset = (name: string) => hashToken(`${name}-${org.id}`);
    await db.insertInto("password_resets").values([
      { token_hash: reset("used"), user_id: user.id, expires_at: daysAgo(RETENTION.passwordResetDays + 1), used_at: daysAgo(RETENTION.passwordResetDays + 2) },
      { token_hash: reset("expired"), user_id: user.id, expires_at: daysAgo(RETENTION.passwordResetDays + 1), used_at: null },
      { token_hash: reset("live"), user_id: user.id, expires_at: new Date(Date.now() + DAY / 24), used_at: null },
    ]).execute();

    // Jobs: finished long ago (done, failed), finished lately, queued long ago (never pruned: not finished).
    const job = async (status: "done" | "failed" | "queued", finishedDaysAgo: number | null) => {
      const id = (await enqueueJob(db, { organisationId: org.id, kind: "test.retention", runAt: daysAgo(100) }))!;
      await db.updateTable("jobs").set({ status, finished_at: finishedDaysAgo === null ? null : daysAgo(finishedDaysAgo) }).where("id", "=", id).execute();
      return id;
    };
    const oldDone = await job("done", RETENTION.finishedJobDays + 1);
    const oldFailed = await job("failed", RETENTION.finishedJobDays + 1);
    const newDone = await job("done", 1);
    const oldQueued = await job("queued", null);

    // Emails: sent long ago, sent lately, never sent (old), failed (old).
    const mail = async (sentDaysAgo: number | null, failed = false) =>
      (await db
        .insertInto("email_outbox")
        .values({
          organisation_id: org.id,
          to_email: email,
          subject: "s",
          body: "b",
          created_at: daysAgo(200),
          next_attempt_at: daysAgo(200),
          sent_at: sentDaysAgo === null ? null : daysAgo(sentDaysAgo),
          failed_at: failed ? daysAgo(150) : null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()).id;
    const oldSent = await mail(RETENTION.sentEmailDays + 1);
    const newSent = await mail(RETENTION.sentEmailDays - 1);
    const unsent = await mail(null);
    const failed = await mail(null, true);

    // The audit trail is never pruned.
    const auditBefore = Number((await db.selectFrom("audit_events").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

    const counts = await pruneExpired(db);
    expect(counts.sessions).toBeGreaterThanOrEqual(1);
    expect(counts.jobs).toBeGreaterThanOrEqual(2);
    expect(counts.emails).toBeGreaterThanOrEqual(1);
    expect(counts.loginAttempts).toBeGreaterThanOrEqual(1);

    const sessionIds = (await db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).map((r) => r.id);
    expect(sessionIds).not.toContain(hashToken(old.token));
    expect(sessionIds).toContain(hashToken(recent.token));
    expect(sessionIds).toContain(hashToken(current.token));

    const attempts = await db.selectFrom("login_attempts").select("at").where("email", "=", email).execute();
    expect(attempts).toHaveLength(1);
    expect(attempts[0].at.getTime()).toBeGreaterThan(daysAgo(RETENTION.loginAttemptDays).getTime());

    expect((await db.selectFrom("password_resets").select("token_hash").where("user_id", "=", user.id).execute()).map((r) => r.token_hash)).toEqual([reset("live")]);

    const jobIds = (await db.selectFrom("jobs").select("id").where("organisation_id", "=", org.id).execute()).map((r) => r.id);
    expect(jobIds).not.toContain(oldDone);
    expect(jobIds).not.toContain(oldFailed);
    expect(jobIds).toEqual(expect.arrayContaining([newDone, oldQueued]));

    const mailIds = (await db.selectFrom("email_outbox").select("id").where("organisation_id", "=", org.id).execute()).map((r) => r.id);
    expect(mailIds).not.toContain(oldSent);
    expect(mailIds).toEqual(expect.arrayContaining([newSent, unsent, failed]));

    expect(Number((await db.selectFrom("audit_events").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)).toBe(auditBefore);

    // Again: nothing more of ours to prune.
    await pruneExpired(db);
    expect((await db.selectFrom("jobs").select("id").where("organisation_id", "=", org.id).execute()).map((r) => r.id).sort()).toEqual([newDone, oldQueued].sort());
  });
});
