import type { AuthTables } from "./tables/auth";
import type { BooksTables } from "./tables/books";
import type { CoreTables } from "./tables/core";
import type { FormSubmissionsTable } from "./tables/form-submissions";
import type { DirectDebitTables } from "./tables/direct-debit";
import type { GovernanceTables } from "./tables/governance";
import type { ImpactTables } from "./tables/impact";
import type { JobsTables } from "./tables/jobs";
import type { LoanPaymentsTables } from "./tables/loan-payments";
import type { LendingTables } from "./tables/lending";
import type { SharesTables } from "./tables/shares";
import type { TreasuryTables } from "./tables/treasury";

/*
 * The whole database as Kysely sees it: the hand-kept table types of
 * db/tables/*.ts (kept beside the migrations that define them; their shared
 * column types are in db/tables/columns.ts) gathered into one `DB`. Nothing
 * is defined here, and nothing in db/tables imports this file.
 */
export interface DB extends CoreTables, SharesTables, GovernanceTables, LendingTables, JobsTables, ImpactTables, LoanPaymentsTables, AuthTables, TreasuryTables, BooksTables, DirectDebitTables {
  form_submissions: FormSubmissionsTable;
}
