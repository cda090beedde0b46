import type { Executor } from "~/utils/db.server";
import { displayMoney, type MoneyStyle } from "~/domain/money";
import { memberCertificates, memberHoldings, memberTransactions } from "~/models/shares/share-classes-and-holdings.server";
import { listWithdrawalRequests, withdrawalQueue } from "~/models/shares/withdrawals.server";

/** One member's share position, ready for a page (money as display strings): used by /my and the secretary's view. */
export async function memberSharesView(db: Executor, organisationId: string, memberId: string, currency: string | MoneyStyle, today: string) {
  const [holdings, transactions, certificates, requests, queue] = await Promise.all([
    memberHoldings(db, organisationId, memberId),
    memberTransactions(db, organisationId, memberId),
    memberCertificates(db, organisationId, memberId),
    listWithdrawalRequests(db, organisationId, { memberId }),
    withdrawalQueue(db, organisationId, today, memberId, typeof currency === "string" ? undefined : currency.locale),
  ]);
  const waiting = new Map([...queue.waiting, ...queue.payable].map((w) => [w.id, w.waiting ?? "Due: will be paid in order of notice"]));
  return {
    holdings: holdings.filter((h) => BigInt(h.shares) > 0n || BigInt(h.value) > 0n).map((h) => ({ classId: h.class_id, className: h.class_name, shares: String(h.shares), value: displayMoney(BigInt(h.value), currency), par: displayMoney(BigInt(h.par_value), currency), withdrawable: h.withdrawable, noticeDays: h.notice_days })),
    transactions: transactions.map((t) => ({ id: String(t.id), kind: t.kind, className: t.class_name, shares: t.shares, amount: displayMoney(BigInt(t.amount), currency), on: t.effective_on, method: t.method, reference: t.reference })),
    certificates: certificates.map((c) => ({ id: c.id, number: c.number, className: c.class_name, shares: String(c.shares), issuedOn: c.issued_on, cancelledOn: c.cancelled_on, replacedBy: c.replaced_by })),
    withdrawals: requests.map((w) => ({ id: w.id, className: w.class_name, shares: w.shares, amount: displayMoney(BigInt(w.amount), currency), leaving: w.leaving, requestedOn: w.requested_on, dueOn: w.due_on, status: w.status, paidOn: w.paid_on, waiting: w.status === "pending" ? waiting.get(w.id) ?? null : null })),
    total: displayMoney(holdings.reduce((t, h) => t + BigInt(h.value), 0n), currency),
  };
}
export type MemberSharesView = Awaited<ReturnType<typeof memberSharesView>>;
