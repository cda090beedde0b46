import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Indexes for the headline figures read from their projections (ADR 0020),
 * on a book of 1,000,000 members, 1.33 million share transactions and
 * 100,000 loans (npm run bench -- pages):
 *
 * - whether anything is dated after the date asked for: a range of the
 *   loan ledger and of the status history by date (the loan ledger's index
 *   leads with the loan, so the question read every transaction);
 * - the share capital: an index-only sum of the holdings' values (it also
 *   serves the per-class totals of the shares page, so it takes the place of
 *   the class index);
 * - the portfolio: the unpaid installments by loan, with what the figures
 *   read (due date, principal and principal paid), so the book as it stands
 *   is an index-only read of the unpaid installments;
 * - the members: an index-only count of the register's dates (it also
 *   answers "anyone admitted after the date?" and finds the applicants), the
 *   ceased members by date, and the members ever suspended;
 * - the navigation's count of share transfers waiting for the board
 *   (decisionsFor, on every page for the owner and the board): transfers are
 *   kept for ever, the pending ones are few, so a partial index of them.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE INDEX loan_transactions_date_idx ON loan_transactions (organisation_id, on_date)
;
CREATE INDEX member_status_history_date_idx ON member_status_history (organisation_id, effective_on)
;
CREATE INDEX member_status_history_suspended_idx ON member_status_history (organisation_id, member_id) WHERE status = 'suspended'
;
CREATE INDEX members_register_dates_idx ON members (organisation_id, admitted_on, ceased_on)
;
CREATE INDEX members_ceased_idx ON members (organisation_id, ceased_on) WHERE ceased_on IS NOT NULL
;
CREATE INDEX share_holdings_class_totals_idx ON share_holdings (organisation_id, class_id) INCLUDE (shares, value)
;
DROP INDEX share_holdings_class_idx
;
CREATE INDEX loan_installments_unpaid_loan_idx ON loan_installments (organisation_id, loan_id) INCLUDE (due_on, principal, paid_principal)
  WHERE paid_principal + paid_interest + paid_fees < principal + interest + fees
;
CREATE INDEX share_transfers_pending_idx ON share_transfers (organisation_id) WHERE status = 'pending'
`);
}
