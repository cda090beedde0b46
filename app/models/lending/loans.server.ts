import { sql } from "kysely";
import { allocateRepayment, applyAllocation, type Allocation, type Component, type InstallmentState } from "~/domain/lending/allocation";
import { bucketOf, daysPastDue } from "~/domain/lending/arrears";
import { postingDateProblem } from "~/domain/lending/date-rules";
import { generateSchedule, reschedule, type LoanTerms, type RescheduleMode } from "~/domain/lending/schedule";
import { aprOfSchedule, loanTerms, type ProductRow } from "~/domain/lending/terms";
import { displayMoney, formatMinor, type Minor } from "~/domain/money";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { organisationMoneyStyle } from "~/models/core/organisations.server";
import { refused } from "~/domain/refusal";
import { isUuid } from "~/schemas/common";
import { portfolioArrears } from "./portfolio.server";

// The portfolio's figures and lists are computed in the database (lending/portfolio.server.ts).
export { portfolioArrears, portfolioLoans } from "./portfolio.server";


/**
 * Run `fn` in the caller's transaction, or in a new one if the caller gave
 * the database itself: a row lock taken outside a transaction would be let
 * go at once, so every money function runs inside one.
 */
export function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Loan references run per organisation; a transaction-scoped lock keeps two pay-outs from taking the same number. */
async function nextLoanReference(db: Executor, organisationId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${"loan-references:" + organisationId}))`.execute(db);
  const r = await db.selectFrom("loans").select((eb) => eb.fn.max("reference").as("max")).where("organisation_id", "=", organisationId).executeTakeFirst();
  return Number(r?.max ?? 0) + 1;
}

/**
 * Pay a loan out: the loan row, its schedule as installments, and the
 * disbursement (and any arrangement fee, taken from the amount paid out) in
 * the ledger. Used by the workflow and by the demo seed.
 */
export async function createLoanFromApplication(
  db: Executor,
  actorUserId: string | null,
  organisationId: string,
  app: { id: string | null; borrower_id: string; amount: Minor; term_periods: number; annual_rate: string; offer_first_due: string | null; officer_user_id: string | null },
  product: ProductRow & { id: string },
  disbursedOn: string,
) {
  const firstDue = app.offer_first_due && app.offer_first_due > disbursedOn ? app.offer_first_due : undefined;
  const terms = loanTerms(product, { amount: app.amount, termPeriods: app.term_periods, annualRate: app.annual_rate, disbursed: disbursedOn, firstDue });
  const schedule = generateSchedule(terms);
  const loan = await db
    .insertInto("loans")
    .values({
      organisation_id: organisationId,
      reference: await nextLoanReference(db, organisationId),
      application_id: app.id,
      borrower_id: app.borrower_id,
      product_id: product.id,
      officer_user_id: app.officer_user_id ?? actorUserId,
      principal: app.amount,
      annual_rate: app.annual_rate,
      terms: JSON.stringify(terms),
      apr: aprOfSchedule(schedule),
      disbursed_on: disbursedOn,
      status: "active",
    })
    .returning(["id", "reference", "principal", "apr", "disbursed_on"])
    .executeTakeFirstOrThrow();
  await db
    .insertInto("loan_installments")
    .values(schedule.installments.map((i) => ({ organisation_id: organisationId, loan_id: loan.id, n: i.n, due_on: i.due, principal: i.principal, interest: i.interest })))
    .execute();
  await db.insertInto("loan_transactions").values({ organisation_id: organisationId, loan_id: loan.id, kind: "disbursement", amount: app.amount, principal_part: app.amount, on_date: disbursedOn, method: "bank", recorded_by: actorUserId }).execute();
  if (schedule.fee > 0n) {
    await db.insertInto("loan_transactions").values({ organisation_id: organisationId, loan_id: loan.id, kind: "fee", amount: schedule.fee, fees_part: schedule.fee, on_date: disbursedOn, note: "Arrangement fee, taken from the amount paid out", recorded_by: actorUserId }).execute();
  }
  await recordAudit(db, { organisationId, actorUserId, action: "loan.disbursed", entityType: "loan", entityId: loan.id, after: { ...loan, installments: schedule.installments.length, fee: schedule.fee } });
  return loan;
}

/** A loan with its borrower's, product's and officer's names: what `getLoan` and `loansOfBorrowers` read. */
function loansWithNames(db: Executor, organisationId: string) {
  return db
    .selectFrom("loans as l")
    .innerJoin("borrowers as b", (j) => j.onRef("b.organisation_id", "=", "l.organisation_id").onRef("b.id", "=", "l.borrower_id"))
    .innerJoin("loan_products as p", (j) => j.onRef("p.organisation_id", "=", "l.organisation_id").onRef("p.id", "=", "l.product_id"))
    .leftJoin("users as u", "u.id", "l.officer_user_id")
    .select([
      "l.id", "l.reference", "l.application_id", "l.borrower_id", "l.principal", "l.annual_rate", "l.terms", "l.apr", "l.disbursed_on", "l.status",
      "l.closed_on", "l.written_off_on", "l.reversed_on", "l.officer_user_id", "b.legal_name", "b.contact_email", "b.member_id", "p.name as product_name", "p.frequency", "u.name as officer_name",
    ])
    .where("l.organisation_id", "=", organisationId);
}

export async function getLoan(db: Executor, organisationId: string, loanId: string) {
  if (!isUuid(loanId)) return undefined;
  return loansWithNames(db, organisationId).where("l.id", "=", loanId).executeTakeFirst();
}
export type Loan = NonNullable<Awaited<ReturnType<typeof getLoan>>>;

/** Every loan of these borrowers (whatever its status), by reference: one query however many there are. */
export async function loansOfBorrowers(db: Executor, organisationId: string, borrowerIds: readonly string[]): Promise<Loan[]> {
  if (borrowerIds.length === 0) return [];
  return loansWithNames(db, organisationId).where("l.borrower_id", "in", borrowerIds).orderBy("l.reference").execute();
}

/**
 * Lock a loan's row (SELECT ... FOR UPDATE, scoped by organisation) and
 * read it afresh. Every function that moves money on a loan starts here,
 * inside its transaction, so what decides whether it is allowed (status,
 * installments, what was written off) is read after any concurrent change
 * to the same loan has committed: such changes queue up one behind another.
 * Call it before any other lock on the loan's rows (a write-off proposal,
 * the audit chain), so locks are always taken in the same order.
 */
export async function lockLoan(db: Executor, organisationId: string, loanId: string): Promise<Loan> {
  const locked = isUuid(loanId)
    ? await db.selectFrom("loans").select("id").where("organisation_id", "=", organisationId).where("id", "=", loanId).forUpdate().executeTakeFirst()
    : undefined;
  const loan = locked ? await getLoan(db, organisationId, loanId) : undefined;
  if (!loan) throw refused("There is no such loan.");
  return loan;
}

function installmentRows(db: Executor, organisationId: string) {
  return db
    .selectFrom("loan_installments")
    .select(["n", "due_on", "principal", "interest", "fees", "paid_principal", "paid_interest", "paid_fees"])
    .where("organisation_id", "=", organisationId);
}

export async function loanInstallments(db: Executor, organisationId: string, loanId: string) {
  return installmentRows(db, organisationId).where("loan_id", "=", loanId).orderBy("n").execute();
}
type InstallmentRow = Awaited<ReturnType<typeof loanInstallments>>[number];

function transactionRows(db: Executor, organisationId: string) {
  return db
    .selectFrom("loan_transactions as t")
    .leftJoin("users as u", "u.id", "t.recorded_by")
    .select(["t.id", "t.kind", "t.amount", "t.principal_part", "t.interest_part", "t.fees_part", "t.prepaid", "t.on_date", "t.method", "t.reschedule", "t.reverses_id", "t.note", "t.recorded_at", "u.name as recorded_by_name"])
    .select((eb) => eb.selectFrom("loan_transactions as r").select("r.id").whereRef("r.organisation_id", "=", "t.organisation_id").whereRef("r.reverses_id", "=", "t.id").as("reversed_by"))
    .where("t.organisation_id", "=", organisationId);
}

export async function loanTransactions(db: Executor, organisationId: string, loanId: string) {
  return transactionRows(db, organisationId).where("t.loan_id", "=", loanId).orderBy("t.on_date").orderBy("t.id").execute();
}
type TransactionRow = Awaited<ReturnType<typeof loanTransactions>>[number];

/** Rows of several loans grouped by loan, each loan's in the order read; a loan with none has an empty list. */
function byLoan<Row extends { loan_id: string }>(loanIds: readonly string[], rows: readonly Row[]): Map<string, Omit<Row, "loan_id">[]> {
  const out = new Map<string, Omit<Row, "loan_id">[]>(loanIds.map((id) => [id, []]));
  for (const { loan_id, ...row } of rows) out.get(loan_id)?.push(row);
  return out;
}

/** `loanInstallments` of several loans in one query, by loan id. */
export async function installmentsOfLoans(db: Executor, organisationId: string, loanIds: readonly string[]): Promise<Map<string, InstallmentRow[]>> {
  if (loanIds.length === 0) return new Map();
  return byLoan(loanIds, await installmentRows(db, organisationId).select("loan_id").where("loan_id", "in", loanIds).orderBy("loan_id").orderBy("n").execute());
}

/** `loanTransactions` of several loans in one query, by loan id. */
export async function transactionsOfLoans(db: Executor, organisationId: string, loanIds: readonly string[]): Promise<Map<string, TransactionRow[]>> {
  if (loanIds.length === 0) return new Map();
  return byLoan(loanIds, await transactionRows(db, organisationId).select("t.loan_id").where("t.loan_id", "in", loanIds).orderBy("t.on_date").orderBy("t.id").execute());
}

const toState = (rows: readonly InstallmentRow[]): InstallmentState[] =>
  rows.map((r) => ({
    n: r.n,
    due: r.due_on,
    owed: { fees: r.fees, interest: r.interest, principal: r.principal },
    paid: { fees: r.paid_fees, interest: r.paid_interest, principal: r.paid_principal },
  }));

const owedOf = (i: InstallmentState) => i.owed.fees + i.owed.interest + i.owed.principal - i.paid.fees - i.paid.interest - i.paid.principal;
const paidAny = (i: InstallmentState) => i.paid.fees + i.paid.interest + i.paid.principal > 0n;

/** Principal still owed on a loan (its installments' principal not yet repaid). */
export function outstandingPrincipal(rows: readonly InstallmentRow[]): Minor {
  return rows.reduce((s, r) => s + r.principal - r.paid_principal, 0n);
}

/**
 * What repays the loan in full on a date: everything due by then, the
 * installment running at the time, and the principal of the rest (their
 * interest has not yet accrued).
 */
export function payoffAmount(state: readonly InstallmentState[], onDate: string): Minor {
  let total = 0n;
  let runningTaken = false;
  for (const i of [...state].sort((a, b) => a.n - b.n)) {
    if (i.due <= onDate || (!runningTaken && owedOf(i) > 0n)) {
      total += owedOf(i);
      if (i.due > onDate) runningTaken = true;
    } else total += i.owed.principal - i.paid.principal;
  }
  return total;
}

async function writeInstallmentPaid(db: Executor, organisationId: string, loanId: string, state: readonly InstallmentState[], touched: Set<number>) {
  for (const i of state) {
    if (!touched.has(i.n)) continue;
    await db
      .updateTable("loan_installments")
      .set({ paid_principal: i.paid.principal, paid_interest: i.paid.interest, paid_fees: i.paid.fees })
      .where("organisation_id", "=", organisationId)
      .where("loan_id", "=", loanId)
      .where("n", "=", i.n)
      .execute();
  }
}

async function writeLines(db: Executor, organisationId: string, loanId: string, transactionId: bigint, allocation: Allocation) {
  const merged = new Map<string, { n: number; component: Component; amount: bigint }>();
  for (const l of allocation.lines) {
    const k = `${l.n}:${l.component}`;
    const m = merged.get(k);
    if (m) m.amount += l.amount;
    else merged.set(k, { ...l });
  }
  const rows = [...merged.values()].filter((l) => l.amount !== 0n).map((l) => ({ organisation_id: organisationId, transaction_id: transactionId, loan_id: loanId, ...l }));
  if (rows.length) await db.insertInto("loan_allocation_lines").values(rows).execute();
}

function sumComponent(allocation: Allocation, c: Component) {
  return allocation.lines.reduce((s, l) => (l.component === c ? s + l.amount : s), 0n);
}

export interface RepaymentInput {
  amount: Minor;
  onDate: string;
  method: "manual" | "bank" | "card" | "direct_debit";
  order?: readonly Component[];
  reschedule?: RescheduleMode;
  note?: string;
}

function refuseDate(loan: Loan, onDate: string, today: string) {
  const problem = postingDateProblem(onDate, loan.disbursed_on, today);
  if (problem) throw refused(problem, "onDate");
}

const NOT_OPEN: Record<Exclude<Loan["status"], "active">, string> = {
  closed: "repaid and closed",
  written_off: "written off",
  reversed: "reversed (its pay-out was recorded in error)",
};

/**
 * Record a repayment. Money goes to what is due by the payment date (oldest
 * installment first, in the chosen component order), then to the installment
 * running at the time (paying a few days early is not a prepayment); anything
 * more is a prepayment of principal, after which the rest of the schedule is
 * regenerated for a shorter term or lower installments. A closed or
 * written-off loan, a date before the pay-out, or more than the pay-off
 * amount is refused and nothing is written.
 */
export function recordRepayment(db: Executor, actorUserId: string | null, organisationId: string, loanId: string, input: RepaymentInput, today: string) {
  return inTransaction(db, async (trx) => repayLocked(trx, actorUserId, organisationId, await lockLoan(trx, organisationId, loanId), input, today));
}

async function repayLocked(db: Executor, actorUserId: string | null, organisationId: string, loan: Loan, input: RepaymentInput, today: string) {
  if (loan.status !== "active") throw refused(`Loan ${loan.reference} is ${NOT_OPEN[loan.status]}: a repayment cannot be recorded on it${loan.status === "written_off" ? " (record a recovery instead)" : ""}.`);
  if (input.amount <= 0n) throw refused("The amount must be more than zero.", "amount");
  refuseDate(loan, input.onDate, today);
  const rows = await loanInstallments(db, organisationId, loan.id);
  let state = toState(rows);
  const payoff = payoffAmount(state, input.onDate);
  if (input.amount > payoff) {
    const money = await organisationMoneyStyle(db, organisationId);
    throw refused(`The payment of ${displayMoney(input.amount, money)} is more than the ${displayMoney(payoff, money)} that repays the loan in full on ${input.onDate}.`, "amount");
  }
  const order = input.order;
  const first = allocateRepayment(state, input.amount, { order, asAt: input.onDate });
  state = first.state;
  const lines = [...first.allocation.lines];
  let excess = first.allocation.excess;
  // The installment running at the time takes money paid early.
  const running = state.filter((i) => i.due > input.onDate && owedOf(i) > 0n).sort((a, b) => a.n - b.n)[0];
  if (excess > 0n && running) {
    const more = allocateRepayment([running], excess, { order });
    state = applyAllocation(state, more.allocation);
    lines.push(...more.allocation.lines);
    excess = more.allocation.excess;
  }
  const allocation: Allocation = { amount: input.amount, lines, excess };
  let prepaid = 0n;
  let rescheduled: RescheduleMode | null = null;
  const untouched = state.filter((i) => i.due > input.onDate && !paidAny(i)).sort((a, b) => a.n - b.n);
  if (excess > 0n) {
    prepaid = excess;
    const rest = untouched.reduce((s, i) => s + i.owed.principal, 0n);
    await db.deleteFrom("loan_installments").where("organisation_id", "=", organisationId).where("loan_id", "=", loan.id).where("n", ">=", untouched[0].n).execute();
    if (prepaid < rest) {
      const terms = loan.terms as unknown as LoanTerms;
      const lastKept = state.filter((i) => i.n < untouched[0].n).sort((a, b) => b.n - a.n)[0];
      const mode = input.reschedule ?? "shorter-term";
      const next = untouched[0];
      const regular = terms.amortization === "equal-principal" ? next.owed.principal : next.owed.principal + next.owed.interest;
      const { principal: _p, fee: _f, graceOnPrincipal: _g1, graceOnInterest: _g2, ...keep } = terms;
      const s = reschedule(rest - prepaid, { ...keep, disbursed: lastKept?.due ?? loan.disbursed_on, firstDue: next.due, termPeriods: untouched.length, currentInstallment: formatMinor(regular) }, mode);
      await db
        .insertInto("loan_installments")
        .values(s.installments.map((i, k) => ({ organisation_id: organisationId, loan_id: loan.id, n: next.n + k, due_on: i.due, principal: i.principal, interest: i.interest })))
        .execute();
      rescheduled = mode;
    }
  }
  const touched = new Set(lines.map((l) => l.n));
  await writeInstallmentPaid(db, organisationId, loan.id, state, touched);
  const tx = await db
    .insertInto("loan_transactions")
    .values({
      organisation_id: organisationId,
      loan_id: loan.id,
      kind: "repayment",
      amount: input.amount,
      principal_part: sumComponent(allocation, "principal") + prepaid,
      interest_part: sumComponent(allocation, "interest"),
      fees_part: sumComponent(allocation, "fees"),
      prepaid,
      on_date: input.onDate,
      method: input.method,
      reschedule: rescheduled,
      note: input.note ?? "",
      recorded_by: actorUserId,
    })
    .returning(["id"])
    .executeTakeFirstOrThrow();
  await writeLines(db, organisationId, loan.id, tx.id, allocation);
  const closed = await closeIfRepaid(db, organisationId, loan.id, input.onDate);
  await recordAudit(db, {
    organisationId, actorUserId, action: "loan.repayment_recorded", entityType: "loan", entityId: loan.id,
    after: { transactionId: tx.id, amount: input.amount, onDate: input.onDate, method: input.method, prepaid, rescheduled, closed },
  });
  return { transactionId: tx.id, allocation, prepaid, rescheduled, closed };
}

async function closeIfRepaid(db: Executor, organisationId: string, loanId: string, onDate: string) {
  const left = await db
    .selectFrom("loan_installments")
    .select((eb) => eb.fn.sum<bigint>(sql`principal + interest + fees - paid_principal - paid_interest - paid_fees`).as("owed"))
    .where("organisation_id", "=", organisationId)
    .where("loan_id", "=", loanId)
    .executeTakeFirstOrThrow();
  if (BigInt(left.owed ?? 0) === 0n) {
    await db.updateTable("loans").set({ status: "closed", closed_on: onDate }).where("organisation_id", "=", organisationId).where("id", "=", loanId).execute();
    return true;
  }
  return false;
}

/**
 * Reverse a repayment recorded by mistake: a reversal row in the ledger and
 * the same allocation lines negated, so each installment gets back exactly
 * what that repayment paid. A repayment that prepaid principal (and so
 * regenerated the schedule), or one followed by such a prepayment, cannot be
 * undone line by line: it is refused with the reason.
 */
export function reverseRepayment(db: Executor, actorUserId: string | null, organisationId: string, loanId: string, transactionId: bigint, onDate: string, note: string, today: string) {
  return inTransaction(db, async (trx) => reverseLocked(trx, actorUserId, organisationId, await lockLoan(trx, organisationId, loanId), transactionId, onDate, note, today));
}

async function reverseLocked(db: Executor, actorUserId: string | null, organisationId: string, loan: Loan, transactionId: bigint, onDate: string, note: string, today: string) {
  const tx = await db
    .selectFrom("loan_transactions")
    .select(["id", "kind", "amount", "principal_part", "interest_part", "fees_part", "prepaid", "on_date"])
    .where("organisation_id", "=", organisationId)
    .where("loan_id", "=", loan.id)
    .where("id", "=", transactionId)
    .executeTakeFirst();
  if (!tx || tx.kind !== "repayment") throw refused("Choose a repayment of this loan to reverse.", "transactionId");
  const done = await db.selectFrom("loan_transactions").select("id").where("organisation_id", "=", organisationId).where("reverses_id", "=", tx.id).executeTakeFirst();
  if (done) throw refused("That repayment has already been reversed.", "transactionId");
  if (loan.status === "written_off") throw refused("The loan has been written off: its repayments can no longer be reversed.");
  if (loan.status === "reversed") throw refused("The loan's pay-out has been reversed: its repayments can no longer be reversed.");
  if (onDate < tx.on_date) throw refused(`A reversal cannot be dated before the repayment it reverses (${tx.on_date}).`, "onDate");
  if (onDate > today) throw refused(`The date ${onDate} is in the future.`, "onDate");
  const laterPrepayment = await db
    .selectFrom("loan_transactions")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("loan_id", "=", loan.id)
    .where("kind", "=", "repayment")
    .where("id", ">=", tx.id)
    .where("prepaid", ">", 0n)
    .executeTakeFirst();
  if (laterPrepayment) throw refused("The schedule was regenerated by a prepayment since this repayment, so it cannot be undone line by line; record a correcting fee or refund instead.");
  const lines = await db
    .selectFrom("loan_allocation_lines")
    .select(["n", "component", "amount"])
    .where("organisation_id", "=", organisationId)
    .where("transaction_id", "=", tx.id)
    .execute();
  const reversal: Allocation = { amount: -tx.amount, lines: lines.map((l) => ({ n: l.n, component: l.component, amount: -l.amount })), excess: 0n };
  const state = applyAllocation(toState(await loanInstallments(db, organisationId, loan.id)), reversal);
  await writeInstallmentPaid(db, organisationId, loan.id, state, new Set(lines.map((l) => l.n)));
  const rev = await db
    .insertInto("loan_transactions")
    .values({
      organisation_id: organisationId, loan_id: loan.id, kind: "reversal", amount: tx.amount,
      principal_part: -tx.principal_part, interest_part: -tx.interest_part, fees_part: -tx.fees_part,
      on_date: onDate, reverses_id: tx.id, note, recorded_by: actorUserId,
    })
    .returning(["id"])
    .executeTakeFirstOrThrow();
  await writeLines(db, organisationId, loan.id, rev.id, reversal);
  if (loan.status === "closed") await db.updateTable("loans").set({ status: "active", closed_on: null }).where("organisation_id", "=", organisationId).where("id", "=", loan.id).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "loan.repayment_reversed", entityType: "loan", entityId: loan.id, before: { transactionId: tx.id, amount: tx.amount }, after: { reversalId: rev.id, onDate, note } });
  return { reversalId: rev.id };
}

/**
 * The principal a write-off on `onDate` would take, or the refusal: the loan
 * must be active, the date in range, principal left. `loan` is the row as
 * read under lockLoan in the same transaction.
 */
export async function writeOffPrincipal(db: Executor, organisationId: string, loan: Loan, onDate: string, today: string) {
  if (loan.status !== "active") throw refused(`Loan ${loan.reference} is ${loan.status === "written_off" ? "already written off" : NOT_OPEN[loan.status]}.`);
  refuseDate(loan, onDate, today);
  const principal = outstandingPrincipal(await loanInstallments(db, organisationId, loan.id));
  if (principal <= 0n) throw refused("No principal is left to write off.");
  return principal;
}

/** Write off what is left of a loan's principal: a board decision (loans:govern), approved by a second member (write-offs.server.ts). */
export function writeOffLoan(db: Executor, actorUserId: string | null, organisationId: string, loanId: string, onDate: string, note: string, today: string) {
  return inTransaction(db, async (trx) => writeOffLocked(trx, actorUserId, organisationId, await lockLoan(trx, organisationId, loanId), onDate, note, today));
}

/** The write-off itself, on a loan already locked (lockLoan) in this transaction: write-offs.server.ts calls it on approval. */
export async function writeOffLocked(db: Executor, actorUserId: string | null, organisationId: string, loan: Loan, onDate: string, note: string, today: string) {
  const principal = await writeOffPrincipal(db, organisationId, loan, onDate, today);
  await db.insertInto("loan_transactions").values({ organisation_id: organisationId, loan_id: loan.id, kind: "write_off", amount: principal, principal_part: principal, on_date: onDate, note, recorded_by: actorUserId }).execute();
  await db.updateTable("loans").set({ status: "written_off", written_off_on: onDate }).where("organisation_id", "=", organisationId).where("id", "=", loan.id).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "loan.written_off", entityType: "loan", entityId: loan.id, after: { principal, onDate, note } });
  return { principal };
}

/**
 * Reverse a pay-out recorded in error (a wrong date, the wrong loan): a
 * reversing entry in the ledger for the disbursement and for any fee taken
 * from it (the disbursement itself stays: the ledger is append-only), the
 * loan marked reversed and out of the portfolio, and its application back
 * at "offer accepted" so the officer can pay it out again on the right date
 * or withdraw it. Allowed only while nothing stands paid on the loan (every
 * repayment recorded has been reversed) and no write-off waits for the
 * board; the reason is required and audited.
 */
export function reversePayout(db: Executor, actorUserId: string | null, organisationId: string, loanId: string, input: { onDate: string; note: string }, today: string) {
  return inTransaction(db, async (trx) => {
    const loan = await lockLoan(trx, organisationId, loanId);
    if (loan.status !== "active") throw refused(`Loan ${loan.reference} is ${NOT_OPEN[loan.status]}: its pay-out cannot be reversed.`);
    if (!input.note.trim()) throw refused("Say why the pay-out is reversed.", "note");
    refuseDate(loan, input.onDate, today);
    const paid = (await loanInstallments(trx, organisationId, loan.id)).reduce((s, i) => s + i.paid_principal + i.paid_interest + i.paid_fees, 0n);
    if (paid > 0n) throw refused(`${displayMoney(paid, await organisationMoneyStyle(trx, organisationId))} has been repaid on loan ${loan.reference}: reverse those repayments first, then the pay-out.`);
    const waiting = await trx.selectFrom("loan_write_off_proposals").select("id").where("organisation_id", "=", organisationId).where("loan_id", "=", loan.id).where("decision", "is", null).executeTakeFirst();
    if (waiting) throw refused("A write-off of this loan is waiting for the board: it must be withdrawn or rejected before the pay-out is reversed.");
    const originals = await trx
      .selectFrom("loan_transactions as t")
      .select(["t.id", "t.kind", "t.amount", "t.principal_part", "t.interest_part", "t.fees_part"])
      .where("t.organisation_id", "=", organisationId)
      .where("t.loan_id", "=", loan.id)
      .where("t.kind", "in", ["disbursement", "fee"])
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom("loan_transactions as r").select("r.id").whereRef("r.organisation_id", "=", "t.organisation_id").whereRef("r.reverses_id", "=", "t.id"))))
      .orderBy("t.id")
      .execute();
    const reversals = [];
    for (const t of originals) {
      const r = await trx
        .insertInto("loan_transactions")
        .values({
          organisation_id: organisationId, loan_id: loan.id, kind: "reversal", amount: t.amount,
          principal_part: -t.principal_part, interest_part: -t.interest_part, fees_part: -t.fees_part,
          on_date: input.onDate, reverses_id: t.id, note: `Pay-out reversed: ${input.note.trim()}`, recorded_by: actorUserId,
        })
        .returning(["id"])
        .executeTakeFirstOrThrow();
      reversals.push({ reverses: t.id, kind: t.kind, id: r.id });
    }
    await trx.updateTable("loans").set({ status: "reversed", reversed_on: input.onDate }).where("organisation_id", "=", organisationId).where("id", "=", loan.id).execute();
    await recordAudit(trx, {
      organisationId, actorUserId, action: "loan.payout_reversed", entityType: "loan", entityId: loan.id,
      before: { status: loan.status, disbursedOn: loan.disbursed_on, principal: loan.principal }, after: { status: "reversed", onDate: input.onDate, reason: input.note.trim(), reversals },
    });
    if (loan.application_id) {
      await trx.updateTable("loan_applications").set({ status: "accepted", updated_at: new Date() }).where("organisation_id", "=", organisationId).where("id", "=", loan.application_id).where("status", "=", "disbursed").execute();
      await recordAudit(trx, { organisationId, actorUserId, action: "loan_application.payout_reversed", entityType: "loan_application", entityId: loan.application_id, before: { status: "disbursed", loanId: loan.id }, after: { status: "accepted", reason: input.note.trim() } });
    }
    return { reversals, applicationId: loan.application_id };
  });
}

/** Money recovered after a write-off: never more than was written off less earlier recoveries. */
export function recordRecovery(db: Executor, actorUserId: string | null, organisationId: string, loanId: string, amount: Minor, onDate: string, note: string, today: string) {
  return inTransaction(db, async (trx) => recoverLocked(trx, actorUserId, organisationId, await lockLoan(trx, organisationId, loanId), amount, onDate, note, today));
}

async function recoverLocked(db: Executor, actorUserId: string | null, organisationId: string, loan: Loan, amount: Minor, onDate: string, note: string, today: string) {
  if (loan.status !== "written_off") throw refused("A recovery is recorded only on a written-off loan; record a repayment instead.");
  if (amount <= 0n) throw refused("The amount must be more than zero.", "amount");
  const problem = postingDateProblem(onDate, loan.written_off_on ?? loan.disbursed_on, today, "the write-off");
  if (problem) throw refused(problem, "onDate");
  const sums = await db
    .selectFrom("loan_transactions")
    .select([
      (eb) => eb.fn.sum<bigint>(sql`CASE WHEN kind = 'write_off' THEN amount ELSE 0 END`).as("written"),
      (eb) => eb.fn.sum<bigint>(sql`CASE WHEN kind = 'recovery' THEN amount ELSE 0 END`).as("recovered"),
    ])
    .where("organisation_id", "=", organisationId)
    .where("loan_id", "=", loan.id)
    .executeTakeFirstOrThrow();
  const left = BigInt(sums.written ?? 0) - BigInt(sums.recovered ?? 0);
  if (amount > left) throw refused(`Only ${displayMoney(left, await organisationMoneyStyle(db, organisationId))} written off is still to recover.`, "amount");
  await db.insertInto("loan_transactions").values({ organisation_id: organisationId, loan_id: loan.id, kind: "recovery", amount, principal_part: amount, on_date: onDate, note, recorded_by: actorUserId }).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "loan.recovery_recorded", entityType: "loan", entityId: loan.id, after: { amount, onDate, note } });
  return { left: left - amount };
}

/**
 * A loan's installments with what had been paid on each as at a date,
 * rebuilt from the allocation lines of transactions dated on or before it,
 * so arrears can be told as at any past date.
 */
export async function installmentsAsAt(db: Executor, organisationId: string, loanId: string, asAt: string) {
  const rows = await loanInstallments(db, organisationId, loanId);
  const paid = await paidAsAtRows(db, organisationId, asAt).where("a.loan_id", "=", loanId).groupBy("a.n").execute();
  return withPaidAsAt(rows, new Map(paid.map((p) => [p.n, BigInt(p.paid)])));
}

/** What the allocation lines of transactions dated on or before `asAt` paid, by installment number. */
function paidAsAtRows(db: Executor, organisationId: string, asAt: string) {
  return db
    .selectFrom("loan_allocation_lines as a")
    .innerJoin("loan_transactions as t", (j) => j.onRef("t.organisation_id", "=", "a.organisation_id").onRef("t.id", "=", "a.transaction_id"))
    .select(["a.n", (eb) => eb.fn.sum<bigint>("a.amount").as("paid")])
    .where("a.organisation_id", "=", organisationId)
    .where("t.on_date", "<=", asAt);
}

function withPaidAsAt(rows: readonly InstallmentRow[], paidByN: ReadonlyMap<number, bigint>) {
  return rows.map((r) => ({ due: r.due_on, amountDue: r.principal + r.interest + r.fees, amountPaid: paidByN.get(r.n) ?? 0n, n: r.n }));
}

/** A loan's arrears as at a date, from its installments with what had been paid on each by then (installmentsAsAt). */
export function arrearsOf(loan: Pick<Loan, "status" | "closed_on" | "written_off_on" | "reversed_on">, inst: ReturnType<typeof withPaidAsAt>, asAt: string) {
  const dpd = loan.status === "active" || asAt < (loan.closed_on ?? loan.written_off_on ?? loan.reversed_on ?? "9999") ? daysPastDue(inst, asAt) : 0;
  const overdue = inst.filter((i) => i.due < asAt).reduce((s, i) => s + (i.amountDue - i.amountPaid > 0n ? i.amountDue - i.amountPaid : 0n), 0n);
  return { asAt, dpd, bucket: bucketOf(dpd), overdue };
}

export async function loanArrears(db: Executor, organisationId: string, loan: Loan, asAt: string) {
  return arrearsOf(loan, await installmentsAsAt(db, organisationId, loan.id, asAt), asAt);
}

/**
 * `loanArrears` of several loans, given their installments (installmentsOfLoans):
 * what was paid as at the date is read for all of them in one query.
 */
export async function arrearsOfLoans(db: Executor, organisationId: string, loans: readonly Loan[], installments: ReadonlyMap<string, InstallmentRow[]>, asAt: string) {
  const ids = loans.map((l) => l.id);
  const paid = ids.length ? await paidAsAtRows(db, organisationId, asAt).select("a.loan_id").where("a.loan_id", "in", ids).groupBy(["a.loan_id", "a.n"]).execute() : [];
  const paidByLoan = new Map<string, Map<number, bigint>>(ids.map((id) => [id, new Map()]));
  for (const p of paid) paidByLoan.get(p.loan_id)?.set(p.n, BigInt(p.paid));
  return new Map(loans.map((l) => [l.id, arrearsOf(l, withPaidAsAt(installments.get(l.id) ?? [], paidByLoan.get(l.id)!), asAt)]));
}

/** Days past due at which a reminder goes out: once each, not every day. */
export const REMINDER_DAYS = [1, 7, 30, 60] as const;

/**
 * The daily ageing job: records the day's arrears snapshot (PAR and buckets)
 * and emails the borrowers whose loans reach a reminder day. Running it
 * twice on one day replaces that day's snapshot and sends nothing twice
 * (a reminder is tied to the day the loan reaches the threshold).
 */
export async function ageLoans(db: Executor, organisationId: string, asAt: string) {
  const result = await portfolioArrears(db, organisationId, asAt, { dpdOf: REMINDER_DAYS });
  const buckets = Object.fromEntries(Object.entries(result.buckets).map(([k, v]) => [k, { loans: v.loans, principal: formatMinor(v.principal) }]));
  const values = {
    loans: result.loans,
    total_outstanding: result.totalOutstanding,
    par30: result.par30.atRisk,
    par60: result.par60.atRisk,
    par90: result.par90.atRisk,
    buckets: JSON.stringify(buckets),
  };
  const existing = await db.selectFrom("loan_arrears_snapshots").select("as_at").where("organisation_id", "=", organisationId).where("as_at", "=", asAt).executeTakeFirst();
  if (existing) {
    await db.updateTable("loan_arrears_snapshots").set({ ...values }).where("organisation_id", "=", organisationId).where("as_at", "=", asAt).execute();
  } else {
    await db.insertInto("loan_arrears_snapshots").values({ organisation_id: organisationId, as_at: asAt, ...values }).execute();
  }
  const remind = [...result.dpdByLoan.keys()];
  let reminders = 0;
  if (remind.length && !existing) {
    const loans = await db
      .selectFrom("loans as l")
      .innerJoin("borrowers as b", (j) => j.onRef("b.organisation_id", "=", "l.organisation_id").onRef("b.id", "=", "l.borrower_id"))
      .select(["l.id", "l.reference", "b.legal_name", "b.contact_email", "b.contact_name"])
      .where("l.organisation_id", "=", organisationId)
      .where("l.id", "in", remind)
      .execute();
    // The day's reminders in one insert (rows as queueEmail writes them): one insert each, a thousand round trips, was
    // most of what the job spent beyond the aggregate on the bench book.
    const mails = [];
    for (const l of loans) {
      if (!l.contact_email) continue;
      const dpd = result.dpdByLoan.get(l.id)!;
      mails.push({
        organisation_id: organisationId,
        to_email: l.contact_email,
        subject: `Loan ${l.reference}: a repayment is ${dpd} day${dpd === 1 ? "" : "s"} late`,
        body: `Dear ${l.contact_name || l.legal_name},\n\nOur records show a repayment on loan ${l.reference} for ${l.legal_name} is ${dpd} day${dpd === 1 ? "" : "s"} past its due date. If you have paid, thank you and please ignore this. If things are difficult, please talk to your loan officer soon: we would rather agree a plan than add to your worries.`,
        attachments: "[]",
      });
    }
    for (let k = 0; k < mails.length; k += 1000) await db.insertInto("email_outbox").values(mails.slice(k, k + 1000)).execute();
    reminders = mails.length;
  }
  return { asAt, loans: values.loans, par30: result.par30, par60: result.par60, par90: result.par90, reminders };
}

export async function arrearsSnapshots(db: Executor, organisationId: string, from: string) {
  return db
    .selectFrom("loan_arrears_snapshots")
    .select(["as_at", "loans", "total_outstanding", "par30", "par60", "par90"])
    .where("organisation_id", "=", organisationId)
    .where("as_at", ">=", from)
    .orderBy("as_at")
    .execute();
}

/** Installments still to pay that fall due between two dates (the officer's "due this week"). */
export async function installmentsDue(db: Executor, organisationId: string, from: string, to: string, filter: { officerUserId?: string; limit?: number; offset?: number } = {}) {
  let q = db
    .selectFrom("loan_installments as i")
    .innerJoin("loans as l", (j) => j.onRef("l.organisation_id", "=", "i.organisation_id").onRef("l.id", "=", "i.loan_id"))
    .innerJoin("borrowers as b", (j) => j.onRef("b.organisation_id", "=", "l.organisation_id").onRef("b.id", "=", "l.borrower_id"))
    .select(["l.id as loan_id", "l.reference", "b.legal_name", "i.n", "i.due_on", sql<bigint>`i.principal + i.interest + i.fees - i.paid_principal - i.paid_interest - i.paid_fees`.as("owed")])
    .where("i.organisation_id", "=", organisationId)
    .where("l.status", "=", "active")
    .where("i.due_on", ">=", from)
    .where("i.due_on", "<=", to)
    .where(sql<boolean>`i.paid_principal + i.paid_interest + i.paid_fees < i.principal + i.interest + i.fees`);
  if (filter.officerUserId) q = q.where("l.officer_user_id", "=", filter.officerUserId);
  q = q.orderBy("i.due_on").orderBy("l.reference").orderBy("i.n");
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  if (filter.offset) q = q.offset(filter.offset);
  return q.execute();
}
