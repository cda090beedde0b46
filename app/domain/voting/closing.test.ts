import { describe, expect, it } from "vitest";
import { EARLY_CLOSE_REASON_MISSING, mayCloseVoting, meetingHasOpened } from "./closing";

const meeting = { heldOn: "2026-06-30", startsAt: "18:30" };

describe("when voting may close", () => {
  it("the meeting opens on its day at its start time, on the co-op's clock", () => {
    expect(meetingHasOpened({ ...meeting, localDate: "2026-06-29", localTime: "23:59" })).toBe(false);
    expect(meetingHasOpened({ ...meeting, localDate: "2026-06-30", localTime: "18:29" })).toBe(false);
    expect(meetingHasOpened({ ...meeting, localDate: "2026-06-30", localTime: "18:30" })).toBe(true);
    expect(meetingHasOpened({ ...meeting, localDate: "2026-07-01", localTime: "00:00" })).toBe(true);
  });

  it("a meeting with no start time opens at the start of its day", () => {
    expect(meetingHasOpened({ heldOn: "2026-06-30", startsAt: "", localDate: "2026-06-30", localTime: "00:00" })).toBe(true);
    expect(meetingHasOpened({ heldOn: "2026-06-30", startsAt: "", localDate: "2026-06-29", localTime: "23:59" })).toBe(false);
  });

  it("closing before the meeting opens is refused without a reason, and allowed with one", () => {
    const before = { ...meeting, localDate: "2026-06-30", localTime: "17:00" };
    expect(mayCloseVoting({ ...before, earlyReason: "" })).toEqual({ ok: false, reason: EARLY_CLOSE_REASON_MISSING });
    expect(mayCloseVoting({ ...before, earlyReason: "   " })).toEqual({ ok: false, reason: EARLY_CLOSE_REASON_MISSING });
    expect(mayCloseVoting({ ...before, earlyReason: " Electronic ballot ran its 14 days " })).toEqual({ ok: true, early: true, reason: "Electronic ballot ran its 14 days" });
  });

  it("once the meeting has opened no reason is asked for", () => {
    expect(mayCloseVoting({ ...meeting, localDate: "2026-06-30", localTime: "19:45", earlyReason: "" })).toEqual({ ok: true, early: false });
  });
});
