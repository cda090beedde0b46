import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Direct Debit through GoCardless (issue #18, point 3; docs/treasury.md,
 * ADR 0019).
 *
 * dd_mandates: a payer's authority for the society to collect: a borrower's
 * for a loan's installments, or a member's for a monthly share instalment
 * (so many shares of a class each month, on a day of the month). Set up
 * through a GoCardless billing request (the payer authorises on GoCardless's
 * page) or recorded by staff from a mandate made in GoCardless's dashboard.
 * One live mandate per loan, and per member and share class.
 *
 * dd_collections: one payment asked for under a mandate, for one loan
 * installment or one month's share instalment. Never deleted, and what it
 * collects (mandate, installment or month, amount) never changes; only where
 * it stands moves on. The money itself is on the ledgers (a repayment or a
 * share purchase when GoCardless confirms it, a reversal when it fails or is
 * charged back after that), which stay append-only. At most one live
 * collection per installment and per month, so scheduling twice asks once.
 *
 * dd_webhook_events: each GoCardless event stored under its id and processed
 * exactly once, in the transaction that stores it.
 *
 * The ledgers learn the method 'direct_debit' (the journal already posts it
 * to Direct Debit clearing).
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE loan_transactions DROP CONSTRAINT loan_transactions_method_check
;
ALTER TABLE loan_transactions ADD CONSTRAINT loan_transactions_method_check CHECK (method IN ('manual','bank','card','direct_debit'))
;
ALTER TABLE share_transactions DROP CONSTRAINT share_transactions_method_check
;
ALTER TABLE share_transactions ADD CONSTRAINT share_transactions_method_check
  CHECK (method IN ('','cash','cheque','bank_transfer','card','import','interest','transfer','withdrawal','admission','direct_debit'))
;
CREATE TABLE dd_mandates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  purpose text NOT NULL CHECK (purpose IN ('loan','shares')),
  loan_id uuid,
  member_id uuid,
  class_id uuid,
  shares_per_month integer CHECK (shares_per_month > 0),
  collection_day integer CHECK (collection_day BETWEEN 1 AND 28),
  status text NOT NULL DEFAULT 'setting_up'
    CHECK (status IN ('setting_up','pending_submission','submitted','active','cancelled','failed','expired')),
  provider_billing_request_id text UNIQUE,
  provider_mandate_id text UNIQUE,
  authorisation_url text,
  idempotency_key text NOT NULL UNIQUE,
  failure text NOT NULL DEFAULT '',
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  UNIQUE (organisation_id, id),
  CHECK ((purpose = 'loan') = (loan_id IS NOT NULL)),
  CHECK (purpose <> 'shares' OR (member_id IS NOT NULL AND class_id IS NOT NULL AND shares_per_month IS NOT NULL AND collection_day IS NOT NULL)),
  FOREIGN KEY (organisation_id, loan_id) REFERENCES loans(organisation_id, id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, class_id) REFERENCES share_classes(organisation_id, id)
)
;
CREATE UNIQUE INDEX dd_mandates_live_loan_idx ON dd_mandates (organisation_id, loan_id)
  WHERE purpose = 'loan' AND status NOT IN ('cancelled','failed','expired')
;
CREATE UNIQUE INDEX dd_mandates_live_shares_idx ON dd_mandates (organisation_id, member_id, class_id)
  WHERE purpose = 'shares' AND status NOT IN ('cancelled','failed','expired')
;
CREATE TABLE dd_collections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  mandate_id uuid NOT NULL,
  loan_id uuid,
  installment_n integer,
  member_id uuid,
  class_id uuid,
  shares integer CHECK (shares > 0),
  period text CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  charge_date date NOT NULL,
  status text NOT NULL DEFAULT 'scheduled'
    CHECK (status IN ('scheduled','pending_submission','submitted','confirmed','paid_out','failed','charged_back','cancelled')),
  provider_payment_id text UNIQUE,
  loan_transaction_id bigint,
  share_transaction_id bigint,
  reversal_transaction_id bigint,
  failure text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK ((loan_id IS NOT NULL AND installment_n IS NOT NULL) <> (member_id IS NOT NULL AND class_id IS NOT NULL AND shares IS NOT NULL AND period IS NOT NULL)),
  FOREIGN KEY (organisation_id, mandate_id) REFERENCES dd_mandates(organisation_id, id),
  FOREIGN KEY (organisation_id, loan_id) REFERENCES loans(organisation_id, id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, loan_transaction_id) REFERENCES loan_transactions(organisation_id, id),
  FOREIGN KEY (organisation_id, reversal_transaction_id) REFERENCES loan_transactions(organisation_id, id),
  FOREIGN KEY (organisation_id, share_transaction_id) REFERENCES share_transactions(organisation_id, id)
)
;
CREATE UNIQUE INDEX dd_collections_live_installment_idx ON dd_collections (organisation_id, loan_id, installment_n)
  WHERE loan_id IS NOT NULL AND status IN ('scheduled','pending_submission','submitted','confirmed','paid_out')
;
CREATE UNIQUE INDEX dd_collections_live_month_idx ON dd_collections (organisation_id, mandate_id, period)
  WHERE period IS NOT NULL AND status IN ('scheduled','pending_submission','submitted','confirmed','paid_out')
;
CREATE INDEX dd_collections_mandate_idx ON dd_collections (organisation_id, mandate_id, charge_date)
;
CREATE FUNCTION dd_collections_keep_what_it_collects() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'dd_collections rows are never deleted';
  END IF;
  IF NEW.organisation_id <> OLD.organisation_id OR NEW.mandate_id <> OLD.mandate_id OR NEW.amount <> OLD.amount
     OR NEW.loan_id IS DISTINCT FROM OLD.loan_id OR NEW.installment_n IS DISTINCT FROM OLD.installment_n
     OR NEW.period IS DISTINCT FROM OLD.period OR NEW.shares IS DISTINCT FROM OLD.shares
     OR (OLD.provider_payment_id IS NOT NULL AND NEW.provider_payment_id IS DISTINCT FROM OLD.provider_payment_id)
     OR (OLD.loan_transaction_id IS NOT NULL AND NEW.loan_transaction_id IS DISTINCT FROM OLD.loan_transaction_id)
     OR (OLD.share_transaction_id IS NOT NULL AND NEW.share_transaction_id IS DISTINCT FROM OLD.share_transaction_id)
     OR (OLD.reversal_transaction_id IS NOT NULL AND NEW.reversal_transaction_id IS DISTINCT FROM OLD.reversal_transaction_id) THEN
    RAISE EXCEPTION 'what a Direct Debit collection collects, and what it recorded, never changes';
  END IF;
  RETURN NEW;
END
$fn$
;
CREATE TRIGGER dd_collections_guard BEFORE UPDATE OR DELETE ON dd_collections
  FOR EACH ROW EXECUTE FUNCTION dd_collections_keep_what_it_collects()
;
CREATE TABLE dd_webhook_events (
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  provider_event_id text NOT NULL,
  resource_type text NOT NULL,
  action text NOT NULL,
  payload text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  outcome text NOT NULL DEFAULT '',
  PRIMARY KEY (organisation_id, provider_event_id)
)
`);
}
