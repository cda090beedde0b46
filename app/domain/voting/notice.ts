/**
 * Notice of general meetings, counted in clear days: neither the day the
 * notice is given nor the day of the meeting counts (the usual reading of
 * "14 clear days' notice" in society rules and the Companies Act).
 */
const DAY_MS = 86_400_000;

function dayNumber(iso: string): number {
  const t = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${iso}`);
  return Math.round(t / DAY_MS);
}

/** Days strictly between the notice and the meeting. */
export function clearDays(noticeGivenOn: string, heldOn: string): number {
  return Math.max(0, dayNumber(heldOn) - dayNumber(noticeGivenOn) - 1);
}

/** The latest day notice can be given for a meeting on `heldOn`. */
export function latestNoticeDate(heldOn: string, noticeDays: number): string {
  return new Date((dayNumber(heldOn) - noticeDays - 1) * DAY_MS).toISOString().slice(0, 10);
}

export interface NoticeCheck {
  ok: boolean;
  clearDays: number;
  required: number;
  message: string;
}

/** Board meetings follow the board's own standing orders: the general-meeting rule does not apply. */
export function checkNotice(kind: "agm" | "sgm" | "board", noticeGivenOn: string, heldOn: string, noticeDays: number): NoticeCheck {
  const days = clearDays(noticeGivenOn, heldOn);
  if (kind === "board") return { ok: true, clearDays: days, required: 0, message: "Board meetings are called under the board's own standing orders." };
  if (dayNumber(noticeGivenOn) > dayNumber(heldOn)) {
    return { ok: false, clearDays: 0, required: noticeDays, message: "Notice must be given before the meeting." };
  }
  const ok = days >= noticeDays;
  return {
    ok,
    clearDays: days,
    required: noticeDays,
    message: ok
      ? `${days} clear days' notice (the rules need ${noticeDays}).`
      : `Only ${days} clear days' notice: the rules need ${noticeDays}, so notice must be given by ${latestNoticeDate(heldOn, noticeDays)}.`,
  };
}
