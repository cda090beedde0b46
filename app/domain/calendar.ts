/**
 * Calendar arithmetic on ISO "YYYY-MM-DD" dates, for every area (shares,
 * lending, impact, the books).
 *
 * Domain code never asks the clock what day it is: callers pass dates in.
 * Dates are plain calendar days (no time zone), handled as whole days since
 * 1970-01-01 (a "day number") with Howard Hinnant's civil-calendar
 * algorithms in integer arithmetic only. No Date objects, so the process
 * time zone can never move a due date, no two-digit-year surprises, and
 * cheap enough for the 10,000-schedule and 100,000-loan hot paths.
 */

export type IsoDate = string;

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

/** True only for a real calendar date written exactly as YYYY-MM-DD (2026-02-30 is false). */
export function isIsoDate(text: string): boolean {
  const m = ISO.exec(text);
  if (!m) return false;
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(Number(m[1]), mo);
}

/** ISO date -> day number. Refuses impossible dates such as 2023-02-30 rather than rolling them over. */
export function toDay(iso: IsoDate): number {
  const m = ISO.exec(iso);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): "${iso}"`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`not a date: "${iso}" is not a calendar date`);
  return daysFromCivil(y, mo, d);
}

/** Day number -> ISO date. */
export function fromDay(day: number): IsoDate {
  if (!Number.isInteger(day)) throw new RangeError(`not a whole day number: ${day}`);
  const { y, m, d } = civilFromDays(day);
  return isoOf(y, m, d);
}

const TWO_DIGITS = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, "0"));

/** ISO text from civil parts (no round trip through a day number). */
export function isoOf(y: number, m: number, d: number): IsoDate {
  return `${y < 1000 ? String(y).padStart(4, "0") : y}-${TWO_DIGITS[m]}-${TWO_DIGITS[d]}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  return fromDay(toDay(date) + days);
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDay(to) - toDay(from);
}

/** Does the inclusive range [from, to] contain a 29 February? */
export function containsLeapDay(from: IsoDate, to: IsoDate): boolean {
  const start = toDay(from);
  const end = toDay(to);
  const firstYear = Number(from.slice(0, 4));
  const lastYear = Number(to.slice(0, 4));
  for (let year = firstYear; year <= lastYear; year++) {
    if (!isLeapYear(year)) continue;
    const leapDay = daysFromCivil(year, 2, 29);
    if (leapDay >= start && leapDay <= end) return true;
  }
  return false;
}

/** Last day of the month containing `date`. */
export function monthEndOf(date: IsoDate): IsoDate {
  toDay(date); // validates
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 8)}${TWO_DIGITS[daysInMonth(year, month)]}`;
}

/**
 * The last `count` month ends on or before `asAt`, oldest first.
 * A month that has not finished by `asAt` is not included, so a trend
 * never shows a figure for a day that has not happened yet.
 */
export function monthEndsUpTo(asAt: IsoDate, count: number): IsoDate[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`month count must be a whole number of at least 1: ${count}`);
  let year = Number(asAt.slice(0, 4));
  let month = Number(asAt.slice(5, 7));
  if (monthEndOf(asAt) !== asAt) {
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  const ends: IsoDate[] = [];
  for (let i = 0; i < count; i++) {
    ends.push(isoOf(year, month, daysInMonth(year, month)));
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return ends.reverse();
}
