/**
 * Repayment schedule generator following Apache Fineract's loan schedule
 * generator (declining-balance and flat interest; equal installments and
 * equal principal; grace on principal and on interest payment).
 *
 * All money is bigint minor units. Rates and year fractions are exact
 * fractions (see rational.ts), so each amount is rounded exactly once, by the
 * terms' rounding rule:
 *  - interest per period is rounded to the penny;
 *  - the installment (equal installments) or the principal part (equal
 *    principal) is rounded to the installment multiple
 *    (Fineract's installmentAmountInMultiplesOf, rounded to the nearest
 *    multiple with the same rounding mode, as Money.roundToMultiplesOf does);
 *  - the last installment takes whatever remains, so principal always adds
 *    up to the amount lent (and if rounding up to a large multiple pays the
 *    loan off early, the schedule ends at the installment that clears it).
 *
 * Day counts (Fineract's daysInYearType / daysInMonthType):
 *  - 360 days a year and 30-day months is the "same as repayment period"
 *    convention: every regular period charges the periodic rate,
 *    annualRate x every / periods-a-year (12 months, 52 weeks, 360 days,
 *    1 year), whatever the calendar says;
 *  - any other combination charges balance x rate x days / daysInYear for
 *    each period, counting 30 days a month when daysInMonth is "30" and
 *    actual days otherwise; "actual" days in the year splits a period over
 *    calendar years (days in a 365-day year / 365 + days in a leap year / 366).
 * The equal installment uses the annuity formula on the rate of one regular
 * period. When periods differ in length (actual days) the installment stays
 * fixed and the last installment absorbs the difference, as Fineract does.
 */
import { divRound, formatMinor, parseMoney, type Minor, type RoundingMode } from "../money";
import { civilFromDays, daysFromCivil, fromDay, isLeapYear, toDay } from "../calendar";
import { addPeriods, monthsAndDaysBack, periodDates, type Unit } from "./dates";
import { add, mul, parsePercent, ratio, type Ratio } from "./rational";

export type { Unit } from "./dates";
export type Amortization = "equal-installments" | "equal-principal";
export type InterestMethod = "declining" | "flat";
export type DaysInYear = "360" | "365" | "actual";
export type DaysInMonth = "30" | "actual";

/** Loan terms as they arrive in JSON (the scripts/loan.ts shape in DESIGN.md). */
export interface LoanTerms {
  principal: string;
  /** Nominal annual rate in percent: "12" is 12% a year. */
  annualRate: string;
  termPeriods: number;
  every: number;
  unit: Unit;
  amortization: Amortization;
  interest: InterestMethod;
  daysInYear: DaysInYear;
  daysInMonth: DaysInMonth;
  /** Installments are rounded to a multiple of this amount ("1" = whole pounds, "0.01" = pennies). */
  installmentMultiple: string;
  rounding: RoundingMode;
  disbursed?: string;
  firstDue?: string;
  /** Number of leading periods in which no principal is due (interest only). */
  graceOnPrincipal?: number;
  /**
   * Number of leading periods in which interest accrues but is not collected
   * (Fineract's grace on interest payment). Declining: the deferred interest is
   * collected with the first installment after the grace. Flat: the flat
   * interest is spread over the periods after the grace.
   */
  graceOnInterest?: number;
  /** Fee paid at disbursement (reduces the amount the borrower effectively receives, so it counts in the APR). */
  fee?: string;
}

export interface Installment {
  n: number;
  due: string;
  principal: Minor;
  interest: Minor;
  total: Minor;
  /** Principal still outstanding after this installment. */
  balance: Minor;
}

export interface Schedule {
  disbursed: string;
  principal: Minor;
  fee: Minor;
  installments: Installment[];
  totalInterest: Minor;
  totalRepayment: Minor;
}

/**
 * Disbursement date used when the terms carry none (the published vectors
 * give none). A fixed date, never "today": the domain takes no clock, and the
 * same terms must always give the same schedule.
 */
export const DEFAULT_DISBURSED = "2024-01-01";

/** Overrides used when regenerating after a prepayment ("shorter term"). */
interface FixedAmounts {
  /** Keep this installment (declining, equal installments) instead of the annuity. */
  installment?: Minor;
  /** Keep this principal part (equal principal). */
  principalPart?: Minor;
}

interface Prepared {
  principal: Minor;
  rate: Ratio;
  n: number;
  every: number;
  unit: Unit;
  amortization: Amortization;
  interest: InterestMethod;
  daysInYear: DaysInYear;
  daysInMonth: DaysInMonth;
  multiple: Minor;
  mode: RoundingMode;
  disbursed: number;
  firstDue: number;
  graceP: number;
  graceI: number;
  fee: Minor;
}

function positiveInt(value: number, field: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${field} must be a whole number of at least ${min}`);
  return value;
}

function prepare(t: LoanTerms): Prepared {
  const principal = parseMoney(t.principal);
  if (principal <= 0n) throw new RangeError("principal must be more than zero");
  const n = positiveInt(t.termPeriods, "termPeriods");
  const every = positiveInt(t.every, "every");
  const multiple = parseMoney(t.installmentMultiple);
  if (multiple <= 0n) throw new RangeError("installmentMultiple must be more than zero");
  const graceP = positiveInt(t.graceOnPrincipal ?? 0, "graceOnPrincipal", 0);
  const graceI = positiveInt(t.graceOnInterest ?? 0, "graceOnInterest", 0);
  if (graceP >= n) throw new RangeError("graceOnPrincipal must leave at least one period to repay principal");
  if (graceI >= n) throw new RangeError("graceOnInterest must leave at least one period to pay interest");
  const disbursed = toDay(t.disbursed ?? DEFAULT_DISBURSED);
  const firstDue = t.firstDue ? toDay(t.firstDue) : addPeriods(disbursed, 1, every, t.unit);
  if (firstDue <= disbursed) throw new RangeError("firstDue must be after disbursed");
  const fee = t.fee ? parseMoney(t.fee) : 0n;
  if (fee < 0n) throw new RangeError("fee must not be negative");
  return {
    principal,
    rate: parsePercent(t.annualRate),
    n,
    every,
    unit: t.unit,
    amortization: t.amortization,
    interest: t.interest,
    daysInYear: t.daysInYear,
    daysInMonth: t.daysInMonth,
    multiple,
    mode: t.rounding,
    disbursed,
    firstDue,
    graceP,
    graceI,
    fee,
  };
}

/** The 30/360 "same as repayment period" convention: every regular period charges the periodic rate. */
function isPeriodic(p: Prepared): boolean {
  return p.daysInYear === "360" && p.daysInMonth === "30";
}

const PERIODS_A_YEAR: Record<Unit, bigint> = { month: 12n, week: 52n, day: 360n, year: 1n };

/** Days in a year for the fixed conventions; "actual" uses 365 where one fixed figure is needed (the annuity rate). */
function nominalDaysInYear(p: Prepared): bigint {
  return p.daysInYear === "360" ? 360n : 365n;
}

/** Year fraction of one regular period: the rate the annuity formula uses. */
function regularYearFraction(p: Prepared): Ratio {
  const every = BigInt(p.every);
  if (isPeriodic(p)) return ratio(every, PERIODS_A_YEAR[p.unit]);
  const diy = nominalDaysInYear(p);
  switch (p.unit) {
    case "month":
      return p.daysInMonth === "30" ? ratio(30n * every, diy) : ratio(every, 12n);
    case "year":
      return p.daysInMonth === "30" ? ratio(360n * every, diy) : ratio(every, 1n);
    case "week":
      return ratio(7n * every, diy);
    case "day":
      return ratio(every, diy);
  }
}

/** 365 x 366: a common denominator for actual/actual year fractions, so they add without reduction. */
const ACTUAL_DEN = 133_590n;

/** Actual/actual: days in each calendar year over that year's length. */
function actualActualFraction(start: number, end: number): Ratio {
  let num = 0n;
  let cursor = start;
  while (cursor < end) {
    const { y } = civilFromDays(cursor);
    const nextYear = daysFromCivil(y + 1, 1, 1);
    const stop = Math.min(end, nextYear);
    num += BigInt(stop - cursor) * (isLeapYear(y) ? 365n : 366n); // x (133590 / length of year)
    cursor = stop;
  }
  return { num, den: ACTUAL_DEN };
}

/**
 * Year fraction of the period from `start` to `end`. `regular` is true when
 * the period is exactly one scheduled period long (every period but a broken
 * first one): then 30-day months count as exactly 30 x every days.
 */
function periodYearFraction(p: Prepared, start: number, end: number, regular: boolean): Ratio {
  const thirtyDayMonths = p.daysInMonth === "30" && (p.unit === "month" || p.unit === "year");
  if (isPeriodic(p)) {
    if (regular) return regularYearFraction(p);
    // A broken first period is charged pro rata: whole months plus odd days at 30 days a month, over 360.
    if (thirtyDayMonths) {
      const { periods, days } = monthsAndDaysBack(start, end);
      return { num: BigInt(30 * periods + days), den: 360n };
    }
    return p.unit === "week" ? { num: BigInt(end - start), den: 364n } : { num: BigInt(end - start), den: 360n };
  }
  let days: number;
  if (thirtyDayMonths) {
    if (regular) days = 30 * p.every * (p.unit === "year" ? 12 : 1);
    else {
      const { periods, days: odd } = monthsAndDaysBack(start, end);
      days = 30 * periods + odd;
    }
  } else {
    if (p.daysInYear === "actual") return actualActualFraction(start, end);
    days = end - start;
  }
  if (p.daysInYear === "actual") {
    // 30-day months with an actual year: divide by the length of the year the period ends in.
    return { num: BigInt(days), den: isLeapYear(civilFromDays(end - 1).y) ? 366n : 365n };
  }
  return { num: BigInt(days), den: BigInt(p.daysInYear) };
}

function roundToMultiple(num: bigint, den: bigint, multiple: Minor, mode: RoundingMode): Minor {
  return divRound(num, den * multiple, mode) * multiple;
}

/**
 * Exact annuity payment P r (1+r)^m / ((1+r)^m - 1) with r = a/b, as one
 * fraction of bigints: P a (a+b)^m / (b ((a+b)^m - b^m)). No floating point,
 * no decimal.js, and rounded once to the installment multiple.
 */
function annuity(principal: Minor, r: Ratio, m: number, multiple: Minor, mode: RoundingMode): Minor {
  const M = BigInt(m);
  if (r.num === 0n) return roundToMultiple(principal, M, multiple, mode);
  const growth = (r.num + r.den) ** M;
  const base = r.den ** M;
  const emi = roundToMultiple(principal * r.num * growth, r.den * (growth - base), multiple, mode);
  return emi > 0n ? emi : multiple; // a tiny loan against a large multiple still needs a payment
}

function clamp(x: Minor, lo: Minor, hi: Minor): Minor {
  return x < lo ? lo : x > hi ? hi : x;
}

function generate(p: Prepared, fixed: FixedAmounts = {}): Schedule {
  const { n, mode, principal, graceP, graceI } = p;
  // Due dates: k periods after the first due date (anchored, so day-of-month never drifts).
  const { days: dues, iso: dueText } = periodDates(p.firstDue, n, p.every, p.unit);
  const firstRegular = p.firstDue === addPeriods(p.disbursed, 1, p.every, p.unit);

  // Rate x year fraction of each period. Regular periods of a fixed length share one (reduced)
  // factor; others are left unreduced, since a gcd per period would cost more than it saves.
  const regular = mul(p.rate, regularYearFraction(p));
  const constantLength = p.daysInYear !== "actual" && (isPeriodic(p) || p.daysInMonth === "30" || p.unit === "week" || p.unit === "day");
  const factors = new Array<Ratio>(n);
  for (let k = 0; k < n; k++) {
    const start = k === 0 ? p.disbursed : dues[k - 1];
    const isRegular = k > 0 || firstRegular;
    if (isRegular && constantLength) factors[k] = regular;
    else {
      const f = periodYearFraction(p, start, dues[k], isRegular);
      factors[k] = { num: p.rate.num * f.num, den: p.rate.den * f.den };
    }
  }

  const principalPeriods = n - graceP;
  let installment = 0n;
  let principalPart = 0n;
  let flatTotal = 0n;
  let flatPerPeriod = 0n;
  const flatEqualInstallments = p.interest === "flat" && p.amortization === "equal-installments" && graceP === 0 && graceI === 0;

  if (p.interest === "flat") {
    // Flat: interest on the original principal for every period, summed exactly and rounded once,
    // then spread evenly over the periods that collect interest (remainder in the last).
    let sum: Ratio = { num: 0n, den: 1n };
    for (const f of factors) sum = add(sum, f);
    flatTotal = divRound(principal * sum.num, sum.den, mode);
    flatPerPeriod = divRound(flatTotal, BigInt(n - graceI), mode);
  }
  if (fixed.installment !== undefined) installment = fixed.installment;
  else if (p.amortization === "equal-installments") {
    installment = flatEqualInstallments
      ? roundToMultiple(principal + flatTotal, BigInt(n), p.multiple, mode)
      : annuity(principal, regular, principalPeriods, p.multiple, mode);
  }
  if (fixed.principalPart !== undefined) principalPart = fixed.principalPart;
  else principalPart = roundToMultiple(principal, BigInt(principalPeriods), p.multiple, mode);

  const rows: Installment[] = [];
  let balance = principal;
  let deferred = 0n; // interest accrued in interest-grace periods, collected after the grace
  let interestSoFar = 0n;
  let totalRepayment = 0n;
  for (let k = 0; k < n; k++) {
    const last = k === n - 1;
    let interest: Minor;
    let accrued = 0n; // this period's own interest (declining), before any deferral
    if (p.interest === "declining") {
      const f = factors[k];
      accrued = divRound(balance * f.num, f.den, mode);
      if (k < graceI) {
        deferred += accrued;
        interest = 0n;
      } else {
        interest = accrued + deferred;
        deferred = 0n;
      }
    } else {
      // Never more than is left of the flat total: with a tiny total spread over many periods,
      // rounding each share up could otherwise leave the last installment a negative remainder.
      const left = flatTotal - interestSoFar;
      interest = k < graceI ? 0n : last || flatPerPeriod > left ? left : flatPerPeriod;
    }

    let principalDue: Minor;
    if (k < graceP) principalDue = 0n;
    else if (last) principalDue = balance;
    else if (p.amortization === "equal-installments" && p.interest === "declining") {
      // The principal part is the installment less the period's OWN interest, whether or not that
      // interest is collected now: grace on interest only moves when interest is collected, so the
      // balance follows the same path as without grace and the borrower pays the same interest.
      principalDue = clamp(installment - accrued, 0n, balance);
    } else if (flatEqualInstallments) principalDue = clamp(installment - interest, 0n, balance); else principalDue = clamp(principalPart, 0n, balance);

    balance -= principalDue;
    // Paid off early (rounding to a large multiple, or a kept installment after a prepayment):
    // this row is the last, so flat interest not yet collected is collected here.
    if (balance === 0n && p.interest === "flat" && !last) interest = flatTotal - interestSoFar;
    interestSoFar += interest;
    const total = principalDue + interest;
    totalRepayment += total;
    rows.push({ n: k + 1, due: dueText[k], principal: principalDue, interest, total, balance });
    if (balance === 0n) break;
  }
  return {
    disbursed: fromDay(p.disbursed),
    principal,
    fee: p.fee,
    installments: rows,
    totalInterest: interestSoFar,
    totalRepayment,
  };
}

/** Generate the repayment schedule for a set of loan terms. */
export function generateSchedule(terms: LoanTerms): Schedule {
  return generate(prepare(terms));
}

/** Generate many schedules (batch quotes, portfolio projections); the speed target is 10,000 in under a second. */
export function generateSchedules(termsList: readonly LoanTerms[]): Schedule[] {
  const out = new Array<Schedule>(termsList.length);
  for (let i = 0; i < termsList.length; i++) out[i] = generateSchedule(termsList[i]);
  return out;
}

export type RescheduleMode = "shorter-term" | "lower-installment";

/**
 * The rest of a loan after a prepayment. `disbursed` is the date interest
 * runs from on the outstanding principal (the prepayment date, or the last
 * due date), `firstDue` the next due date and `termPeriods` the number of
 * installments that were left.
 */
export interface RemainingTerms extends Omit<LoanTerms, "principal" | "fee"> {
  /**
   * For "shorter-term": the amount to keep paying. With equal installments
   * this is the regular installment; with equal principal it is the regular
   * principal part.
   */
  currentInstallment?: string;
}

/**
 * Regenerate the remainder of a schedule after a prepayment.
 *  - "lower-installment": same number of installments, smaller installment
 *    (the annuity / principal part recomputed on the reduced principal);
 *  - "shorter-term": keep paying the same installment, so the loan ends
 *    sooner; the new last installment takes what remains.
 */
export function reschedule(outstandingPrincipal: Minor, remaining: RemainingTerms, mode: RescheduleMode): Schedule {
  const terms: LoanTerms = { ...remaining, principal: formatMinor(outstandingPrincipal) };
  const prepared = prepare(terms);
  if (mode === "lower-installment") return generate(prepared);
  if (remaining.currentInstallment === undefined) {
    throw new RangeError('currentInstallment is needed to keep the installment for a "shorter-term" reschedule');
  }
  const keep = parseMoney(remaining.currentInstallment);
  if (keep <= 0n) throw new RangeError("currentInstallment must be more than zero");
  if (remaining.amortization === "equal-principal") return generate(prepared, { principalPart: keep });
  if (remaining.interest === "declining") return generate(prepared, { installment: keep });
  // Flat interest: the installment depends on the term, so find the shortest term whose
  // regular installment is no more than the one being paid now.
  for (let periods = 1; periods < prepared.n; periods++) {
    const candidate = generate({ ...prepared, n: periods });
    if (candidate.installments[0].total <= keep) return candidate;
  }
  return generate(prepared);
}

/** A schedule as JSON-safe strings ("255.00"), the shape the CLI and loaders send. */
export interface ScheduleJson {
  installments: { n: number; due: string; principal: string; interest: string; total: string; balance: string }[];
  totalInterest: string;
  totalRepayment: string;
}

export function scheduleToJson(s: Schedule): ScheduleJson {
  return {
    installments: s.installments.map((i) => ({
      n: i.n,
      due: i.due,
      principal: formatMinor(i.principal),
      interest: formatMinor(i.interest),
      total: formatMinor(i.total),
      balance: formatMinor(i.balance),
    })),
    totalInterest: formatMinor(s.totalInterest),
    totalRepayment: formatMinor(s.totalRepayment),
  };
}

/**
 * The agreement's cash flows for an APR: the amount actually advanced
 * (principal less any fee taken at disbursement) against every installment.
 */
export function scheduleCashFlows(s: Schedule): { advances: { date: string; amount: Minor }[]; payments: { date: string; amount: Minor }[] } {
  return {
    advances: [{ date: s.disbursed, amount: s.principal - s.fee }],
    payments: s.installments.map((i) => ({ date: i.due, amount: i.total })),
  };
}
