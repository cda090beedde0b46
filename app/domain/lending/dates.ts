/**
 * Loan-schedule date arithmetic on day numbers: months added the way loan
 * systems move due dates, a schedule's due dates, and the months-and-days
 * counts of APR periods. The calendar itself (day numbers, ISO dates, leap
 * years, month lengths) is app/domain/calendar.ts.
 */

import { civilFromDays, daysFromCivil, daysInMonth, fromDay, isoOf } from "../calendar";

export type Unit = "day" | "week" | "month" | "year";

/**
 * Add calendar months, clamping to the end of a shorter month (31 Jan + 1
 * month = 28/29 Feb), the way Fineract and most loan systems move due dates.
 * Schedules always add k months to one anchor date rather than chaining, so a
 * loan due on the 31st comes back to the 31st after February.
 */
export function addMonths(day: number, months: number): number {
  const { y, m, d } = civilFromDays(day);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return daysFromCivil(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/**
 * Due dates of a schedule: `count` dates, `every` units apart, starting at
 * `first`, as day numbers and ISO strings. Months are stepped from the
 * anchor's own year/month/day, so building 360,000 dates (10,000 schedules)
 * costs no civil-date round trips.
 */
export function periodDates(first: number, count: number, every: number, unit: Unit): { days: number[]; iso: string[] } {
  const days = new Array<number>(count);
  const iso = new Array<string>(count);
  if (unit === "day" || unit === "week") {
    const step = unit === "week" ? 7 * every : every;
    for (let k = 0; k < count; k++) {
      days[k] = first + k * step;
      iso[k] = fromDay(days[k]);
    }
    return { days, iso };
  }
  const { y, m, d } = civilFromDays(first);
  const step = unit === "year" ? 12 * every : every;
  for (let k = 0; k < count; k++) {
    const total = y * 12 + (m - 1) + k * step;
    const ny = Math.floor(total / 12);
    const nm = total - ny * 12 + 1;
    const nd = Math.min(d, daysInMonth(ny, nm));
    days[k] = daysFromCivil(ny, nm, nd);
    iso[k] = isoOf(ny, nm, nd);
  }
  return { days, iso };
}

/** Move `count` periods of `every` `unit`s from an anchor date. */
export function addPeriods(day: number, count: number, every: number, unit: Unit): number {
  switch (unit) {
    case "day":
      return day + count * every;
    case "week":
      return day + 7 * count * every;
    case "month":
      return addMonths(day, count * every);
    case "year":
      return addMonths(day, 12 * count * every);
  }
}

/**
 * Whole months and left-over days between two dates, counting whole months
 * back from the later date toward the earlier one (Regulation Z Appendix J
 * counts this way; so do broken first periods in loan schedules). `step` lets
 * a caller count in blocks of months (a quarter = 3).
 */
export function monthsAndDaysBack(from: number, to: number, step = 1, endOfMonth = false): { periods: number; days: number } {
  if (to < from) throw new RangeError("end date before start date");
  // With the end-of-month rule (Reg Z Appendix J (b)(3)(iv): payments on the last day of each
  // month are measured last day to last day), 30 April counts back to 31 March, not 30 March.
  const back = endOfMonth && isMonthEnd(to) ? (k: number) => monthEnd(addMonths(to, -k)) : (k: number) => addMonths(to, -k);
  // Estimate, then correct: keeps this O(1) instead of walking month by month.
  const a = civilFromDays(from);
  const b = civilFromDays(to);
  let periods = Math.max(0, Math.floor(((b.y - a.y) * 12 + (b.m - a.m)) / step) + 1);
  while (periods > 0 && back(periods * step) < from) periods--;
  return { periods, days: back(periods * step) - from };
}

export function isMonthEnd(day: number): boolean {
  const { y, m, d } = civilFromDays(day);
  return d === daysInMonth(y, m);
}

export function monthEnd(day: number): number {
  const { y, m } = civilFromDays(day);
  return daysFromCivil(y, m, daysInMonth(y, m));
}

/** Whole months and left-over days counting forward from the earlier date. */
export function monthsAndDaysForward(from: number, to: number): { months: number; days: number } {
  if (to < from) throw new RangeError("end date before start date");
  const a = civilFromDays(from);
  const b = civilFromDays(to);
  let months = Math.max(0, (b.y - a.y) * 12 + (b.m - a.m) + 1);
  while (months > 0 && addMonths(from, months) > to) months--;
  return { months, days: to - addMonths(from, months) };
}
