/**
 * The balance column of a loan's schedule, as every page and export shows it.
 *
 * After a prepayment the rest of the schedule is regenerated for what is
 * left (loans.server.ts recordRepayment), so the installments alone carry
 * less principal than was lent: the prepaid principal sits in no
 * installment. The schedule therefore shows each prepayment as a row of its
 * own, placed on its date (after the installments due on or before it), and
 * the balance after each row is the amount lent less the principal of every
 * row so far. Principal of all rows sums to the amount lent and the balance
 * ends at zero; `balanced` says whether it does (a broken ledger shows as
 * such rather than being hidden by clamping at zero).
 */
import type { Minor } from "../money";

export interface ScheduledPrincipal {
  n: number;
  due: string;
  principal: Minor;
}

export interface Prepayment {
  onDate: string;
  /** Principal repaid ahead of the schedule. */
  amount: Minor;
}

export type BalanceRow<I extends ScheduledPrincipal> =
  | { kind: "installment"; installment: I; principal: Minor; balanceAfter: Minor }
  | { kind: "prepayment"; onDate: string; principal: Minor; balanceAfter: Minor };

export interface ScheduleBalances<I extends ScheduledPrincipal> {
  rows: BalanceRow<I>[];
  /** Principal of all rows: installments and prepayments. */
  principalTotal: Minor;
  /** The balance after the last row: zero for a consistent loan. */
  endBalance: Minor;
  balanced: boolean;
}

export function scheduleBalances<I extends ScheduledPrincipal>(lent: Minor, installments: readonly I[], prepayments: readonly Prepayment[]): ScheduleBalances<I> {
  const inst = [...installments].sort((a, b) => a.n - b.n);
  const pre = prepayments.filter((p) => p.amount !== 0n).sort((a, b) => (a.onDate < b.onDate ? -1 : a.onDate > b.onDate ? 1 : 0));
  const rows: BalanceRow<I>[] = [];
  let balance = lent;
  let k = 0;
  const pushPrepayment = (p: Prepayment) => {
    balance -= p.amount;
    rows.push({ kind: "prepayment", onDate: p.onDate, principal: p.amount, balanceAfter: balance });
  };
  for (const i of inst) {
    while (k < pre.length && pre[k].onDate < i.due) pushPrepayment(pre[k++]);
    balance -= i.principal;
    rows.push({ kind: "installment", installment: i, principal: i.principal, balanceAfter: balance });
  }
  while (k < pre.length) pushPrepayment(pre[k++]);
  return { rows, principalTotal: lent - balance, endBalance: balance, balanced: balance === 0n };
}
