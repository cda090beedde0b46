import type { Generated } from "kysely";
import type { CreatedAt, DateOnly, Int8 } from "./columns";

/** Table types for the books (see db/migrations/0027_journal.ts). */

export interface ChartOfAccountsTable {
  organisation_id: string;
  code: string;
  name: string;
  type: "asset" | "liability" | "equity" | "income" | "expense";
  external_code: Generated<string>;
  external_name: Generated<string>;
  updated_at: Generated<Date>;
}

export interface JournalEntriesTable {
  id: Generated<bigint>;
  organisation_id: string;
  entry_date: DateOnly;
  event_date: DateOnly;
  source_kind: string;
  source_id: string;
  description: string;
  posted_at: CreatedAt;
}

export interface JournalLinesTable {
  id: Generated<bigint>;
  organisation_id: string;
  entry_id: Int8;
  entry_date: DateOnly;
  account_code: string;
  debit: Int8;
  credit: Int8;
}

/** Each account's debits and credits per day, kept with the lines (migration 0040). */
export interface JournalDayTotalsTable {
  organisation_id: string;
  entry_date: DateOnly;
  account_code: string;
  debit: Int8;
  credit: Int8;
  lines: number;
}

/** The ledger version the journal was last brought up to date at (migration 0040). */
export interface JournalPostedVersionsTable {
  organisation_id: string;
  ledger_version: Int8;
}

export interface PeriodLocksTable {
  id: Generated<bigint>;
  organisation_id: string;
  period_from: DateOnly;
  locked_through: DateOnly;
  format: string;
  exported_at: Generated<Date>;
  exported_by: string | null;
}

export interface BooksTables {
  chart_of_accounts: ChartOfAccountsTable;
  journal_entries: JournalEntriesTable;
  journal_lines: JournalLinesTable;
  journal_day_totals: JournalDayTotalsTable;
  journal_posted_versions: JournalPostedVersionsTable;
  period_locks: PeriodLocksTable;
}
