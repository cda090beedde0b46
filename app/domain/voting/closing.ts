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
