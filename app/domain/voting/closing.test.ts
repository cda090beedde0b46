import { describe, expect, it } from "vitest";
import { EARLY_CLOSE_REASON_MISSING, closesInLabel, instantFromLocal, localFromInstant, mayCloseVoting, meetingHasOpened } from "./closing";

const at = (iso: string) => new Date(iso);

describe("closes in ...", () => {
  const zone = "Europe/London";
  it("counts calendar days when the close is a day or more away", () => {
    expect(closesInLabel(at("2030-06-03T17:00:00Z"), at("2030-06-01T09:00:00Z"), zone)).toBe("closes in 2 days");
    expect(closesInLabel(at("2030-06-02T08:00:00Z"), at("2030-06-01T20:00:00Z"), zone)).toBe("closes tomorrow");
  });
  it("counts hours under twelve hours, minutes under one", () => {
    expect(closesInLabel(at("2030-06-01T14:30:00Z"), at("2030-06-01T09:00:00Z"), zone)).toBe("closes in 5 hours");
    expect(closesInLabel(at("2030-06-01T10:00:00Z"), at("2030-06-01T09:00:00Z"), zone)).toBe("closes in 1 hour");
    expect(closesInLabel(at("2030-06-01T09:20:00Z"), at("2030-06-01T09:00:00Z"), zone)).toBe("closes in 20 minutes");
  });
  it("says today when it closes later the same day in the organisation's zone", () => {
    // 06:00 London (05:00Z) to 22:00 London (21:00Z): 16 hours, same day.
    expect(closesInLabel(at("2030-06-01T21:00:00Z"), at("2030-06-01T05:00:00Z"), zone)).toBe("closes today");
    // The same instants in Tokyo fall on different days.
    expect(closesInLabel(at("2030-06-01T21:00:00Z"), at("2030-06-01T05:00:00Z"), "Asia/Tokyo")).toBe("closes tomorrow");
  });
  it("says due to close once the time has passed", () => {
    expect(closesInLabel(at("2030-06-01T09:00:00Z"), at("2030-06-01T09:00:00Z"), zone)).toBe("due to close now");
  });
});

describe("the secretary's local closing time", () => {
  it("reads a London summer time as UTC+1 and a winter time as UTC", () => {
    expect(instantFromLocal("2030-06-01T17:00", "Europe/London")?.toISOString()).toBe("2030-06-01T16:00:00.000Z");
    expect(instantFromLocal("2030-12-01T17:00", "Europe/London")?.toISOString()).toBe("2030-12-01T17:00:00.000Z");
    expect(instantFromLocal("2030-06-01T17:00", "America/New_York")?.toISOString()).toBe("2030-06-01T21:00:00.000Z");
  });
  it("round-trips through the field's value and refuses what is not a time", () => {
    expect(localFromInstant(at("2030-06-01T16:00:00Z"), "Europe/London")).toBe("2030-06-01T17:00");
    expect(instantFromLocal("tomorrow", "Europe/London")).toBeNull();
  });
});

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
