import type { LoaderFunctionArgs } from "@remix-run/node";
import { meetingsCalendar } from "~/domain/voting/calendar";
import { meetingForCalendar } from "~/models/governance/calendars.server";
import type { RouteAccess } from "~/utils/access";
import { calendarResponse } from "~/utils/calendar.server";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { appUrl, requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:read" };

/** One meeting as a calendar entry, to add to a diary. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const meeting = await meetingForCalendar(await getDb(), ctx.organisation.id, idParam(params, "meetingId"), appUrl(request));
  if (!meeting) throw notFoundResponse();
  return calendarResponse(`meeting-${meeting.heldOn}.ics`, meetingsCalendar([meeting], { name: meeting.title, stamp: new Date() }));
}
