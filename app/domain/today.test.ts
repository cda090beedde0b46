import { describe, expect, it } from "vitest";
import { dateInZone, isTimeZone, timeZoneNames } from "./today";

describe("business dates in the organisation's time zone", () => {
  it("books 00:30 on a UK summer morning to that morning, not the UTC day before", () => {
    const instant = new Date("2026-07-14T23:30:00Z"); // 00:30 BST on 15 July
    expect(instant.toISOString().slice(0, 10)).toBe("2026-07-14");
    expect(dateInZone(instant, "Europe/London")).toBe("2026-07-15");
  });

  it("agrees with UTC in a UK winter, where London is on GMT", () => {
    expect(dateInZone(new Date("2026-01-14T23:30:00Z"), "Europe/London")).toBe("2026-01-14");
    expect(dateInZone(new Date("2026-01-15T00:00:00Z"), "Europe/London")).toBe("2026-01-15");
  });

  it("follows zones behind UTC across a year end", () => {
    expect(dateInZone(new Date("2027-01-01T03:00:00Z"), "America/New_York")).toBe("2026-12-31");
    expect(dateInZone(new Date("2026-12-31T11:30:00Z"), "Pacific/Auckland")).toBe("2027-01-01");
  });

  it("knows real zone names and refuses others", () => {
    expect(isTimeZone("Europe/London")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Europe/Preston")).toBe(false);
    expect(isTimeZone("")).toBe(false);
    expect(timeZoneNames()).toContain("Europe/London");
  });
});
