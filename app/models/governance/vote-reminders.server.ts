import { sql } from "kysely";
import { conflict, forbidden, notFound } from "~/domain/refusal";
import { ELECTION_KINDS } from "~/domain/voting/kinds";
import { recordAudit } from "~/models/core/audit.server";
import type { Executor } from "~/utils/db.server";

/*
 * When voting is due to close, and the one reminder before it (issue #16
 * point 4). The secretary sets the closing time; closing stays a deliberate
 * act. A job (server/jobs.ts) reminds each member of the electorate who has
 * not voted, has an email address and has not opted out, once, when the
 * close is within the organisation's window (48 hours unless changed). The
 * reminder says only that the member has not voted yet: nothing about how
 * anyone voted, nor who else has.
 */

/** Set (or clear, with null) when voting on a motion is due to close; audited. */
export async function setClosingTime(db: Executor, organisationId: string, actor: { userId: string; canManage: boolean }, motionId: string, closesAt: Date | null, now = new Date()) {
  if (!actor.canManage) throw forbidden("Only the secretary can set when voting closes.");
  const motion = await db
    .selectFrom("motions")
    .select(["id", "status", "closes_at"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", motionId)
    .forUpdate()
    .executeTakeFirst();
  if (!motion) throw notFound("That motion does not exist.");
  if (motion.status === "closed") throw conflict("Voting has already closed.");
  if (closesAt && closesAt.getTime() <= now.getTime()) throw conflict("The closing time must be in the future.", "closesAt");
  await db.updateTable("motions").set({ closes_at: closesAt }).where("organisation_id", "=", organisationId).where("id", "=", motionId).execute();
  await recordAudit(db, {
    organisationId,
    actorUserId: actor.userId,
    action: "motion.closing_time_set",
    entityType: "motion",
    entityId: motionId,
    before: { closesAt: motion.closes_at ? new Date(motion.closes_at).toISOString() : null },
    after: { closesAt: closesAt ? closesAt.toISOString() : null },
  });
}

/**
 * Remind the members who have not voted on the organisation's open votes
 * closing within its window. The vote_reminders row is claimed first (its
 * key is the motion and the member): a second run, or one running at the
 * same moment, claims nothing and sends nothing. Returns how many were queued.
 */
export async function sendVoteReminders(db: Executor, organisationId: string, appUrl: string, now = new Date()) {
  const electionKind = sql`x.kind IN (${sql.join(ELECTION_KINDS.map((k) => sql.lit(k)))})`;
  const result = await sql<{ n: string }>`
    WITH due AS (
      SELECT e.organisation_id, e.motion_id, e.member_id
      FROM motions x
      JOIN organisations o ON o.id = x.organisation_id
      JOIN motion_electorate e ON e.organisation_id = x.organisation_id AND e.motion_id = x.id
      JOIN members m ON m.organisation_id = e.organisation_id AND m.id = e.member_id
      WHERE x.organisation_id = ${organisationId}::uuid
        AND x.status = 'open'
        AND x.closes_at > ${now}::timestamptz
        AND x.closes_at <= ${now}::timestamptz + make_interval(hours => o.vote_reminder_hours)
        AND m.email IS NOT NULL AND m.email <> ''
        AND NOT EXISTS (SELECT 1 FROM participations p WHERE p.organisation_id = e.organisation_id AND p.motion_id = e.motion_id AND p.member_id = e.member_id)
        AND NOT EXISTS (
          SELECT 1 FROM organisation_users ou JOIN users u ON u.id = ou.user_id
          WHERE ou.organisation_id = e.organisation_id AND ou.member_id = e.member_id AND NOT u.vote_reminders
        )
    ), claimed AS (
      INSERT INTO vote_reminders (organisation_id, motion_id, member_id)
      SELECT organisation_id, motion_id, member_id FROM due
      ON CONFLICT (motion_id, member_id) DO NOTHING
      RETURNING organisation_id, motion_id, member_id
    ), queued AS (
      INSERT INTO email_outbox (organisation_id, to_email, subject, body, attachments)
      SELECT m.organisation_id, m.email,
        'Reminder: voting closes soon on ' || x.title,
        'Dear ' || m.name || E',\n\n' ||
          'You have not voted yet on ' || CASE WHEN ${electionKind} THEN 'the election "' ELSE 'the motion "' END ||
          x.title || '" (' || g.title || '). Voting is due to close on ' ||
          to_char(x.closes_at AT TIME ZONE o.time_zone, 'FMDay DD FMMonth YYYY "at" HH24:MI') || ' (' || o.time_zone || E').\n\n' ||
          E'Sign in and cast your vote here:\n' || ${appUrl} ||
          CASE WHEN ${electionKind} THEN '/elections/' ELSE '/motions/' END || x.id::text || E'\n\n' ||
          E'Your vote is secret: the register records that you voted, never how.\n\n' ||
          E'You are sent this reminder once. To stop reminders, untick "Email me a reminder before a vote closes" on your account page.',
        '[]'::jsonb
      FROM claimed c
      JOIN members m ON m.organisation_id = c.organisation_id AND m.id = c.member_id
      JOIN motions x ON x.organisation_id = c.organisation_id AND x.id = c.motion_id
      JOIN meetings g ON g.organisation_id = x.organisation_id AND g.id = x.meeting_id
      JOIN organisations o ON o.id = c.organisation_id
      RETURNING 1
    )
    SELECT count(*)::text AS n FROM queued
  `.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Whether this user is reminded before votes close (the account page's checkbox). */
export async function setVoteReminders(db: Executor, userId: string, on: boolean) {
  await db.updateTable("users").set({ vote_reminders: on }).where("id", "=", userId).execute();
}

/** Whether this user is reminded before votes close (true unless they opted out). */
export async function voteRemindersOn(db: Executor, userId: string) {
  const row = await db.selectFrom("users").select("vote_reminders").where("id", "=", userId).executeTakeFirst();
  return row?.vote_reminders ?? true;
}
