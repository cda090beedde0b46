/**
 * Meetings as calendar entries (iCalendar, RFC 5545) through ical-generator:
 * one meeting for the notice email and the meeting page, or many for a
 * member's private feed. Pure: the stamp time is passed in.
 *
 * A meeting is held on a date in its organisation's time zone, at a start
 * time when one is given (then shown as a two-hour entry: meetings record
 * no end time) or else as an all-day entry. Times are written as UTC
 * instants, which every calendar reads the same way.
 */
import { TZDate } from "@date-fns/tz";
import ical, { ICalCalendarMethod } from "ical-generator";

export interface CalendarMeeting {
  id: string;
  title: string;
  organisationName: string;
  kind: string;
  /** YYYY-MM-DD in the organisation's time zone. */
  heldOn: string;
  /** HH:MM or "" when no time is set. */
  startsAt: string;
  place: string;
  format: string;
  agenda: string;
  timeZone: string;
  url: string;
}

const MEETING_HOURS = 2;

/** The instant a wall-clock date and time names in a time zone. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  return new Date(new TZDate(y, m - 1, d, hh, mm, timeZone).getTime());
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** An iCalendar file of the meetings. `method: "publish"` suits both a download and a feed. */
export function meetingsCalendar(meetings: readonly CalendarMeeting[], options: { name: string; stamp: Date }): string {
  const calendar = ical({ name: options.name, prodId: { company: "Co-op Register", product: "meetings", language: "EN" }, method: ICalCalendarMethod.PUBLISH });
  for (const m of meetings) {
    const timed = /^\d{2}:\d{2}$/.test(m.startsAt);
    const start = timed ? zonedInstant(m.heldOn, m.startsAt, m.timeZone) : new Date(`${m.heldOn}T00:00:00Z`);
    const end = timed ? new Date(start.getTime() + MEETING_HOURS * 3_600_000) : new Date(`${nextDay(m.heldOn)}T00:00:00Z`);
    calendar.createEvent({
      id: `meeting-${m.id}@coop-register`,
      stamp: options.stamp,
      start,
      end,
      allDay: !timed,
      summary: `${m.title} (${m.organisationName})`,
      description: [m.agenda.trim() ? `Agenda:\n${m.agenda.trim()}` : "", m.url].filter(Boolean).join("\n\n"),
      location: m.place || (m.format === "electronic" ? "Online" : ""),
      url: m.url,
    });
  }
  return calendar.toString();
}
