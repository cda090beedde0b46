/**
 * Calendar arithmetic on ISO "YYYY-MM-DD" dates for the lending domain.
 *
 * Dates are handled as whole days since 1970-01-01 (a "day number"), using
 * Howard Hinnant's civil-calendar algorithms. That keeps every calculation in
 * UTC by construction (no Date objects, so the process time zone can never
 * move a due date) and makes it cheap enough for the 10,000-schedule and
 * 100,000-loan hot paths.
 */

export type Unit = "day" | "week" | "month" | "year";

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a civil date. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12; // March = 0, so the leap day is the last day of the "year"
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date of a day number. */
export function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m];
}

/** Parse an ISO date; refuses impossible dates such as 2023-02-30 rather than rolling them over. */
export function toDay(iso: string): number {
  const m = ISO.exec(iso);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): "${iso}"`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`not a calendar date: "${iso}"`);
  return daysFromCivil(y, mo, d);
}

export function isIsoDate(iso: string): boolean {
  try {
    toDay(iso);
    return true;
  } catch {
    return false;
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export function fromDay(day: number): string {
  const { y, m, d } = civilFromDays(day);
  return isoOf(y, m, d);
}

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

const TWO_DIGITS = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, "0"));

/** ISO text from civil parts (no round trip through a day number). */
export function isoOf(y: number, m: number, d: number): string {
  return `${y < 1000 ? pad(y, 4) : y}-${TWO_DIGITS[m]}-${TWO_DIGITS[d]}`;
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
