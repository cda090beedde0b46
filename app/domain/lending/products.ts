/**
 * Loan products and offers checked against the product's ranges and the
 * organisation's rate cap.
 *
 * A UK credit union may charge at most 3% a month on the reducing balance
 * (Credit Unions Act 1979 s.11 as amended; 36% a year nominal, 42.6% APR).
 * Other organisations set their own cap. Every refusal comes back as a
 * sentence a loan officer can read out, so the reason is never a code.
 *
 * Rates are compared as exact decimals (decimal.js), not floats, so "36" is
 * never "just above" 36.
 */
import Decimal from "decimal.js";
import { displayMoney, parseMoney, type MoneyStyle } from "../money";
import { euAprOf, regzRate } from "./apr";
import { toDay } from "../calendar";
import { type Unit } from "./dates";
import { generateSchedule, scheduleCashFlows, type LoanTerms } from "./schedule";

const D = Decimal.clone({ precision: 40 });
type Dec = InstanceType<typeof D>;

export interface RateCap {
  /** Maximum nominal rate a month on the reducing balance, percent ("3"). */
  monthlyPercent?: string;
  /** Maximum nominal rate a year on the reducing balance, percent ("36"). */
  annualPercent?: string;
  /** Maximum APR (EU/UK formula), percent ("42.6"). */
  aprPercent?: string;
}

/** The statutory cap for a UK credit union. */
export const UK_CREDIT_UNION_CAP: RateCap = { monthlyPercent: "3", aprPercent: "42.6" };

export interface LoanProduct {
  name: string;
  minPrincipal: string;
  maxPrincipal: string;
  minTermPeriods: number;
  maxTermPeriods: number;
  /** The unit the term is counted in; offers must use it. Default month. */
  unit?: Unit;
  minAnnualRate?: string;
  maxAnnualRate?: string;
}

export type Decision = { ok: true } | { ok: false; reason: string; reasons: string[] };

function decide(reasons: string[]): Decision {
  return reasons.length === 0 ? { ok: true } : { ok: false, reason: reasons.join(" "), reasons };
}

/** "40" -> "40%", "42.60" -> "42.6%". */
function pct(x: Dec): string {
  return `${x.toString()}%`;
}

function unitWords(n: number, unit: Unit): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** The cap as a nominal annual rate, and how to describe it. */
function annualCap(cap: RateCap): { annual: Dec; words: string } | undefined {
  const monthly = cap.monthlyPercent !== undefined ? new D(cap.monthlyPercent) : undefined;
  const annual = cap.annualPercent !== undefined ? new D(cap.annualPercent) : undefined;
  const fromMonthly = monthly?.times(12);
  if (fromMonthly && (!annual || fromMonthly.lte(annual))) {
    return { annual: fromMonthly, words: `${pct(fromMonthly)} a year (${pct(monthly!)} a month)` };
  }
  if (annual) return { annual, words: `${pct(annual)} a year` };
  return undefined;
}

function rateAboveCap(rate: Dec, cap: RateCap, label = "The rate"): string | undefined {
  const c = annualCap(cap);
  if (c && rate.gt(c.annual)) return `${label} ${pct(rate)} a year is above this organisation's cap of ${c.words}.`;
  return undefined;
}

function parseRate(text: string | undefined, field: string, reasons: string[]): Dec | undefined {
  if (text === undefined) return undefined;
  try {
    const d = new D(text);
    if (!d.isFinite()) throw new Error();
    return d;
  } catch {
    reasons.push(`The ${field} "${text}" is not a number.`);
    return undefined;
  }
}

/**
 * A product is refused if its own ranges are inconsistent or its highest rate breaks the cap.
 * `money`: the organisation's currency and locale, that the reasons write amounts in.
 */
export function validateProduct(product: LoanProduct, cap: RateCap, money: MoneyStyle): Decision {
  const reasons: string[] = [];
  const min = parseMoney(product.minPrincipal);
  const max = parseMoney(product.maxPrincipal);
  if (min <= 0n) reasons.push("The smallest amount must be more than zero.");
  if (max < min) reasons.push(`The largest amount ${displayMoney(max, money)} is below the smallest ${displayMoney(min, money)}.`);
  if (!Number.isInteger(product.minTermPeriods) || product.minTermPeriods < 1) reasons.push("The shortest term must be at least one period.");
  if (product.maxTermPeriods < product.minTermPeriods) reasons.push("The longest term is shorter than the shortest term.");
  const minRate = parseRate(product.minAnnualRate, "lowest rate", reasons);
  const maxRate = parseRate(product.maxAnnualRate, "highest rate", reasons);
  if (minRate?.isNegative()) reasons.push("The lowest rate must not be negative.");
  if (minRate && maxRate && maxRate.lt(minRate)) reasons.push("The highest rate is below the lowest rate.");
  const top = maxRate ?? minRate;
  if (top) {
    const above = rateAboveCap(top, cap, "The highest rate");
    if (above) reasons.push(above);
  }
  return decide(reasons);
}

/**
 * An offer (the loan terms) is refused when the amount or term is outside the
 * product's range, the rate is outside the product's range or above the
 * organisation's cap, or (if the cap has one) the APR is above the APR cap.
 * `money`: the organisation's currency and locale, that the reasons write amounts in.
 */
export function validateOffer(product: LoanProduct, offer: LoanTerms, cap: RateCap, money: MoneyStyle): Decision {
  const reasons: string[] = [];
  let principal: bigint;
  try {
    principal = parseMoney(offer.principal);
  } catch {
    return decide([`The amount "${offer.principal}" is not an amount of money.`]);
  }
  if (principal <= 0n) return decide(["The amount must be more than zero."]);
  const min = parseMoney(product.minPrincipal);
  const max = parseMoney(product.maxPrincipal);
  if (principal < min || principal > max) {
    reasons.push(`The amount ${displayMoney(principal, money)} is outside this product's range of ${displayMoney(min, money)} to ${displayMoney(max, money)}.`);
  }
  const unit = product.unit ?? "month";
  if (offer.unit !== unit) {
    reasons.push(`${product.name} is repaid by the ${unit}, but the offer is by the ${offer.unit}.`);
  } else {
    // The term is counted in the product's unit: termPeriods periods of `every` units each.
    const term = offer.termPeriods * offer.every;
    if (!Number.isInteger(offer.termPeriods) || offer.termPeriods < 1) reasons.push("The term must be at least one installment.");
    else if (term < product.minTermPeriods || term > product.maxTermPeriods) {
      reasons.push(
        `The term of ${unitWords(term, unit)} is outside this product's range of ${product.minTermPeriods} to ${unitWords(product.maxTermPeriods, unit)}.`,
      );
    }
  }
  const rate = parseRate(offer.annualRate, "rate", reasons);
  if (rate) {
    if (rate.isNegative()) reasons.push("The rate must not be negative.");
    const pMin = product.minAnnualRate !== undefined ? new D(product.minAnnualRate) : undefined;
    const pMax = product.maxAnnualRate !== undefined ? new D(product.maxAnnualRate) : undefined;
    if ((pMin && rate.lt(pMin)) || (pMax && rate.gt(pMax))) {
      reasons.push(`The rate ${pct(rate)} a year is outside this product's range of ${pct(pMin ?? new D(0))} to ${pct(pMax ?? rate)} a year.`);
    }
    const above = rateAboveCap(rate, cap);
    if (above) reasons.push(above);
  }
  if (reasons.length > 0) return decide(reasons);

  // The cap is on the reducing balance: a flat rate understates the real cost, so check its
  // reducing-balance equivalent (the periodic rate that discounts the installments back to the
  // amount lent, times periods a year), and the APR against an APR cap.
  if (offer.interest === "flat" || cap.aprPercent !== undefined) {
    let schedule;
    try {
      schedule = generateSchedule(offer);
    } catch (e) {
      return decide([`The offer's terms cannot make a schedule: ${(e as Error).message}.`]);
    }
    const flows = scheduleCashFlows(schedule);
    const payments = flows.payments.map((p) => ({ day: toDay(p.date), amount: p.amount }));
    const c = annualCap(cap);
    if (offer.interest === "flat" && c) {
      const lent = [{ day: toDay(schedule.disbursed), amount: principal }];
      const { rate: periodic, perYear } = regzRate(lent, payments, { every: offer.every, unit: offer.unit });
      const reducing = periodic.times(perYear).times(100).toDecimalPlaces(1, Decimal.ROUND_HALF_UP);
      if (reducing.gt(c.annual)) {
        reasons.push(
          `The flat rate ${pct(rate!)} a year is ${pct(reducing)} a year on the reducing balance, above this organisation's cap of ${c.words}.`,
        );
      }
    }
    if (cap.aprPercent !== undefined) {
      const advances = flows.advances.map((a) => ({ day: toDay(a.date), amount: a.amount }));
      const apr = new D(euAprOf(advances, payments));
      const capApr = new D(cap.aprPercent);
      if (apr.gt(capApr)) reasons.push(`The APR of ${pct(apr)} is above this organisation's cap of ${pct(capApr)} APR.`);
    }
  }
  return decide(reasons);
}

/** The cap in words ("36% a year (3% a month)"), or undefined when the organisation has none. */
export function capInWords(cap: RateCap): string | undefined {
  return annualCap(cap)?.words;
}

/**
 * The products whose highest rate is above the cap, in the order given: after
 * the cap is lowered these would let an officer quote a rate the organisation
 * refuses, so the settings reply and the products page name them. A rate that
 * is not a number is left to validateProduct to refuse.
 */
export function productsOverCap<P extends { name: string; maxAnnualRate: string }>(products: readonly P[], cap: RateCap): P[] {
  const c = annualCap(cap);
  if (!c) return [];
  return products.filter((p) => {
    try {
      return new D(p.maxAnnualRate).gt(c.annual);
    } catch {
      return false;
    }
  });
}

/** "The highest rate of 2 products is above our cap of ...: A (40% a year), B (38% a year). ..." or null when none is. */
export function overCapSentence(over: readonly { name: string; maxAnnualRate: string }[], cap: RateCap): string | null {
  const words = capInWords(cap);
  if (!words || over.length === 0) return null;
  const list = over.map((p) => `${p.name} (${pct(new D(p.maxAnnualRate))} a year)`).join(", ");
  const whose = over.length === 1 ? "1 product" : `${over.length} products`;
  return `The highest rate of ${whose} is above the cap of ${words}: ${list}. Applications above the cap are refused; lower ${over.length === 1 ? "its" : "their"} highest rate or retire ${over.length === 1 ? "it" : "them"} on the products page.`;
}
