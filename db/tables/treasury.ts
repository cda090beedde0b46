import type { ColumnType, Generated } from "kysely";
import type { CreatedAt, DateOnly } from "./columns";

export interface BankAccountsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  bank_name: Generated<string>;
  account_holder: Generated<string>;
  sort_code: string | null;
  account_number: string | null;
  iban: string | null;
  bic: string | null;
  currency: string;
  payments_in: Generated<boolean>;
  csv_mapping: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface StatementImportsTable {
  id: Generated<string>;
  organisation_id: string;
  bank_account_id: string;
  filename: string;
  format: "csv" | "ofx" | "camt053";
  layout: string;
  content_hash: string;
  lines_in_file: number;
  lines_new: number;
  lines_existing: number;
  first_date: DateOnly | null;
  last_date: DateOnly | null;
  imported_by: string | null;
  imported_at: CreatedAt;
}

export interface StatementLinesTable {
  id: ColumnType<bigint, never, never>;
  organisation_id: string;
  bank_account_id: string;
  import_id: string;
  line_number: number;
  booked_on: DateOnly;
  amount_minor: bigint;
  currency: string;
  description: Generated<string>;
  payer_name: string | null;
  reference: string | null;
  bank_reference: string | null;
  balance_minor: bigint | null;
  identity: string;
  created_at: CreatedAt;
}

export interface StatementMatchesTable {
  id: ColumnType<bigint, never, never>;
  organisation_id: string;
  statement_line_id: bigint;
  round: number;
  kind: "match" | "reversal";
  prior_round: number | null;
  prior_kind: "match" | "reversal" | null;
  amount_minor: bigint;
  how: "sure" | "suggested" | "manual" | "split" | "undo";
  reason: Generated<string>;
  recorded_by: string | null;
  recorded_at: CreatedAt;
}

export interface StatementMatchAllocationsTable {
  id: ColumnType<bigint, never, never>;
  organisation_id: string;
  match_id: bigint;
  position: number;
  amount_minor: bigint;
  member_id: string | null;
  share_transaction_id: bigint | null;
  loan_id: string | null;
  loan_transaction_id: bigint | null;
}

/** A statement file kept for its import job; the bytes go once the job has imported or refused it. */
export interface StatementUploadsTable {
  id: Generated<string>;
  organisation_id: string;
  bank_account_id: string;
  filename: string;
  bytes: Uint8Array | null;
  csv_mapping: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  job_id: bigint | null;
  status: Generated<"waiting" | "imported" | "refused">;
  outcome: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  uploaded_by: string | null;
  uploaded_at: CreatedAt;
}

export interface TreasuryTables {
  bank_accounts: BankAccountsTable;
  statement_imports: StatementImportsTable;
  statement_lines: StatementLinesTable;
  statement_matches: StatementMatchesTable;
  statement_match_allocations: StatementMatchAllocationsTable;
  statement_uploads: StatementUploadsTable;
}
