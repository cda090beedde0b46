import type { ColumnType, Generated } from "kysely";
import type { CreatedAt, DateOnly, TextArray, Timestamp } from "./columns";

/** Table types for the lending tables (see db/migrations/0004_lending.ts). */
export type BorrowerLegalForm = "worker-co-op" | "co-operative" | "social-enterprise" | "sole-trader" | "partnership" | "company" | "charity" | "person";
export type ApplicationStatus =
  | "draft" | "submitted" | "under_review" | "committee" | "approved" | "declined" | "offered" | "accepted" | "disbursed" | "withdrawn";
/** reversed: the pay-out was recorded in error and reversed (migration 0014). */
export type LoanStatus = "active" | "closed" | "written_off" | "reversed";
export type LoanTransactionKind = "disbursement" | "repayment" | "fee" | "write_off" | "reversal" | "recovery";
export type Frequency = "weekly" | "fortnightly" | "monthly" | "quarterly";
/** numeric arrives as a string on both drivers. */
type Numeric = ColumnType<string, string, string>;

export interface BorrowersTable {
  id: Generated<string>;
  organisation_id: string;
  legal_name: string;
  legal_form: BorrowerLegalForm;
  sic_code: string;
  address: Generated<string>;
  postcode: Generated<string>;
  is_local: Generated<boolean>;
  employees: Generated<number>;
  jobs_to_create: Generated<number>;
  jobs_to_safeguard: Generated<number>;
  ownership: TextArray;
  contact_name: Generated<string>;
  contact_email: string | null;
  contact_phone: string | null;
  member_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface LoanProductsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  amortization: "equal-installments" | "equal-principal";
  interest_method: "declining" | "flat";
  annual_rate: Numeric;
  min_rate: Numeric;
  max_rate: Numeric;
  min_principal: bigint;
  max_principal: bigint;
  min_term: number;
  max_term: number;
  frequency: Frequency;
  days_in_year: "360" | "365" | "actual";
  days_in_month: "30" | "actual";
  installment_multiple: Generated<bigint>;
  grace_on_principal: Generated<number>;
  grace_on_interest: Generated<number>;
  arrangement_fee: Generated<bigint>;
  /** From this business date the product is not offered for new applications; null while offered. */
  retired_on: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface LoanApplicationsTable {
  id: Generated<string>;
  organisation_id: string;
  reference: number;
  borrower_id: string;
  product_id: string;
  amount: bigint;
  term_periods: number;
  annual_rate: Numeric;
  purpose: Generated<string>;
  status: ApplicationStatus;
  officer_user_id: string | null;
  officer_notes: Generated<string>;
  monthly_income: bigint | null;
  monthly_outgoings: bigint | null;
  decision_note: Generated<string>;
  decided_at: Timestamp | null;
  offer_apr: string | null;
  offer_first_due: DateOnly | null;
  offered_at: Timestamp | null;
  accepted_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CreditVotesTable {
  organisation_id: string;
  application_id: string;
  user_id: string;
  vote: "approve" | "decline" | "recuse";
  comment: string;
  cast_at: CreatedAt;
}

export interface LoansTable {
  id: Generated<string>;
  organisation_id: string;
  reference: number;
  application_id: string | null;
  borrower_id: string;
  product_id: string;
  officer_user_id: string | null;
  principal: bigint;
  annual_rate: Numeric;
  terms: ColumnType<Record<string, unknown>, string, string>;
  apr: string;
  disbursed_on: DateOnly;
  status: LoanStatus;
  closed_on: DateOnly | null;
  written_off_on: DateOnly | null;
  reversed_on: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface LoanInstallmentsTable {
  organisation_id: string;
  loan_id: string;
  n: number;
  due_on: DateOnly;
  principal: bigint;
  interest: bigint;
  fees: Generated<bigint>;
  paid_principal: Generated<bigint>;
  paid_interest: Generated<bigint>;
  paid_fees: Generated<bigint>;
}

export interface LoanTransactionsTable {
  id: Generated<bigint>;
  organisation_id: string;
  loan_id: string;
  kind: LoanTransactionKind;
  amount: bigint;
  principal_part: ColumnType<bigint, bigint | undefined, never>;
  interest_part: ColumnType<bigint, bigint | undefined, never>;
  fees_part: ColumnType<bigint, bigint | undefined, never>;
  prepaid: ColumnType<bigint, bigint | undefined, never>;
  on_date: DateOnly;
  method: "manual" | "bank" | "card" | "direct_debit" | null;
  reschedule: "shorter-term" | "lower-installment" | null;
  reverses_id: bigint | null;
  note: Generated<string>;
  recorded_by: string | null;
  recorded_at: CreatedAt;
}

export interface LoanAllocationLinesTable {
  organisation_id: string;
  transaction_id: bigint;
  loan_id: string;
  n: number;
  component: "fees" | "interest" | "principal";
  amount: bigint;
}

export interface LoanArrearsSnapshotsTable {
  organisation_id: string;
  as_at: DateOnly;
  loans: number;
  total_outstanding: bigint;
  par30: bigint;
  par60: bigint;
  par90: bigint;
  buckets: ColumnType<Record<string, { loans: number; principal: string }>, string, string>;
  recorded_at: CreatedAt;
}

export interface LoanWriteOffProposalsTable {
  id: Generated<string>;
  organisation_id: string;
  loan_id: string;
  on_date: DateOnly;
  note: string;
  proposed_by: string;
  proposed_at: CreatedAt;
  decision: "approved" | "rejected" | "withdrawn" | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: Generated<string>;
}

export interface LendingTables {
  loan_write_off_proposals: LoanWriteOffProposalsTable;
  borrowers: BorrowersTable;
  loan_products: LoanProductsTable;
  loan_applications: LoanApplicationsTable;
  credit_votes: CreditVotesTable;
  loans: LoansTable;
  loan_installments: LoanInstallmentsTable;
  loan_transactions: LoanTransactionsTable;
  loan_allocation_lines: LoanAllocationLinesTable;
  loan_arrears_snapshots: LoanArrearsSnapshotsTable;
}
