import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* The lending page lists the loans in arrears, most days late first, a page
 * at a time. A loan's days late count from its oldest installment not fully
 * paid; this partial index holds only those installments, by due date, so
 * the first page reads the oldest unpaid installments in order and stops,
 * instead of grouping all 1.2 million installments of a 100,000-loan book
 * (issue #19). Its predicate is the one the queries write
 * (app/models/lending/portfolio.server.ts, UNPAID). */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE INDEX loan_installments_unpaid_due_idx ON loan_installments (organisation_id, due_on, loan_id, n)
  WHERE paid_principal + paid_interest + paid_fees < principal + interest + fees
`);
}
