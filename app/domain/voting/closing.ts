import { dateInZone } from "~/domain/today";

/*
 * When voting on a motion or election may close. The vote belongs to its
 * meeting: members who mean to vote in the room, or to hand in a proxy at the
 * door, must not find it already closed. So voting closes only once the
 * meeting has opened (its day and start time, on the co-op's own clock),
 * unless the secretary records in the minutes why it closes early (an
 * electronic-only meeting whose ballot ran for its notice period, say).
 */

export const EARLY_CLOSE_REASON_MISSING =
  "The meeting has not opened yet. Voting closes once it opens, unless you record in the minutes why it closes early: give the reason.";

export interface ClosingCheck {
  /** The meeting's day, YYYY-MM-DD. */
  heldOn: string;
  /** Its start time, HH:MM, or "" when none was set (then the meeting opens at the start of its day). */
  startsAt: string;
  /** Now on the organisation's own calendar and clock. */
  localDate: string;
  localTime: string;
  /** Why it closes before the meeting opens; blank when it does not. */
  earlyReason: string;
}

/** Whether the meeting has opened at the given local date and time. */
export function meetingHasOpened(c: Pick<ClosingCheck, "heldOn" | "startsAt" | "localDate" | "localTime">): boolean {
  if (c.localDate !== c.heldOn) return c.localDate > c.heldOn;
  const starts = /^\d{2}:\d{2}$/.test(c.startsAt) ? c.startsAt : "00:00";
  return c.localTime >= starts;
}

/**
 * The decision: `{ ok: true, early: false }` once the meeting has opened;
 * `{ ok: true, early: true, reason }` before it with a reason (to be minuted);
 * `{ ok: false, reason }` (the refusal) before it without one.
 */
export function mayCloseVoting(c: ClosingCheck): { ok: true; early: false } | { ok: true; early: true; reason: string } | { ok: false; reason: string } {
  if (meetingHasOpened(c)) return { ok: true, early: false };
  const reason = c.earlyReason.trim();
  return reason ? { ok: true, early: true, reason } : { ok: false, reason: EARLY_CLOSE_REASON_MISSING };
}

/*
 * When a vote is due to close, in words for the dashboard ("closes in 2
 * days", "closes in 5 hours", "closes today"), and the secretary's local
 * date and time turned into the instant it names. Pure: `now` is passed in.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY_MS = 24 * HOUR;

function daysBetween(fromDate: string, toDate: string) {
  return Math.round((Date.parse(`${toDate}T00:00:00Z`) - Date.parse(`${fromDate}T00:00:00Z`)) / DAY_MS);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Under an hour: minutes; under twelve hours: hours; later the same day (in
 * the organisation's zone): "today"; otherwise by calendar days, so a vote
 * closing tomorrow morning reads "tomorrow" even at 23:00 tonight.
 */
export function closesInLabel(closesAt: Date, now: Date, timeZone: string): string {
  const left = closesAt.getTime() - now.getTime();
  if (left <= 0) return "due to close now";
  if (left < HOUR) return `closes in ${plural(Math.max(1, Math.floor(left / MINUTE)), "minute")}`;
  if (left < 12 * HOUR) return `closes in ${plural(Math.floor(left / HOUR), "hour")}`;
  const days = daysBetween(dateInZone(now, timeZone), dateInZone(closesAt, timeZone));
  if (days <= 0) return "closes today";
  if (days === 1) return "closes tomorrow";
  return `closes in ${days} days`;
}

function offsetMs(instant: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(instant / 1000) * 1000;
}

/** "YYYY-MM-DDTHH:mm" as read on the organisation's clocks, as an instant; null if it is not such a time. */
export function instantFromLocal(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(asUtc)) return null;
  // Twice: the first guess's offset can be the other side of a clock change.
  let at = asUtc - offsetMs(asUtc, timeZone);
  at = asUtc - offsetMs(at, timeZone);
  return new Date(at);
}

/** An instant as "YYYY-MM-DDTHH:mm" on the organisation's clocks (for a datetime-local field). */
export function localFromInstant(instant: Date, timeZone: string): string {
  const local = new Date(instant.getTime() + offsetMs(instant.getTime(), timeZone));
  return local.toISOString().slice(0, 16);
}
