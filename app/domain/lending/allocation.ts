/**
 * Allocating a repayment across a loan's installments, and reversing it.
 *
 * Default order (Fineract's standard strategy, less penalties which live in
 * fees here): oldest installment first, and within each installment fees,
 * then interest, then principal. Collecting charges and interest before
 * principal is what keeps the borrower's arrears from growing interest on
 * interest, and is what most co-op lending policies state.
 *
 * Money in, money out: lines add up to the payment less any excess, which
 * is returned (not swallowed) so the caller can treat it as a prepayment
 * (see schedule.reschedule). A reversal is the same lines negated, so a
 * correction never needs to know the state at the time of the payment.
 */
import type { Minor } from "../money";

export type Component = "fees" | "interest" | "principal";
export const DEFAULT_ORDER: readonly Component[] = ["fees", "interest", "principal"];

export interface Amounts {
  fees: Minor;
  interest: Minor;
  principal: Minor;
}

export interface InstallmentState {
  n: number;
  due: string;
  owed: Amounts;
  paid: Amounts;
}

export interface AllocationOptions {
  /** Order of components (each once). Default fees, interest, principal. */
  order?: readonly Component[];
  /**
   * "installment" (default): settle the oldest installment completely, in
   * component order, before the next one. "component": settle the first
   * component on every installment (oldest first) before the next component.
   */
  by?: "installment" | "component";
  /** Only installments due on or before this date take money; the rest is excess (a prepayment). */
  asAt?: string;
}

export interface AllocationLine {
  n: number;
  component: Component;
  amount: Minor;
}

export interface Allocation {
  /** The payment (negative for a reversal). */
  amount: Minor;
  lines: AllocationLine[];
  /** What was left after everything allowed was paid. */
  excess: Minor;
}

function checkOrder(order: readonly Component[]): void {
  const seen = new Set(order);
  if (order.length !== 3 || seen.size !== 3 || !DEFAULT_ORDER.every((c) => seen.has(c))) {
    throw new RangeError(`allocation order must name fees, interest and principal once each, got [${order.join(", ")}]`);
  }
}

/** Oldest first by due date ("YYYY-MM-DD" sorts as text), then by installment number. */
function oldestFirst(state: readonly InstallmentState[]): InstallmentState[] {
  return [...state].sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.n - b.n));
}

function cloneState(state: readonly InstallmentState[]): InstallmentState[] {
  return state.map((i) => ({ n: i.n, due: i.due, owed: { ...i.owed }, paid: { ...i.paid } }));
}

/** Allocate a payment. Returns the allocation and the new state; the input is not changed. */
export function allocateRepayment(
  state: readonly InstallmentState[],
  amount: Minor,
  options: AllocationOptions = {},
): { allocation: Allocation; state: InstallmentState[] } {
  if (amount <= 0n) throw new RangeError("a repayment must be more than zero");
  const order = options.order ?? DEFAULT_ORDER;
  checkOrder(order);
  const eligible = oldestFirst(state).filter((i) => options.asAt === undefined || i.due <= options.asAt);
  const lines: AllocationLine[] = [];
  let left = amount;
  const take = (inst: InstallmentState, component: Component): void => {
    if (left === 0n) return;
    const outstanding = inst.owed[component] - inst.paid[component];
    if (outstanding <= 0n) return;
    const pay = outstanding < left ? outstanding : left;
    lines.push({ n: inst.n, component, amount: pay });
    left -= pay;
  };
  if ((options.by ?? "installment") === "installment") {
    for (const inst of eligible) for (const c of order) take(inst, c);
  } else {
    for (const c of order) for (const inst of eligible) take(inst, c);
  }
  const allocation: Allocation = { amount, lines, excess: left };
  return { allocation, state: applyAllocation(state, allocation) };
}

/** The inverse of an allocation: applying both leaves the state as it was. */
export function reverseAllocation(allocation: Allocation): Allocation {
  return {
    amount: -allocation.amount,
    lines: allocation.lines.map((l) => ({ n: l.n, component: l.component, amount: -l.amount })),
    excess: -allocation.excess,
  };
}

/**
 * Apply an allocation (or a reversal) to a state. Refuses a result that
 * would pay more than is owed or leave a negative amount paid, so a reversal
 * applied twice, or to the wrong loan, fails loudly.
 */
export function applyAllocation(state: readonly InstallmentState[], allocation: Allocation): InstallmentState[] {
  const next = cloneState(state);
  const byN = new Map(next.map((i) => [i.n, i]));
  for (const line of allocation.lines) {
    const inst = byN.get(line.n);
    if (!inst) throw new RangeError(`installment ${line.n} is not in this schedule`);
    const paid = inst.paid[line.component] + line.amount;
    if (paid < 0n) throw new RangeError(`installment ${line.n} ${line.component}: reversal takes back more than was paid`);
    if (paid > inst.owed[line.component]) throw new RangeError(`installment ${line.n} ${line.component}: more than is owed`);
    inst.paid[line.component] = paid;
  }
  return next;
}

/** Total still owed on a state, per component. */
export function outstanding(state: readonly InstallmentState[]): Amounts {
  const total: Amounts = { fees: 0n, interest: 0n, principal: 0n };
  for (const i of state) {
    total.fees += i.owed.fees - i.paid.fees;
    total.interest += i.owed.interest - i.paid.interest;
    total.principal += i.owed.principal - i.paid.principal;
  }
  return total;
}

/** Sum of the lines of an allocation for one component (e.g. principal repaid, for the ledger). */
export function allocatedTo(allocation: Allocation, component: Component): Minor {
  return allocation.lines.reduce((s, l) => (l.component === component ? s + l.amount : s), 0n);
}
