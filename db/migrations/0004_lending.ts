import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Lending: borrowers, products, applications with the credit committee's
 * votes, loans with their installments (a projection the servicing code
 * maintains) and the append-only loan_transactions ledger with the
 * allocation lines of every repayment (so a reversal can undo exactly what
 * the repayment did, and arrears can be aged as at any past date).
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE borrowers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  legal_name text NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 200),
  legal_form text NOT NULL CHECK (legal_form IN ('worker-co-op','co-operative','social-enterprise','sole-trader','partnership','company','charity','person')),
  sic_code text NOT NULL CHECK (sic_code ~ '^[0-9]{5}$'),
  address text NOT NULL DEFAULT '',
  postcode text NOT NULL DEFAULT '',
  is_local boolean NOT NULL DEFAULT false,
  employees integer NOT NULL DEFAULT 0 CHECK (employees >= 0),
  jobs_to_create integer NOT NULL DEFAULT 0 CHECK (jobs_to_create >= 0),
  jobs_to_safeguard integer NOT NULL DEFAULT 0 CHECK (jobs_to_safeguard >= 0),
  ownership text[] NOT NULL DEFAULT '{}',
  contact_name text NOT NULL DEFAULT '',
  contact_email text,
  contact_phone text,
  member_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id)
)
;
CREATE INDEX borrowers_name_idx ON borrowers (organisation_id, lower(legal_name))
;
CREATE INDEX borrowers_member_idx ON borrowers (organisation_id, member_id)
;
CREATE TABLE loan_products (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  amortization text NOT NULL CHECK (amortization IN ('equal-installments','equal-principal')),
  interest_method text NOT NULL CHECK (interest_method IN ('declining','flat')),
  annual_rate numeric(9,4) NOT NULL CHECK (annual_rate >= 0),
  min_rate numeric(9,4) NOT NULL CHECK (min_rate >= 0),
  max_rate numeric(9,4) NOT NULL CHECK (max_rate >= min_rate AND annual_rate BETWEEN min_rate AND max_rate),
  min_principal bigint NOT NULL CHECK (min_principal > 0),
  max_principal bigint NOT NULL CHECK (max_principal >= min_principal),
  min_term integer NOT NULL CHECK (min_term >= 1),
  max_term integer NOT NULL CHECK (max_term >= min_term AND max_term <= 600),
  frequency text NOT NULL CHECK (frequency IN ('weekly','fortnightly','monthly','quarterly')),
  days_in_year text NOT NULL CHECK (days_in_year IN ('360','365','actual')),
  days_in_month text NOT NULL CHECK (days_in_month IN ('30','actual')),
  installment_multiple bigint NOT NULL DEFAULT 1 CHECK (installment_multiple > 0),
  grace_on_principal integer NOT NULL DEFAULT 0 CHECK (grace_on_principal >= 0),
  grace_on_interest integer NOT NULL DEFAULT 0 CHECK (grace_on_interest >= 0),
  arrangement_fee bigint NOT NULL DEFAULT 0 CHECK (arrangement_fee >= 0),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, name)
)
;
CREATE TABLE loan_applications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  reference integer NOT NULL CHECK (reference > 0),
  borrower_id uuid NOT NULL,
  product_id uuid NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  term_periods integer NOT NULL CHECK (term_periods >= 1),
  annual_rate numeric(9,4) NOT NULL CHECK (annual_rate >= 0),
  purpose text NOT NULL DEFAULT '',
  status text NOT NULL CHECK (status IN ('draft','submitted','under_review','committee','approved','declined','offered','accepted','disbursed','withdrawn')),
  officer_user_id uuid REFERENCES users(id),
  officer_notes text NOT NULL DEFAULT '',
  monthly_income bigint CHECK (monthly_income >= 0),
  monthly_outgoings bigint CHECK (monthly_outgoings >= 0),
  decision_note text NOT NULL DEFAULT '',
  decided_at timestamptz,
  offer_apr text,
  offer_first_due date,
  offered_at timestamptz,
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, reference),
  FOREIGN KEY (organisation_id, borrower_id) REFERENCES borrowers(organisation_id, id),
  FOREIGN KEY (organisation_id, product_id) REFERENCES loan_products(organisation_id, id)
)
;
CREATE INDEX loan_applications_status_idx ON loan_applications (organisation_id, status)
;
CREATE TABLE credit_votes (
  organisation_id uuid NOT NULL,
  application_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id),
  vote text NOT NULL CHECK (vote IN ('approve','decline','recuse')),
  comment text NOT NULL CHECK (length(comment) BETWEEN 1 AND 2000),
  cast_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, application_id, user_id),
  FOREIGN KEY (organisation_id, application_id) REFERENCES loan_applications(organisation_id, id)
)
;
CREATE TRIGGER credit_votes_append_only BEFORE UPDATE OR DELETE ON credit_votes
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TABLE loans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  reference integer NOT NULL CHECK (reference > 0),
  application_id uuid,
  borrower_id uuid NOT NULL,
  product_id uuid NOT NULL,
  officer_user_id uuid REFERENCES users(id),
  principal bigint NOT NULL CHECK (principal > 0),
  annual_rate numeric(9,4) NOT NULL CHECK (annual_rate >= 0),
  terms jsonb NOT NULL,
  apr text NOT NULL,
  disbursed_on date NOT NULL,
  status text NOT NULL CHECK (status IN ('active','closed','written_off')),
  closed_on date,
  written_off_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, reference),
  UNIQUE (organisation_id, application_id),
  FOREIGN KEY (organisation_id, borrower_id) REFERENCES borrowers(organisation_id, id),
  FOREIGN KEY (organisation_id, product_id) REFERENCES loan_products(organisation_id, id),
  FOREIGN KEY (organisation_id, application_id) REFERENCES loan_applications(organisation_id, id)
)
;
CREATE INDEX loans_status_idx ON loans (organisation_id, status)
;
CREATE INDEX loans_borrower_idx ON loans (organisation_id, borrower_id)
;
CREATE TABLE loan_installments (
  organisation_id uuid NOT NULL,
  loan_id uuid NOT NULL,
  n integer NOT NULL CHECK (n >= 1),
  due_on date NOT NULL,
  principal bigint NOT NULL CHECK (principal >= 0),
  interest bigint NOT NULL CHECK (interest >= 0),
  fees bigint NOT NULL DEFAULT 0 CHECK (fees >= 0),
  paid_principal bigint NOT NULL DEFAULT 0 CHECK (paid_principal BETWEEN 0 AND principal),
  paid_interest bigint NOT NULL DEFAULT 0 CHECK (paid_interest BETWEEN 0 AND interest),
  paid_fees bigint NOT NULL DEFAULT 0 CHECK (paid_fees BETWEEN 0 AND fees),
  PRIMARY KEY (organisation_id, loan_id, n),
  FOREIGN KEY (organisation_id, loan_id) REFERENCES loans(organisation_id, id)
)
;
CREATE INDEX loan_installments_due_idx ON loan_installments (organisation_id, due_on)
;
CREATE TABLE loan_transactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL,
  loan_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('disbursement','repayment','fee','write_off','reversal','recovery')),
  amount bigint NOT NULL CHECK (amount > 0),
  principal_part bigint NOT NULL DEFAULT 0,
  interest_part bigint NOT NULL DEFAULT 0,
  fees_part bigint NOT NULL DEFAULT 0,
  prepaid bigint NOT NULL DEFAULT 0 CHECK (prepaid >= 0),
  on_date date NOT NULL,
  method text CHECK (method IN ('manual','bank','card')),
  reschedule text CHECK (reschedule IN ('shorter-term','lower-installment')),
  reverses_id bigint UNIQUE REFERENCES loan_transactions(id),
  note text NOT NULL DEFAULT '',
  recorded_by uuid REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL)),
  FOREIGN KEY (organisation_id, loan_id) REFERENCES loans(organisation_id, id)
)
;
CREATE INDEX loan_transactions_loan_idx ON loan_transactions (organisation_id, loan_id, on_date)
;
CREATE TRIGGER loan_transactions_append_only BEFORE UPDATE OR DELETE ON loan_transactions
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TABLE loan_allocation_lines (
  organisation_id uuid NOT NULL,
  transaction_id bigint NOT NULL,
  loan_id uuid NOT NULL,
  n integer NOT NULL,
  component text NOT NULL CHECK (component IN ('fees','interest','principal')),
  amount bigint NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (organisation_id, transaction_id, n, component),
  FOREIGN KEY (organisation_id, transaction_id) REFERENCES loan_transactions(organisation_id, id)
)
;
CREATE TRIGGER loan_allocation_lines_append_only BEFORE UPDATE OR DELETE ON loan_allocation_lines
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TABLE loan_arrears_snapshots (
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  as_at date NOT NULL,
  loans integer NOT NULL CHECK (loans >= 0),
  total_outstanding bigint NOT NULL CHECK (total_outstanding >= 0),
  par30 bigint NOT NULL CHECK (par30 >= 0),
  par60 bigint NOT NULL CHECK (par60 >= 0),
  par90 bigint NOT NULL CHECK (par90 >= 0 AND par90 <= par60 AND par60 <= par30 AND par30 <= total_outstanding),
  buckets jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, as_at)
)
`);
}
