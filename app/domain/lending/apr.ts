/**
 * Annual percentage rate of a credit agreement from its cash flows.
 *
 * Two conventions:
 *  - "eu": UK FCA CONC App 1.1 (the EU Consumer Credit Directive formula)
 *      sum_k A_k (1+X)^(-s_k) = sum_l P_l (1+X)^(-t_l)
 *    with times in years from the first advance: days/365, or whole
 *    months/12 (plus any odd days/365) where the agreement runs in whole
 *    months. X is shown to one decimal place, rounded half-up: CONC App
 *    1.1.10 says the preceding figure is increased by one "if the figure at
 *    the following decimal place is greater than or equal to 5".
 *  - "us-regz": US Regulation Z Appendix J, actuarial method. Time is in
 *    unit periods (by default the regular payment interval, or the whole term
 *    for a single payment), counted back from each payment date to the first
 *    advance as t whole periods plus a fraction f; each flow is discounted by
 *    1 / ((1 + f i)(1 + i)^t) (simple interest on the odd days). The APR is
 *    the unit-period rate i times the unit periods in a year, to two decimals.
 *
 * The equation is solved in decimal.js (never floats) by Newton's method
 * kept inside a bisection bracket, so it cannot wander off or diverge.
 */
import Decimal from "decimal.js";
import { parseMoney, type Minor } from "../money";
import { civilFromDays, fromDay, toDay } from "../calendar";
import { addPeriods, isMonthEnd, monthsAndDaysBack, monthsAndDaysForward, type Unit } from "./dates";

/** Private decimal.js constructor so precision settings never leak into other modules. */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof D>;

export type AprConvention = "eu" | "us-regz";
export type UnitPeriod = "day" | "week" | "fortnight" | "month" | "quarter" | "half-year" | "year";

export interface Flow {
  date: string;
  amount: string;
}

/** Equal payments at a regular interval, optionally with a different final payment. */
export interface PaymentSeries {
  count: number;
  every: number;
  unit: Unit;
  first: string;
  amount: string;
  /** An irregular final payment (a different amount on the last date). */
  finalAmount?: string;
}

export interface AprInput {
  convention: AprConvention;
  advances: Flow[];
  payments: Flow[] | PaymentSeries;
  /** eu only: measure time in days/365, or in whole months/12. Default: months when every flow falls a whole number of months after the first advance, days otherwise. */
  timeBasis?: "days" | "months";
  /** us-regz only: the unit period. Default: the regular payment interval, or the whole term for a single payment. */
  unitPeriod?: UnitPeriod;
}

/** A flow in minor units at a day number: the form the solvers take. */
export interface DatedAmount {
  day: number;
  amount: Minor;
}

export function expandPayments(payments: Flow[] | PaymentSeries): Flow[] {
  if (Array.isArray(payments)) return payments;
  const start = toDay(payments.first);
  const flows: Flow[] = [];
  for (let k = 0; k < payments.count; k++) {
    const isFinal = k === payments.count - 1 && payments.finalAmount !== undefined;
    flows.push({ date: fromDay(addPeriods(start, k, payments.every, payments.unit)), amount: isFinal ? payments.finalAmount! : payments.amount });
  }
  return flows;
}

function toDated(flows: Flow[]): DatedAmount[] {
  return flows.map((f) => ({ day: toDay(f.date), amount: parseMoney(f.amount) }));
}

/** One discounted flow: amount / ((1 + f i)(1 + i)^t), with t possibly fractional (EU) and f = 0 there. */
interface Term {
  amount: Dec;
  sign: 1 | -1; // advances +, payments -
  t: Dec; // exponent
  integerT: boolean;
  f: Dec; // simple-interest fraction (Reg Z odd days)
}

/** f(i) = sum over flows of sign * amount / ((1 + f i)(1 + i)^t), and its derivative. */
function evaluate(terms: Term[], i: Dec): { value: Dec; slope: Dec } {
  const onePlus = i.plus(1);
  const ln = onePlus.ln();
  let value = new D(0);
  let slope = new D(0);
  for (const term of terms) {
    const growth = term.t.isZero() ? new D(1) : term.integerT ? onePlus.pow(term.t) : term.t.times(ln).exp();
    const simple = term.f.times(i).plus(1);
    const pv = term.amount.div(simple.times(growth));
    // d/di [A / ((1+fi)(1+i)^t)] = -A [ f/(1+fi) + t/(1+i) ] / ((1+fi)(1+i)^t)
    const dpv = pv.times(term.f.div(simple).plus(term.t.div(onePlus))).neg();
    value = term.sign > 0 ? value.plus(pv) : value.minus(pv);
    slope = term.sign > 0 ? slope.plus(dpv) : slope.minus(dpv);
  }
  return { value, slope };
}

/**
 * Root of f between a bracket, by Newton steps that fall back to bisection
 * whenever a step would leave the bracket. f(i) decreases in i whenever all
 * advances come before all payments; the bracket search does not rely on it.
 */
function solve(terms: Term[]): Dec {
  const tolerance = new D("1e-20");
  let lo = new D(0);
  let flo = evaluate(terms, lo).value;
  if (flo.isZero()) return lo;
  // Find the other end of the bracket: upwards if the payments outweigh the advances (the usual case).
  let hi: Dec;
  if (flo.isNegative()) {
    hi = new D(1);
    let guard = 0;
    while (evaluate(terms, hi).value.isNegative()) {
      lo = hi;
      hi = hi.times(2);
      if (++guard > 200) throw new RangeError("no rate solves these cash flows");
    }
  } else {
    // Payments add up to less than the advances: a negative rate, between -1 and 0.
    hi = lo;
    lo = new D("-0.5");
    let guard = 0;
    while (evaluate(terms, lo).value.isNegative() === false) {
      hi = lo;
      lo = lo.plus(1).div(2).minus(1); // halfway towards -1
      if (++guard > 200) throw new RangeError("no rate solves these cash flows");
    }
  }
  flo = evaluate(terms, lo).value;
  let x = lo.plus(hi).div(2);
  for (let iter = 0; iter < 200; iter++) {
    const { value, slope } = evaluate(terms, x);
    if (value.abs().lt(tolerance)) return x;
    // Keep the bracket: the side with the same sign as f(lo) moves.
    if (value.isNegative() === flo.isNegative()) lo = x;
    else hi = x;
    let next = slope.isZero() ? lo.plus(hi).div(2) : x.minus(value.div(slope));
    if (next.lte(lo) || next.gte(hi)) next = lo.plus(hi).div(2);
    if (next.minus(x).abs().lt(tolerance)) return next;
    x = next;
  }
  return x;
}

function checkFlows(advances: DatedAmount[], payments: DatedAmount[]): number {
  if (advances.length === 0) throw new RangeError("advances: at least one advance is needed");
  if (payments.length === 0) throw new RangeError("payments: at least one payment is needed");
  if (advances.some((a) => a.amount <= 0n)) throw new RangeError("advances: every amount must be more than zero");
  if (payments.some((p) => p.amount <= 0n)) throw new RangeError("payments: every amount must be more than zero");
  const first = Math.min(...advances.map((a) => a.day));
  if (payments.some((p) => p.day < first)) throw new RangeError("payments: a payment falls before the first advance");
  return first;
}

/** Round a non-negative-or-negative decimal to `places`, half away from zero. */
function roundHalfUp(x: Dec, places: number): string {
  return x.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed(places);
}

// ---------------------------------------------------------------- EU / UK

export type EuTimeBasis = "days" | "months";

/** Does every flow fall a whole number of months after the first advance? */
function allWholeMonths(first: number, flows: DatedAmount[]): boolean {
  return flows.every((f) => monthsAndDaysForward(first, f.day).days === 0);
}

/** Time in years from the first advance, per CONC App 1.1.10: days/365, or whole months/12 plus odd days/365. */
function euYears(first: number, day: number, basis: EuTimeBasis): Dec {
  if (basis === "days") return new D(day - first).div(365);
  const { months, days } = monthsAndDaysForward(first, day);
  return new D(months).div(12).plus(new D(days).div(365));
}

/** The EU/UK annual rate X (as a fraction, 0.846 = 84.6%), unrounded. */
export function euRate(advances: DatedAmount[], payments: DatedAmount[], basis?: EuTimeBasis): Dec {
  const first = checkFlows(advances, payments);
  const chosen = basis ?? (allWholeMonths(first, [...advances, ...payments]) ? "months" : "days");
  const zero = new D(0);
  const term = (f: DatedAmount, sign: 1 | -1): Term => {
    const t = euYears(first, f.day, chosen);
    return { amount: new D(f.amount.toString()), sign, t, integerT: t.isInteger(), f: zero };
  };
  return solve([...advances.map((a) => term(a, 1)), ...payments.map((p) => term(p, -1))]);
}

// ---------------------------------------------------------------- US Regulation Z

/** A unit period: a number of months, or a number of days with its count per year. */
type Period = { kind: "months"; months: number; perYear: Dec } | { kind: "days"; days: number; perYear: Dec };

const NAMED_PERIODS: Record<UnitPeriod, Period> = {
  day: { kind: "days", days: 1, perYear: new D(365) },
  week: { kind: "days", days: 7, perYear: new D(52) },
  fortnight: { kind: "days", days: 14, perYear: new D(26) },
  month: { kind: "months", months: 1, perYear: new D(12) },
  quarter: { kind: "months", months: 3, perYear: new D(4) },
  "half-year": { kind: "months", months: 6, perYear: new D(2) },
  year: { kind: "months", months: 12, perYear: new D(1) },
};

function periodOf(every: number, unit: Unit): Period {
  switch (unit) {
    case "month":
      return { kind: "months", months: every, perYear: new D(12).div(every) };
    case "year":
      return { kind: "months", months: 12 * every, perYear: new D(1).div(every) };
    case "week":
      return { kind: "days", days: 7 * every, perYear: new D(52).div(every) };
    case "day":
      return { kind: "days", days: every, perYear: new D(365).div(every) };
  }
}

/** The interval between two payment dates, as whole months if it is one, else days. */
function interval(a: number, b: number): string {
  if (isMonthEnd(a) && isMonthEnd(b)) {
    // Month end to month end is whole months, however long the months are (Appendix J (b)(3)(iv)).
    const ca = civilFromDays(a);
    const cb = civilFromDays(b);
    const months = (cb.y - ca.y) * 12 + (cb.m - ca.m);
    if (months > 0) return `m${months}`;
  }
  const { months, days } = monthsAndDaysForward(a, b);
  return months > 0 && days === 0 ? `m${months}` : `d${b - a}`;
}

/**
 * Appendix J (b)(2): the unit period is the most common interval between
 * payments; for a single payment it is the whole term (Appendix J (b)(4)),
 * with the term's length in months if whole months, else in days.
 */
function defaultUnitPeriod(first: number, payments: DatedAmount[]): Period {
  const days = payments.map((p) => p.day).sort((x, y) => x - y);
  if (days.length === 1) {
    const key = interval(first, days[0]);
    const n = Number(key.slice(1));
    return key.startsWith("m") ? { kind: "months", months: n, perYear: new D(12).div(n) } : { kind: "days", days: n, perYear: new D(365).div(n) };
  }
  const counts = new Map<string, number>();
  for (let k = 1; k < days.length; k++) {
    const key = interval(days[k - 1], days[k]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = "";
  let bestCount = 0;
  for (const [key, count] of counts) if (count > bestCount) [best, bestCount] = [key, count];
  const n = Number(best.slice(1));
  if (best.startsWith("m")) return periodOf(n, "month");
  if (n % 7 === 0) return periodOf(n / 7, "week");
  return periodOf(n, "day");
}

/**
 * Whole unit periods t and the fraction f from the first advance to a date,
 * counting back from the date (Appendix J (b)(5)). A fractional month is
 * its actual odd days / 30 (Appendix J treats all months as equal, 30 days
 * each); a fractional week or day-based period is days / its length.
 */
function regzTime(first: number, day: number, unit: Period, endOfMonth: boolean): { t: number; f: Dec } {
  if (unit.kind === "months") {
    const { periods, days } = monthsAndDaysBack(first, day, unit.months, endOfMonth);
    return { t: periods, f: new D(days).div(30 * unit.months) };
  }
  const span = day - first;
  const t = Math.floor(span / unit.days);
  return { t, f: new D(span - t * unit.days).div(unit.days) };
}

/** The Reg Z unit-period rate i and the unit periods a year. */
export function regzRate(
  advances: DatedAmount[],
  payments: DatedAmount[],
  unitPeriod?: UnitPeriod | { every: number; unit: Unit },
): { rate: Dec; perYear: Dec } {
  const first = checkFlows(advances, payments);
  const unit =
    unitPeriod === undefined
      ? defaultUnitPeriod(first, payments)
      : typeof unitPeriod === "string"
        ? NAMED_PERIODS[unitPeriod]
        : periodOf(unitPeriod.every, unitPeriod.unit);
  // Appendix J (b)(3)(iv): a series of payments on the last day of each month is measured month end to month end.
  const endOfMonth = payments.length > 1 && payments.every((p) => isMonthEnd(p.day));
  const term = (f: DatedAmount, sign: 1 | -1): Term => {
    const { t, f: frac } = regzTime(first, f.day, unit, endOfMonth);
    return { amount: new D(f.amount.toString()), sign, t: new D(t), integerT: true, f: frac };
  };
  const rate = solve([...advances.map((a) => term(a, 1)), ...payments.map((p) => term(p, -1))]);
  return { rate, perYear: unit.perYear };
}

// ---------------------------------------------------------------- entry point

/** APR as a percentage string: eu to one decimal place ("84.6"), us-regz to two ("9.69"). */
export function computeApr(input: AprInput): { apr: string } {
  const advances = toDated(input.advances);
  const payments = toDated(expandPayments(input.payments));
  if (input.convention === "eu") {
    return { apr: roundHalfUp(euRate(advances, payments, input.timeBasis).times(100), 1) };
  }
  const { rate, perYear } = regzRate(advances, payments, input.unitPeriod);
  return { apr: roundHalfUp(rate.times(perYear).times(100), 2) };
}

/** EU APR of a loan's own cash flows (used by the schedule CLI). */
export function euAprOf(advances: DatedAmount[], payments: DatedAmount[], basis?: EuTimeBasis): string {
  return roundHalfUp(euRate(advances, payments, basis).times(100), 1);
}
