import { formatIban, formatSortCode, loanPaymentReference, memberPaymentReference, type PayingDetails } from "~/domain/treasury/payments-in";
import type { Executor } from "~/utils/db.server";
import { paymentsInAccount } from "./statements.server";

/*
 * What members and borrowers are told about paying by bank transfer (issue
 * #18 point 5): the details of the account marked for payments in, their own
 * reference, and what has been received. Until statement lines are matched,
 * "received" is what the ledgers record for them (share purchases; loan
 * repayments are on the loan pages already).
 */

/** The organisation's bank details for payments in, or null when no account is marked for them. */
export async function payingDetails(db: Executor, organisationId: string): Promise<PayingDetails | null> {
  const a = await paymentsInAccount(db, organisationId);
  if (!a) return null;
  return {
    accountName: a.account_holder || a.name,
    bank: a.bank_name,
    sortCode: a.sort_code ? formatSortCode(a.sort_code) : null,
    accountNumber: a.account_number,
    iban: a.iban ? formatIban(a.iban) : null,
    bic: a.bic,
  };
}

export { loanPaymentReference, memberPaymentReference };

/** Share purchases recorded for a member, newest first, each with whether it was later reversed. */
export async function memberReceipts(db: Executor, organisationId: string, memberId: string, limit = 50) {
  const rows = await db
    .selectFrom("share_transactions as t")
    .leftJoin("share_transactions as r", (j) => j.onRef("r.reverses_id", "=", "t.id"))
    .select(["t.id", "t.effective_on", "t.amount", "t.method", "t.reference", "r.id as reversed_by"])
    .where("t.organisation_id", "=", organisationId)
    .where("t.member_id", "=", memberId)
    .where("t.kind", "=", "purchase")
    .where("t.amount", ">", 0n)
    .orderBy("t.effective_on", "desc")
    .orderBy("t.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: String(r.id), on: r.effective_on, amount: BigInt(r.amount), method: r.method, reference: r.reference, reversed: r.reversed_by !== null }));
}
