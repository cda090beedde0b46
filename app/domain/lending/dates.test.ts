import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromDay, toDay } from "../calendar";
import { addMonths, monthsAndDaysBack, monthsAndDaysForward, periodDates } from "./dates";

describe("lending dates (UTC day numbers)", () => {
  it("round-trips ISO dates and agrees with Date.UTC", () => {
    fc.assert(
      fc.property(fc.integer({ min: -50_000, max: 100_000 }), (day) => {
        const iso = fromDay(day);
        expect(toDay(iso)).toBe(day);
        expect(new Date(day * 86_400_000).toISOString().slice(0, 10)).toBe(iso);
      }),
      { numRuns: 500, seed: 1 },
    );
  });

  it("refuses impossible dates instead of rolling them over", () => {
    expect(() => toDay("2023-02-29")).toThrow(/calendar date/);
    expect(() => toDay("2024-13-01")).toThrow(/calendar date/);
    expect(() => toDay("1/2/2024")).toThrow(/YYYY-MM-DD/);
    expect(fromDay(toDay("2024-02-29"))).toBe("2024-02-29");
  });

  it("adds months with end-of-month clamping", () => {
    expect(fromDay(addMonths(toDay("2024-01-31"), 1))).toBe("2024-02-29");
    expect(fromDay(addMonths(toDay("2023-01-31"), 1))).toBe("2023-02-28");
    expect(fromDay(addMonths(toDay("2024-03-31"), -1))).toBe("2024-02-29");
    expect(fromDay(addMonths(toDay("2024-11-15"), 3))).toBe("2025-02-15");
  });

  it("schedule dates come back to the anchor day after a short month", () => {
    expect(periodDates(toDay("2024-01-31"), 4, 1, "month").iso).toEqual(["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]);
    expect(periodDates(toDay("2024-02-29"), 2, 1, "year").iso).toEqual(["2024-02-29", "2025-02-28"]);
    expect(periodDates(toDay("2024-12-30"), 2, 2, "week").iso).toEqual(["2024-12-30", "2025-01-13"]);
  });

  it("splits an interval into whole months and odd days, backwards and forwards", () => {
    // Back from 1 Mar: 1 Feb is one whole month, then 1 Feb - 10 Jan = 22 days.
    expect(monthsAndDaysBack(toDay("2024-01-10"), toDay("2024-03-01"))).toEqual({ periods: 1, days: 22 });
    // Forward from 10 Jan: 10 Feb is one whole month, then 10 Feb - 1 Mar = 20 days.
    expect(monthsAndDaysForward(toDay("2024-01-10"), toDay("2024-03-01"))).toEqual({ months: 1, days: 20 });
    // End-of-month rule: 30 Apr back one month is 31 Mar.
    expect(monthsAndDaysBack(toDay("2024-03-31"), toDay("2024-04-30"), 1, true)).toEqual({ periods: 1, days: 0 });
    expect(monthsAndDaysBack(toDay("2024-03-31"), toDay("2024-04-30"))).toEqual({ periods: 0, days: 30 });
  });
});
