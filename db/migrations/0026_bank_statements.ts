import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Bank statements (issue #18, point 1; docs/treasury.md).
 *
 * bank_accounts: the organisation's own accounts at its banks, UK (sort code
 * and account number) or IBAN; one may be marked for payments in, and its
 * details are what members and borrowers are told to pay to (point 5). A
 * CSV column mapping made for an account's files is remembered on it.
 *
 * statement_imports and statement_lines are append-only. A statement line
 * is never imported twice: its identity on the account (the bank's own
 * reference, or a hash of what the line says when the bank gives none; see
 * lineIdentities in app/domain/treasury) with its date and amount is unique
 * per organisation and account, so lines already there from an overlapping
 * file are skipped and counted. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE bank_accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  bank_name text NOT NULL DEFAULT '' CHECK (length(bank_name) <= 120),
  account_holder text NOT NULL DEFAULT '' CHECK (length(account_holder) <= 140),
  sort_code text CHECK (sort_code ~ '^[0-9]{6}$'),
  account_number text CHECK (account_number ~ '^[0-9]{8}$'),
  iban text CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
  bic text CHECK (bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  payments_in boolean NOT NULL DEFAULT false,
  csv_mapping jsonb,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK ((sort_code IS NOT NULL AND account_number IS NOT NULL) OR iban IS NOT NULL),
  CHECK ((sort_code IS NULL) = (account_number IS NULL))
)
;
CREATE UNIQUE INDEX bank_accounts_payments_in_idx ON bank_accounts (organisation_id) WHERE payments_in
;
CREATE TABLE statement_imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  bank_account_id uuid NOT NULL,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  format text NOT NULL CHECK (format IN ('csv','ofx','camt053')),
  layout text NOT NULL,
  content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  lines_in_file integer NOT NULL CHECK (lines_in_file >= 0),
  lines_new integer NOT NULL CHECK (lines_new >= 0),
  lines_existing integer NOT NULL CHECK (lines_existing >= 0 AND lines_new + lines_existing = lines_in_file),
  first_date date,
  last_date date,
  imported_by uuid REFERENCES users(id),
  imported_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, bank_account_id) REFERENCES bank_accounts(organisation_id, id)
)
;
CREATE INDEX statement_imports_account_idx ON statement_imports (organisation_id, bank_account_id, imported_at)
;
CREATE TABLE statement_lines (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  bank_account_id uuid NOT NULL,
  import_id uuid NOT NULL,
  line_number integer NOT NULL CHECK (line_number > 0),
  booked_on date NOT NULL,
  amount_minor bigint NOT NULL,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  description text NOT NULL DEFAULT '',
  payer_name text,
  reference text,
  bank_reference text,
  balance_minor bigint,
  identity text NOT NULL CHECK (identity ~ '^(ref:.+|hash:[0-9a-f]{64})$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, bank_account_id, identity, booked_on, amount_minor),
  FOREIGN KEY (organisation_id, bank_account_id) REFERENCES bank_accounts(organisation_id, id),
  FOREIGN KEY (organisation_id, import_id) REFERENCES statement_imports(organisation_id, id)
)
;
CREATE INDEX statement_lines_account_date_idx ON statement_lines (organisation_id, bank_account_id, booked_on, id)
;
CREATE TRIGGER statement_imports_append_only BEFORE UPDATE OR DELETE ON statement_imports
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TRIGGER statement_lines_append_only BEFORE UPDATE OR DELETE ON statement_lines
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
`);
}
