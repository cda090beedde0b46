import { describe, expect, it } from "vitest";
import { checkNotice, clearDays, latestNoticeDate } from "./notice";

describe("clear days' notice", () => {
  it("excludes the day of notice and the day of the meeting", () => {
    expect(clearDays("2026-11-01", "2026-11-16")).toBe(14);
    expect(clearDays("2026-11-01", "2026-11-15")).toBe(13);
    expect(clearDays("2026-11-01", "2026-11-02")).toBe(0);
  });
  it("accepts exactly 14 clear days and refuses 13, naming the last day to give notice", () => {
    expect(checkNotice("agm", "2026-11-01", "2026-11-16", 14).ok).toBe(true);
    const short = checkNotice("sgm", "2026-11-02", "2026-11-16", 14);
    expect(short.ok).toBe(false);
    expect(short.message).toContain("must be given by 2026-11-01");
    expect(latestNoticeDate("2026-11-16", 14)).toBe("2026-11-01");
  });
  it("crosses month and leap-year boundaries", () => {
    expect(clearDays("2028-02-14", "2028-03-01")).toBe(15);
  });
  it("refuses notice after the meeting, and leaves board meetings to standing orders", () => {
    expect(checkNotice("agm", "2026-12-01", "2026-11-16", 14).ok).toBe(false);
    expect(checkNotice("board", "2026-11-15", "2026-11-16", 14).ok).toBe(true);
  });
});
