import { sql } from "kysely";
import { resultSummary } from "~/domain/voting/resolutions";
import type { Executor } from "~/utils/db.server";
import { GovernanceError } from "./meetings.errors.server";
import { isElection } from "./meetings.server";

/*
 * Emails to the electorate of a vote at a general meeting: when voting opens
 * (with the link to vote) and when the result is certified. One message per
 * eligible member with an email address on the register, queued in the
 * outbox in the same transaction as the opening or closing, so a rolled-back
 * change sends nothing. Board meetings have no electorate, so no mail.
 */

async function motionForMail(db: Executor, organisationId: string, motionId: string) {
  const motion = await db
    .selectFrom("motions as x")
    .innerJoin("meetings as m", "m.id", "x.meeting_id")
    .innerJoin("organisations as o", "o.id", "x.organisation_id")
    .select(["x.id", "x.kind", "x.title", "m.title as meeting_title", "m.held_on", "o.name as organisation_name"])
    .where("x.organisation_id", "=", organisationId)
    .where("x.id", "=", motionId)
    .executeTakeFirst();
  if (!motion) throw new GovernanceError("That motion does not exist.");
  const link = (appUrl: string) => `${appUrl}/${isElection(motion.kind) ? "elections" : "motions"}/${motion.id}`;
  return { ...motion, link };
}

/** One message to each member on the motion's electorate who has an email address, greeted by name. */
async function mailElectorate(db: Executor, organisationId: string, motionId: string, subject: string, body: string) {
  const result = await sql`
    INSERT INTO email_outbox (organisation_id, to_email, subject, body)
    SELECT e.organisation_id, m.email, ${subject}, 'Dear ' || m.name || E',\n\n' || ${body}
    FROM motion_electorate e JOIN members m ON m.organisation_id = e.organisation_id AND m.id = e.member_id
    WHERE e.organisation_id = ${organisationId}::uuid AND e.motion_id = ${motionId}::uuid AND m.email IS NOT NULL AND m.email <> ''
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Tell the electorate that voting has opened, with the link to vote. Returns the number of messages queued. */
export async function queueVotingOpenedMail(db: Executor, organisationId: string, motionId: string, appUrl: string) {
  const motion = await motionForMail(db, organisationId, motionId);
  const what = isElection(motion.kind) ? "the election" : "the motion";
  return mailElectorate(
    db,
    organisationId,
    motionId,
    `Voting is open: ${motion.title}`,
    `${motion.organisation_name} has opened voting on ${what} "${motion.title}" (${motion.meeting_title}, ${motion.held_on}).\n\n` +
      `Sign in and cast your vote here:\n${motion.link(appUrl)}\n\n` +
      `Your vote is secret: the register records that you voted, never how. After voting you are given a receipt code, ` +
      `with which you can check later that your ballot was counted.`,
  );
}

/** Tell the electorate the certified result, with the link to the full result. Returns the number of messages queued. */
export async function queueResultMail(db: Executor, organisationId: string, motionId: string, appUrl: string) {
  const motion = await motionForMail(db, organisationId, motionId);
  const result = await db
    .selectFrom("motion_results")
    .select("outcome")
    .where("organisation_id", "=", organisationId)
    .where("motion_id", "=", motionId)
    .executeTakeFirst();
  if (!result) throw new GovernanceError("This motion has no certified result yet.");
  const outcome = (typeof result.outcome === "string" ? JSON.parse(result.outcome) : result.outcome) as Parameters<typeof resultSummary>[1];
  return mailElectorate(
    db,
    organisationId,
    motionId,
    `Result: ${motion.title}`,
    `${motion.organisation_name} has certified the result of the vote on "${motion.title}" (${motion.meeting_title}).\n\n` +
      `${resultSummary(motion.title, outcome)}\n\n` +
      `The full result, with the counts and how quorum and threshold were met:\n${motion.link(appUrl)}`,
  );
}
