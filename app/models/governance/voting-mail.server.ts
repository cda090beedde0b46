import { sql, type RawBuilder } from "kysely";
import { FORMAT_LABEL, MEETING_KIND_LABEL, motionHref } from "~/domain/voting/labels";
import { nonEmptyLines } from "~/domain/text";
import { resultSummary } from "~/domain/voting/resolutions";
import type { Executor } from "~/utils/db.server";
import { meetingsCalendar } from "~/domain/voting/calendar";
import type { MailAttachment } from "../../../db/tables/core";
import { recordAudit } from "~/models/core/audit.server";
import { meetingForCalendar } from "~/models/governance/calendars.server";
import { refused } from "~/domain/refusal";
import { isElection } from "~/domain/voting/kinds";
import { displayLongDate, localeOrDefault } from "~/domain/locale";
import { getResult } from "~/models/governance/meetings.server";

/*
 * Emails to the members about general meetings: the notice of the meeting
 * (sent once, by the secretary), and to the electorate of a vote when voting opens
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
    .select(["x.id", "x.kind", "x.title", "m.title as meeting_title", "m.held_on", "o.name as organisation_name", "o.locale"])
    .where("x.organisation_id", "=", organisationId)
    .where("x.id", "=", motionId)
    .executeTakeFirst();
  if (!motion) throw refused("That motion does not exist.");
  const link = (appUrl: string) => `${appUrl}${motionHref(motion)}`;
  return { ...motion, link };
}

/**
 * One message to each member of the organisation with an email address on
 * the register whom `which` (a condition on members m) picks, greeted by
 * name. Returns how many were queued.
 */
async function mailMembers(db: Executor, organisationId: string, which: RawBuilder<unknown>, subject: string, body: string, attachments: readonly MailAttachment[] = []) {
  const result = await sql`
    INSERT INTO email_outbox (organisation_id, to_email, subject, body, attachments)
    SELECT m.organisation_id, m.email, ${subject}, 'Dear ' || m.name || E',\n\n' || ${body}, ${JSON.stringify(attachments)}::jsonb
    FROM members m
    WHERE m.organisation_id = ${organisationId}::uuid AND m.email IS NOT NULL AND m.email <> '' AND ${which}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** One message to each member on the motion's electorate who has an email address. */
function mailElectorate(db: Executor, organisationId: string, motionId: string, subject: string, body: string) {
  const onElectorate = sql`m.id IN (SELECT e.member_id FROM motion_electorate e WHERE e.motion_id = ${motionId}::uuid)`;
  return mailMembers(db, organisationId, onElectorate, subject, body);
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
    `${motion.organisation_name} has opened voting on ${what} "${motion.title}" (${motion.meeting_title}, ${displayLongDate(motion.held_on, localeOrDefault(motion.locale))}).\n\n` +
      `Sign in and cast your vote here:\n${motion.link(appUrl)}\n\n` +
      `Your vote is secret: the register records that you voted, never how. After voting you are given a receipt code, ` +
      `with which you can check later that your ballot was counted.`,
  );
}

/** Tell the electorate the certified result, with the link to the full result. Returns the number of messages queued. */
export async function queueResultMail(db: Executor, organisationId: string, motionId: string, appUrl: string) {
  const motion = await motionForMail(db, organisationId, motionId);
  const result = await getResult(db, organisationId, motionId);
  if (!result) throw refused("This motion has no certified result yet.");
  const outcome = result.outcome as Parameters<typeof resultSummary>[1];
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

/**
 * Email the notice of a general meeting to every admitted member with an
 * email address: when and where, the agenda and documents, who may vote,
 * and the links to the meeting and to appoint a proxy. Once per meeting
 * (meeting_notices), never for a board meeting or one already held. Returns
 * the number of members it went to.
 */
export async function emailMeetingNotice(db: Executor, actorUserId: string, organisationId: string, meetingId: string, appUrl: string, today: string) {
  // Locked, so that two secretaries pressing the button at once send it once.
  const meeting = await db
    .selectFrom("meetings as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .select(["m.id", "m.kind", "m.title", "m.held_on", "m.starts_at", "m.place", "m.format", "m.record_date", "m.agenda", "m.documents", "o.name as organisation_name"])
    .where("m.organisation_id", "=", organisationId)
    .where("m.id", "=", meetingId)
    .forUpdate("m")
    .executeTakeFirst();
  if (!meeting) throw refused("That meeting does not exist.");
  if (meeting.kind === "board") throw refused("A board meeting is called among the directors: its notice does not go to the members.");
  if (meeting.held_on < today) throw refused(`This meeting was held on ${meeting.held_on}: it is too late to give notice of it.`);
  const sent = await meetingNotice(db, organisationId, meetingId);
  if (sent) throw refused(`The notice of this meeting was already emailed to ${sent.recipients} members on ${sent.emailed_at.toISOString().slice(0, 10)}.`);
  const agenda = nonEmptyLines(meeting.agenda);
  const documents = nonEmptyLines(meeting.documents);
  const body = [
    `Notice is given of the ${MEETING_KIND_LABEL[meeting.kind].toLowerCase()} of ${meeting.organisation_name}: "${meeting.title}".`,
    "",
    `When: ${meeting.held_on}${meeting.starts_at ? ` at ${meeting.starts_at}` : ""}`,
    `Where: ${meeting.place || "online"}`,
    `How: ${FORMAT_LABEL[meeting.format]}`,
    "",
    "Agenda:",
    ...(agenda.length ? agenda : ["(to follow)"]),
    ...(documents.length ? ["", "Documents:", ...documents] : []),
    "",
    `Members admitted on ${meeting.record_date} may vote. If you cannot take part, you may appoint another member or the chair as your proxy:`,
    `${appUrl}/meetings/${meeting.id}/proxy`,
    "",
    `The meeting is attached as a calendar entry (meeting.ics). The meeting's page, where the resolutions will be open for voting:`,
    `${appUrl}/meetings/${meeting.id}`,
  ].join("\n");
  const entry = await meetingForCalendar(db, organisationId, meetingId, appUrl);
  const invitation = { filename: "meeting.ics", contentType: "text/calendar; charset=utf-8; method=PUBLISH", content: meetingsCalendar(entry ? [entry] : [], { name: meeting.title, stamp: new Date() }) };
  const recipients = await mailMembers(db, organisationId, sql`m.status = 'admitted'`, `Notice of meeting: ${meeting.title}`, body, [invitation]);
  await db.insertInto("meeting_notices").values({ meeting_id: meetingId, organisation_id: organisationId, emailed_by: actorUserId, recipients }).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "meeting.notice_emailed", entityType: "meeting", entityId: meetingId, after: { recipients } });
  return recipients;
}

/** When the notice of a meeting was emailed, by whom and to how many; null if it has not been. */
export async function meetingNotice(db: Executor, organisationId: string, meetingId: string) {
  const row = await db
    .selectFrom("meeting_notices as n")
    .innerJoin("users as u", "u.id", "n.emailed_by")
    .select(["n.emailed_at", "n.recipients", "u.name as emailed_by_name"])
    .where("n.organisation_id", "=", organisationId)
    .where("n.meeting_id", "=", meetingId)
    .executeTakeFirst();
  return row ?? null;
}
