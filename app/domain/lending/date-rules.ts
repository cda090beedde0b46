/**
 * The date rules of lending, pure: what may be dated when. Every refusal is
 * a sentence for the loan officer, or null when the date is allowed. ISO
 * dates (YYYY-MM-DD) compare as strings.
 *
 * - A pay-out is not before the committee approved the loan, nor in the
 *   future.
 * - The first installment falls after the pay-out and at most two periods
 *   of the product's frequency after it. Products carry no explicit bound,
 *   so this one is derived from the frequency: the schedule's own default
 *   is one period after the pay-out, and an offer may move the first
 *   installment by up to one more period (to meet a payday, say), never
 *   leave the borrower a long stretch of interest before paying anything.
 * - Every later posting on a loan (repayment, reversal, write-off,
 *   recovery, the reversal of the pay-out) is dated on or after the day the
 *   loan (or the thing it follows) began, and not after today.
 */
import { fromDay, toDay } from "../calendar";
import { addPeriods } from "./dates";
import { FREQUENCY, type Frequency } from "./terms";

/** A pay-out date: on or after the approval, not after today. */
export function payoutDateProblem(input: { disbursedOn: string; approvedOn: string | null; today: string }): string | null {
  if (input.disbursedOn > input.today) return "A loan cannot be paid out on a future date.";
  if (input.approvedOn && input.disbursedOn < input.approvedOn) {
    return `The pay-out date ${input.disbursedOn} is before the loan was approved on ${input.approvedOn}.`;
  }
  return null;
}

/** The days a first installment may fall on, for a pay-out on `disbursedOn`. */
export function firstDueWindow(frequency: Frequency, disbursedOn: string): { earliest: string; latest: string } {
  const f = FREQUENCY[frequency];
  const day = toDay(disbursedOn);
  return { earliest: fromDay(day + 1), latest: fromDay(addPeriods(day, 2, f.every, f.unit)) };
}

/** A first installment date for a pay-out on `disbursedOn`: inside firstDueWindow. */
export function firstDueProblem(frequency: Frequency, disbursedOn: string, firstDue: string): string | null {
  const { earliest, latest } = firstDueWindow(frequency, disbursedOn);
  if (firstDue < earliest) return `The first installment must fall after the pay-out on ${disbursedOn}.`;
  if (firstDue > latest) {
    return `The first installment on ${firstDue} is more than two ${FREQUENCY[frequency].words}s after the pay-out on ${disbursedOn}; it must fall by ${latest}.`;
  }
  return null;
}

/**
 * A posting on a loan dated `onDate`: not before `startedOn` (what it
 * follows: the pay-out, the write-off, the repayment it reverses), not after
 * today. `started` names that beginning in the message.
 */
export function postingDateProblem(onDate: string, startedOn: string, today: string, started = "the loan was paid out"): string | null {
  if (onDate > today) return `The date ${onDate} is in the future.`;
  if (onDate < startedOn) return `The date ${onDate} is before ${started} on ${startedOn}.`;
  return null;
}
