import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * The treasury match page at scale (issue #16 point 7): a payment with no
 * quoted reference is matched to a loan whose next unpaid installment is
 * the amount paid. The page read every unpaid installment (600,000 at the
 * bench's 100,000 loans) to find those amounts; this index finds them by
 * amount.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE INDEX loan_installments_unpaid_amount_idx ON loan_installments (organisation_id, (principal + interest + fees), loan_id, n)
  WHERE paid_principal + paid_interest + paid_fees < principal + interest + fees
`);
}
