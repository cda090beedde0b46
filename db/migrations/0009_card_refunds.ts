import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Refunds of card payments the app could not apply (a share purchase the
 * rules no longer allow, a repayment the loan can no longer take): the
 * payment intent to refund, and where the refund stands. The refund itself
 * is a background job (app/models/payments/card-refunds.server.ts). */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE payments
  ADD COLUMN stripe_payment_intent text,
  ADD COLUMN refund_status text CHECK (refund_status IN ('needed', 'refunded')),
  ADD COLUMN stripe_refund_id text,
  ADD COLUMN refunded_at timestamptz
;
ALTER TABLE loan_card_payments
  ADD COLUMN stripe_payment_intent text,
  ADD COLUMN refund_status text CHECK (refund_status IN ('needed', 'refunded')),
  ADD COLUMN stripe_refund_id text,
  ADD COLUMN refunded_at timestamptz
`);
}
