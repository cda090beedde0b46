import type { LoaderFunctionArgs } from "@remix-run/node";
import { subDays } from "date-fns";
import { meetingsCalendar } from "~/domain/voting/calendar";
import { dateInZone, DEFAULT_TIME_ZONE } from "~/domain/today";
import { calendarFeedUser, feedMeetings } from "~/models/governance/calendars.server";
import type { RouteAccess } from "~/utils/access";
import { calendarResponse } from "~/utils/calendar.server";
import { getDb } from "~/utils/db.server";
import { appUrl } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

// The feed is fetched by calendar programs, which carry no session: its
// unguessable address (a token kept hashed) is the credential.
export const access: RouteAccess = { loader: "public" };

/** A user's private feed: their organisations' meetings from a month ago on. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = await getDb();
  const userId = await calendarFeedUser(db, params.feedToken ?? "");
  if (!userId) throw notFoundResponse("No such calendar");
  const from = dateInZone(subDays(new Date(), 31), DEFAULT_TIME_ZONE);
  const meetings = await feedMeetings(db, userId, from, appUrl(request));
  return calendarResponse("meetings.ics", meetingsCalendar(meetings, { name: "Co-op meetings", stamp: new Date() }), { inline: true });
}
