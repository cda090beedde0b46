/**
 * Calendar arithmetic on ISO "YYYY-MM-DD" strings.
 *
 * Domain code never asks the clock what day it is: callers pass dates in.
 * Dates are plain calendar days (no time zone), so we work in whole day
 * numbers counted from 1970-01-01 using integer arithmetic only
 * (Howard Hinnant's days-from-civil), which avoids Date's time-zone and
 * two-digit-year surprises.
 */

import { civilFromDays, daysFromCivil } from "../lending/dates";

export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True only for a real calendar date written exactly as YYYY-MM-DD (2026-02-30 is false). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** ISO date -> whole days since 1970-01-01. Throws on anything that is not a real date. */
export function toDayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m || !isIsoDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): "${date}"`);
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Whole days since 1970-01-01 -> ISO date. */
export function fromDayNumber(dayNumber: number): IsoDate {
  if (!Number.isInteger(dayNumber)) throw new RangeError(`not a whole day number: ${dayNumber}`);
  const { y, m, d } = civilFromDays(dayNumber);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  return fromDayNumber(toDayNumber(date) + days);
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Does the inclusive range [from, to] contain a 29 February? */
export function containsLeapDay(from: IsoDate, to: IsoDate): boolean {
  const start = toDayNumber(from);
  const end = toDayNumber(to);
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
  toDayNumber(date); // validates
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 8)}${String(daysInMonth(year, month)).padStart(2, "0")}`;
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
    ends.push(`${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(daysInMonth(year, month)).padStart(2, "0")}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return ends.reverse();
}
