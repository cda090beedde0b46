/**
 * From a stored product and an application to the domain's LoanTerms, the
 * APR shown in an offer, and the credit committee's decision rule.
 * Kept pure so the route, the seed and the bench build the same terms.
 */
import { formatMinor, type Minor } from "../money";
import { euAprOf } from "./apr";
import { toDay } from "../calendar";
import { type Unit } from "./dates";
import type { LoanProduct, RateCap } from "./products";
import { scheduleCashFlows, type Amortization, type DaysInMonth, type DaysInYear, type InterestMethod, type LoanTerms, type Schedule } from "./schedule";

export type Frequency = "weekly" | "fortnightly" | "monthly" | "quarterly";

/** How often installments fall, as the schedule counts it. */
export const FREQUENCY: Record<Frequency, { every: number; unit: Unit; perYear: number; words: string }> = {
  weekly: { every: 1, unit: "week", perYear: 52, words: "week" },
  fortnightly: { every: 2, unit: "week", perYear: 26, words: "fortnight" },
  monthly: { every: 1, unit: "month", perYear: 12, words: "month" },
  quarterly: { every: 3, unit: "month", perYear: 4, words: "quarter" },
};

export interface ProductRow {
  name: string;
  amortization: Amortization;
  interest_method: InterestMethod;
  min_rate: string;
  max_rate: string;
  min_principal: Minor;
  max_principal: Minor;
  /** Installments, not units: a 12-installment quarterly product runs 36 months. */
  min_term: number;
  max_term: number;
  frequency: Frequency;
  days_in_year: DaysInYear;
  days_in_month: DaysInMonth;
  installment_multiple: Minor;
  grace_on_principal: number;
  grace_on_interest: number;
  arrangement_fee: Minor;
}

/** numeric(9,4) comes back as "12.0000": drop trailing zeros so messages read "12%". */
export function plainRate(rate: string): string {
  return rate.includes(".") ? rate.replace(/0+$/, "").replace(/\.$/, "") : rate;
}

/** The product in the shape validateOffer takes (terms counted in the schedule's units). */
export function productForValidation(p: ProductRow): LoanProduct {
  const f = FREQUENCY[p.frequency];
  return {
    name: p.name,
    minPrincipal: formatMinor(p.min_principal),
    maxPrincipal: formatMinor(p.max_principal),
    minTermPeriods: p.min_term * f.every,
    maxTermPeriods: p.max_term * f.every,
    unit: f.unit,
    minAnnualRate: plainRate(p.min_rate),
    maxAnnualRate: plainRate(p.max_rate),
  };
}

export function capOf(rules: { rateCapMonthlyPercent: number }): RateCap {
  return { monthlyPercent: String(rules.rateCapMonthlyPercent) };
}

export function loanTerms(
  p: ProductRow,
  offer: { amount: Minor; termPeriods: number; annualRate: string; disbursed: string; firstDue?: string },
): LoanTerms {
  const f = FREQUENCY[p.frequency];
  return {
    principal: formatMinor(offer.amount),
    annualRate: plainRate(offer.annualRate),
    termPeriods: offer.termPeriods,
    every: f.every,
    unit: f.unit,
    amortization: p.amortization,
    interest: p.interest_method,
    daysInYear: p.days_in_year,
    daysInMonth: p.days_in_month,
    installmentMultiple: formatMinor(p.installment_multiple),
    rounding: "half-even",
    disbursed: offer.disbursed,
    ...(offer.firstDue ? { firstDue: offer.firstDue } : {}),
    ...(p.grace_on_principal > 0 && p.grace_on_principal < offer.termPeriods ? { graceOnPrincipal: p.grace_on_principal } : {}),
    ...(p.grace_on_interest > 0 && p.grace_on_interest < offer.termPeriods ? { graceOnInterest: p.grace_on_interest } : {}),
    ...(p.arrangement_fee > 0n ? { fee: formatMinor(p.arrangement_fee) } : {}),
  };
}

/** The UK/EU APR of a schedule's own cash flows (amount advanced less the fee, against each installment). */
export function aprOfSchedule(s: Schedule): string {
  const flows = scheduleCashFlows(s);
  return euAprOf(
    flows.advances.map((a) => ({ day: toDay(a.date), amount: a.amount })),
    flows.payments.map((x) => ({ day: toDay(x.date), amount: x.amount })),
  );
}

export type CommitteeVote = "approve" | "decline" | "recuse";
export type CommitteeStatus = "pending" | "approved" | "declined" | "no-quorum";

export interface CommitteeOutcome {
  status: CommitteeStatus;
  quorum: number;
  approve: number;
  decline: number;
  recused: number;
  /** Committee members who have neither voted nor recused. */
  waiting: number;
  reason: string;
}

/**
 * The credit committee decides by a majority of those voting, once a quorum
 * has voted: a majority of the committee members able to vote. A member who
 * recuses (a conflict of interest) takes no part, so is left out of the
 * quorum's base as well as the count: one recusal on a committee of two
 * leaves a quorum of one, not a quorum nobody can reach. Only when every
 * member has recused can nobody decide ("no-quorum"): then a committee
 * member must be added, or the application withdrawn.
 * The decision is made as soon as the votes still to come cannot change it;
 * a tie, once everyone has voted, is not a majority for lending: declined.
 */
export function committeeOutcome(committeeSize: number, votes: readonly CommitteeVote[]): CommitteeOutcome {
  const size = Math.max(committeeSize, 0);
  const approve = votes.filter((v) => v === "approve").length;
  const decline = votes.filter((v) => v === "decline").length;
  const recused = votes.filter((v) => v === "recuse").length;
  const waiting = Math.max(size - votes.length, 0);
  const voting = approve + decline;
  /** Members able to vote: those who voted and those still to vote; recusals are not among them. */
  const able = voting + waiting;
  const quorum = Math.floor(able / 2) + 1;
  const base = { quorum, approve, decline, recused, waiting };
  if (able === 0) {
    return {
      ...base,
      status: "no-quorum",
      reason: recused
        ? `Every member of the committee has recused, so nobody can decide: add a committee member who can vote, or withdraw the application.`
        : `The credit committee has no members: add one, or withdraw the application.`,
    };
  }
  if (voting >= quorum) {
    if (approve > decline + waiting) return { ...base, status: "approved", reason: `Approved by ${approve} to ${decline}${recused ? `, ${recused} recused` : ""}.` };
    if (decline >= approve + waiting) return { ...base, status: "declined", reason: `Declined: ${approve} for, ${decline} against${recused ? `, ${recused} recused` : ""}.` };
  }
  return { ...base, status: "pending", reason: `${voting} of the quorum of ${quorum} have voted; ${waiting} still to vote.` };
}
