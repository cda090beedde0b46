import { describe, expect, it } from "vitest";
import {
  addDays,
  containsLeapDay,
  daysBetween,
  fromDay as fromDayNumber,
  isIsoDate,
  monthEndOf,
  monthEndsUpTo,
  toDay as toDayNumber,
} from "./calendar";

describe("calendar", () => {
  it("knows real dates from impossible ones", () => {
    expect(isIsoDate("2026-02-28")).toBe(true);
    expect(isIsoDate("2026-02-29")).toBe(false);
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("1900-02-29")).toBe(false);
    expect(isIsoDate("2000-02-29")).toBe(true);
    expect(isIsoDate("2026-02-30")).toBe(false);
    expect(isIsoDate("2026-04-31")).toBe(false);
    expect(isIsoDate("2026-13-01")).toBe(false);
    expect(isIsoDate("2026-1-01")).toBe(false);
    expect(isIsoDate("01/02/2026")).toBe(false);
    expect(isIsoDate("2026-01-01T00:00")).toBe(false);
  });

  it("counts days like the calendar", () => {
    expect(toDayNumber("1970-01-01")).toBe(0);
    expect(toDayNumber("2000-03-01")).toBe(11017);
    expect(fromDayNumber(11017)).toBe("2000-03-01");
    expect(fromDayNumber(-1)).toBe("1969-12-31");
    expect(daysBetween("2025-01-01", "2026-01-01")).toBe(365);
    expect(daysBetween("2024-01-01", "2025-01-01")).toBe(366);
    expect(addDays("2026-03-01", 90)).toBe("2026-05-30");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(() => toDayNumber("2026-02-30")).toThrow(/not a date/);
  });

  it("round-trips every day across four centuries", () => {
    for (let d = toDayNumber("1900-01-01"); d <= toDayNumber("2300-12-31"); d += 1) {
      const iso = fromDayNumber(d);
      if (toDayNumber(iso) !== d) throw new Error(`round trip failed at ${iso}`);
    }
  });

  it("finds 29 February in a range", () => {
    expect(containsLeapDay("2024-01-01", "2024-12-31")).toBe(true);
    expect(containsLeapDay("2024-03-01", "2025-02-28")).toBe(false);
    expect(containsLeapDay("2023-07-01", "2024-06-30")).toBe(true);
    expect(containsLeapDay("2024-02-29", "2024-02-29")).toBe(true);
    expect(containsLeapDay("2025-01-01", "2025-12-31")).toBe(false);
    expect(containsLeapDay("2100-01-01", "2100-12-31")).toBe(false);
  });

  it("gives month ends up to a day, leaving out an unfinished month", () => {
    expect(monthEndOf("2024-02-10")).toBe("2024-02-29");
    expect(monthEndsUpTo("2026-03-15", 3)).toEqual(["2025-12-31", "2026-01-31", "2026-02-28"]);
    expect(monthEndsUpTo("2026-03-31", 2)).toEqual(["2026-02-28", "2026-03-31"]);
    expect(() => monthEndsUpTo("2026-03-31", 0)).toThrow();
  });
});
