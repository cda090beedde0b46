/**
 * Shapes lending data for pages and CSV files: money written as strings
 * (never Number), so loaders send nothing a browser could round.
 */
import { scheduleBalances, type Prepayment } from "~/domain/lending/balance";
import { displayLongDate, displayShortDate } from "~/domain/locale";
import { displayMoney, formatMinor, type MoneyStyle } from "~/domain/money";
import type { Executor } from "~/utils/db.server";
import { arrearsOfLoans, getLoan, installmentsOfLoans, loanArrears, loanInstallments, loansOfBorrowers, loanTransactions, portfolioLoans, transactionsOfLoans, type Loan } from "~/models/lending/loans.server";
import { borrowersOfMember } from "~/models/lending/borrowers.server";
import { openWriteOffProposal } from "~/models/lending/write-offs.server";
import { dayOf } from "~/utils/clock.server";

export type PortfolioLoan = Awaited<ReturnType<typeof portfolioLoans>>[number];

export function loanListRow(l: PortfolioLoan, money: string | MoneyStyle = "GBP") {
  return { id: l.id, reference: l.reference, borrower: l.legal_name, outstanding: displayMoney(l.outstanding, money), nextDue: l.nextDue, dpd: l.dpd, bucket: l.bucket, status: l.status };
}

type InstallmentRows = Awaited<ReturnType<typeof loanInstallments>>;
type TransactionRows = Awaited<ReturnType<typeof loanTransactions>>;

/** Principal repaid ahead of the schedule: prepayments not reversed. */
export function prepaymentsOf(tx: TransactionRows): Prepayment[] {
  return tx.filter((t) => t.kind === "repayment" && t.prepaid > 0n && !t.reversed_by).map((t) => ({ onDate: t.on_date, amount: t.prepaid }));
}

/** The installments with prepayment rows and the balance after each (domain/lending/balance.ts), for pages and CSV alike. */
export function loanScheduleBalances(loan: Pick<Loan, "principal">, inst: InstallmentRows, tx: TransactionRows) {
  return scheduleBalances(loan.principal, inst.map((r) => ({ ...r, due: r.due_on })), prepaymentsOf(tx));
}

export function scheduleRows(loan: Pick<Loan, "principal">, inst: InstallmentRows, tx: TransactionRows, asAt: string, money: string | MoneyStyle = "GBP") {
  return loanScheduleBalances(loan, inst, tx).rows.map((row) => {
    if (row.kind === "prepayment") {
      return {
        n: "Prepaid", key: `prepaid-${row.onDate}-${row.balanceAfter}`, due: row.onDate,
        principal: displayMoney(row.principal, money), interest: displayMoney(0n, money), total: displayMoney(row.principal, money), paid: displayMoney(row.principal, money),
        balance: displayMoney(row.balanceAfter, money), state: "paid" as const,
      };
    }
    const r = row.installment;
    const due = r.principal + r.interest + r.fees;
    const paid = r.paid_principal + r.paid_interest + r.paid_fees;
    const state = paid >= due ? "paid" : r.due_on < asAt ? "late" : paid > 0n ? "part-paid" : r.due_on === asAt ? "due" : "";
    return {
      n: r.n as number | string,
      key: `n-${r.n}`,
      due: r.due_on,
      principal: displayMoney(r.principal, money),
      interest: displayMoney(r.interest + r.fees, money),
      total: displayMoney(due, money),
      paid: displayMoney(paid, money),
      balance: displayMoney(row.balanceAfter, money),
      state: state as "paid" | "part-paid" | "late" | "due" | "",
    };
  });
}

const KIND_LABEL: Record<string, string> = {
  disbursement: "Paid out",
  repayment: "Repayment",
  fee: "Fee",
  write_off: "Written off",
  reversal: "Reversal",
  recovery: "Recovery",
};

/** Everything the loan page (and the borrower's own view) shows. */
export async function loanPageData(db: Executor, organisationId: string, loan: Loan, asAt: string, money: string | MoneyStyle = "GBP") {
  const [inst, tx, arrears] = await Promise.all([
    loanInstallments(db, organisationId, loan.id),
    loanTransactions(db, organisationId, loan.id),
    loanArrears(db, organisationId, loan, asAt),
  ]);
  return loanPageView(loan, inst, tx, arrears, asAt, money);
}

/**
 * The officer's loan page: loanPageData, with the write-off proposal waiting
 * for a second board member, and whether the pay-out may still be reversed
 * (while nothing stands paid on the loan; reversePayout checks it again under the lock).
 */
export async function loanServicingPageData(db: Executor, organisation: { id: string; timeZone: string } & MoneyStyle, loan: Loan, asAt: string) {
  const data = await loanPageData(db, organisation.id, loan, asAt, organisation);
  const proposal = await openWriteOffProposal(db, organisation.id, loan.id);
  const pendingWriteOff = proposal ? `${proposal.proposer_name} proposed on ${displayLongDate(dayOf(proposal.proposed_at, organisation), organisation.locale)} to write this loan off as at ${displayLongDate(proposal.on_date, organisation.locale)}; a second board member decides.` : null;
  return { ...data, pendingWriteOff, payoutReversible: loan.status === "active" && !proposal && !data.paidAny };
}

/**
 * A member's own loans page: each loan of the borrowers linked to their
 * register entry, by reference, with what the page shows of it. A fixed
 * number of queries however many loans the member has.
 */
export async function memberLoansPageData(db: Executor, organisationId: string, memberId: string, asAt: string, money: string | MoneyStyle = "GBP") {
  const borrowers = await borrowersOfMember(db, organisationId, memberId);
  const loans = await loansOfBorrowers(db, organisationId, borrowers.map((b) => b.id));
  const ids = loans.map((l) => l.id);
  const [inst, tx] = await Promise.all([installmentsOfLoans(db, organisationId, ids), transactionsOfLoans(db, organisationId, ids)]);
  const arrears = await arrearsOfLoans(db, organisationId, loans, inst, asAt);
  return loans.map((loan) => {
    const d = loanPageView(loan, inst.get(loan.id) ?? [], tx.get(loan.id) ?? [], arrears.get(loan.id)!, asAt, money);
    const payments = d.transactions.filter((t) => t.rawKind === "repayment" || t.rawKind === "reversal").map((t) => ({ id: t.id, onDate: t.onDate, kind: t.kind, amount: t.amount }));
    return { loan: d.loan, owed: d.owed, arrears: d.arrears, schedule: d.schedule, payments };
  });
}

function loanPageView(loan: Loan, inst: InstallmentRows, tx: TransactionRows, arrears: Awaited<ReturnType<typeof loanArrears>>, asAt: string, money: string | MoneyStyle) {
  // A loan whose pay-out was reversed as an error is owed nothing (its schedule stays, for the record).
  const live = loan.status !== "reversed";
  const principalOwed = live ? inst.reduce((s, r) => s + r.principal - r.paid_principal, 0n) : 0n;
  const paidAny = inst.some((r) => r.paid_principal + r.paid_interest + r.paid_fees > 0n);
  const kinds = new Map(tx.map((t) => [t.id, t.kind]));
  const totalOwed = live ? inst.reduce((s, r) => s + r.principal + r.interest + r.fees - r.paid_principal - r.paid_interest - r.paid_fees, 0n) : 0n;
  return {
    loan: {
      id: loan.id,
      reference: loan.reference,
      borrower: loan.legal_name,
      borrowerId: loan.borrower_id,
      product: loan.product_name,
      status: loan.status,
      principal: displayMoney(loan.principal, money),
      rate: loan.annual_rate.replace(/\.?0+$/, ""),
      apr: loan.apr,
      disbursedOn: loan.disbursed_on,
      closedOn: loan.closed_on,
      writtenOffOn: loan.written_off_on,
      reversedOn: loan.reversed_on,
      officer: loan.officer_name,
      applicationId: loan.application_id,
    },
    owed: { principal: displayMoney(principalOwed, money), total: displayMoney(totalOwed, money) },
    arrears: { asAt, dpd: arrears.dpd, bucket: arrears.bucket, overdue: displayMoney(arrears.overdue, money) },
    schedule: scheduleRows(loan, inst, tx, asAt, money),
    transactions: tx.map((t) => ({
      id: t.id.toString(),
      kind: KIND_LABEL[t.kind] ?? t.kind,
      rawKind: t.kind,
      onDate: t.on_date,
      amount: displayMoney(t.amount, money),
      principal: displayMoney(t.principal_part, money),
      interest: displayMoney(t.interest_part, money),
      fees: displayMoney(t.fees_part, money),
      prepaid: t.prepaid > 0n ? displayMoney(t.prepaid, money) : "",
      method: t.method === "direct_debit" ? "Direct Debit" : (t.method ?? ""),
      reschedule: t.reschedule ?? "",
      reverses: t.reverses_id?.toString() ?? "",
      reversesPayout: t.reverses_id !== null && kinds.get(t.reverses_id) === "disbursement",
      reversedBy: t.reversed_by ? t.reversed_by.toString() : "",
      note: t.note,
      by: t.recorded_by_name ?? "",
    })),
    paidAny,
    reversible: tx.filter((t) => t.kind === "repayment" && !t.reversed_by).map((t) => ({ id: t.id.toString(), label: `${displayShortDate(t.on_date, typeof money === "string" ? undefined : money.locale)} — ${displayMoney(t.amount, money)}` })),
  };
}

export async function scheduleCsvRows(db: Executor, organisationId: string, loanId: string) {
  const loan = await getLoan(db, organisationId, loanId);
  if (!loan) return null;
  const [inst, tx] = await Promise.all([loanInstallments(db, organisationId, loanId), loanTransactions(db, organisationId, loanId)]);
  const rows = loanScheduleBalances(loan, inst, tx).rows.map((row) => {
    if (row.kind === "prepayment") return ["prepaid", row.onDate, formatMinor(row.principal), formatMinor(0n), formatMinor(0n), formatMinor(row.principal), formatMinor(row.principal), formatMinor(row.balanceAfter)];
    const r = row.installment;
    return [r.n, r.due_on, formatMinor(r.principal), formatMinor(r.interest), formatMinor(r.fees), formatMinor(r.principal + r.interest + r.fees), formatMinor(r.paid_principal + r.paid_interest + r.paid_fees), formatMinor(row.balanceAfter)];
  });
  return { loan, rows };
}
