import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Card repayments of loans through Stripe Checkout: a pending row when the
 * borrower is sent to Stripe; the repayment is recorded only by the signed
 * webhook (see app/models/payments/loan-checkout.server.ts). */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE loan_card_payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  loan_id uuid NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','paid','failed')),
  idempotency_key text NOT NULL UNIQUE,
  stripe_session_id text,
  checkout_url text,
  loan_transaction_id bigint,
  failure text NOT NULL DEFAULT '',
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  FOREIGN KEY (organisation_id, loan_id) REFERENCES loans(organisation_id, id)
)
;
CREATE INDEX loan_card_payments_loan_idx ON loan_card_payments (organisation_id, loan_id)
`);
}
