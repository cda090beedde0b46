import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* The books (issue #18 point 4, ADR 0018): a double-entry journal derived
 * from the append-only ledgers. Each entry is keyed by the ledger row it
 * comes from (source_kind, source_id), so posting twice posts once. Lines
 * carry their entry's date so a trial balance is one aggregate over one
 * table. The chart holds each organisation's mapping of the default
 * accounts to its accounting package's codes and names. Exporting a period
 * locks it: period_locks only grows, and entries dated inside a locked
 * period are posted on the first open day instead. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE chart_of_accounts (
  organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  code text NOT NULL,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense')),
  external_code text NOT NULL DEFAULT '',
  external_name text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, code)
)
;
CREATE TABLE journal_entries (
  id bigserial PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  entry_date date NOT NULL,
  event_date date NOT NULL,
  source_kind text NOT NULL,
  source_id text NOT NULL,
  description text NOT NULL,
  posted_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, source_kind, source_id)
)
;
CREATE INDEX journal_entries_by_date ON journal_entries (organisation_id, entry_date, id)
;
CREATE TABLE journal_lines (
  id bigserial PRIMARY KEY,
  organisation_id uuid NOT NULL,
  entry_id bigint NOT NULL REFERENCES journal_entries(id) ON DELETE CASCADE,
  entry_date date NOT NULL,
  account_code text NOT NULL,
  debit bigint NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit bigint NOT NULL DEFAULT 0 CHECK (credit >= 0),
  CHECK ((debit = 0) <> (credit = 0)),
  FOREIGN KEY (organisation_id, account_code) REFERENCES chart_of_accounts(organisation_id, code)
)
;
CREATE INDEX journal_lines_by_entry ON journal_lines (entry_id)
;
CREATE INDEX journal_lines_trial_balance ON journal_lines (organisation_id, entry_date, account_code, debit, credit)
;
CREATE TABLE period_locks (
  id bigserial PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  period_from date NOT NULL,
  locked_through date NOT NULL,
  format text NOT NULL,
  exported_at timestamptz NOT NULL DEFAULT now(),
  exported_by uuid REFERENCES users(id) ON DELETE SET NULL,
  CHECK (period_from <= locked_through)
)
;
CREATE INDEX period_locks_by_organisation ON period_locks (organisation_id, locked_through)
`);
}
