import type { CalendarMeeting } from "~/domain/voting/calendar";
import type { Executor } from "~/utils/db.server";
import { generateToken, hashToken } from "~/utils/tokens.server";

/*
 * Meetings for calendars: one meeting (its .ics download and the notice
 * email's attachment) and a user's private feed of their organisations'
 * meetings, found by a token of which only the hash is kept.
 */

const meetingColumns = ["m.id", "m.title", "m.kind", "m.held_on", "m.starts_at", "m.place", "m.format", "m.agenda", "o.name as organisation_name", "o.time_zone"] as const;

type MeetingRow = { id: string; title: string; kind: string; held_on: string; starts_at: string; place: string; format: string; agenda: string; organisation_name: string; time_zone: string };

const toCalendar = (appUrl: string) => (r: MeetingRow): CalendarMeeting => ({
  id: r.id,
  title: r.title,
  organisationName: r.organisation_name,
  kind: r.kind,
  heldOn: r.held_on,
  startsAt: r.starts_at,
  place: r.place,
  format: r.format,
  agenda: r.agenda,
  timeZone: r.time_zone,
  url: `${appUrl}/meetings/${r.id}`,
});

/** One meeting of the organisation as a calendar entry, or undefined. */
export async function meetingForCalendar(db: Executor, organisationId: string, meetingId: string, appUrl: string) {
  const row = await db
    .selectFrom("meetings as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .select(meetingColumns)
    .where("m.organisation_id", "=", organisationId)
    .where("m.id", "=", meetingId)
    .executeTakeFirst();
  return row ? toCalendar(appUrl)(row) : undefined;
}

/** The meetings, from `from` on, of every organisation the user belongs to. */
export async function feedMeetings(db: Executor, userId: string, from: string, appUrl: string) {
  const rows = await db
    .selectFrom("meetings as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .innerJoin("organisation_users as ou", (j) => j.onRef("ou.organisation_id", "=", "m.organisation_id").on("ou.user_id", "=", userId))
    .select(meetingColumns)
    .where("m.held_on", ">=", from)
    .orderBy("m.held_on")
    .limit(500)
    .execute();
  return rows.map(toCalendar(appUrl));
}

/** A new private feed address for the user (any earlier one stops working). Returns the token, shown once. */
export async function renewCalendarFeed(db: Executor, userId: string) {
  const token = generateToken();
  await db.deleteFrom("calendar_feeds").where("user_id", "=", userId).execute();
  await db.insertInto("calendar_feeds").values({ user_id: userId, token_hash: hashToken(token) }).execute();
  return token;
}

export async function stopCalendarFeed(db: Executor, userId: string) {
  await db.deleteFrom("calendar_feeds").where("user_id", "=", userId).execute();
}

export async function calendarFeedCreated(db: Executor, userId: string) {
  const row = await db.selectFrom("calendar_feeds").select("created_at").where("user_id", "=", userId).executeTakeFirst();
  return row?.created_at ?? null;
}

/** The user a feed token belongs to, or null. */
export async function calendarFeedUser(db: Executor, token: string) {
  if (!/^[a-z0-9]{16,64}$/i.test(token)) return null;
  const row = await db.selectFrom("calendar_feeds").select("user_id").where("token_hash", "=", hashToken(token)).executeTakeFirst();
  return row?.user_id ?? null;
}
