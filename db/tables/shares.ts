import type { ColumnType, Generated } from "kysely";
import type { CardRefundColumns, CreatedAt, DateOnly, Int8, TextArray, Timestamp } from "./columns";

/** Table types for the members and shares tables (see db/migrations/0001_foundation.ts and 0002_shares.ts). */
export type MemberStatus = "applied" | "admitted" | "suspended" | "ceased";

export interface MembersTable {
  id: Generated<string>;
  organisation_id: string;
  member_number: number;
  kind: "person" | "organisation";
  name: string;
  /** member_name_key(name): lower case, accents off (migration 0030); the database keeps it, never written. */
  name_key: ColumnType<string, never, never>;
  email: string | null;
  phone: string | null;
  address: Generated<string>;
  postcode: Generated<string>;
  is_local: Generated<boolean>;
  status: MemberStatus;
  applied_on: DateOnly;
  admitted_on: DateOnly | null;
  ceased_on: DateOnly | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MemberStatusHistoryTable {
  id: Generated<bigint>;
  organisation_id: string;
  member_id: string;
  status: MemberStatus;
  effective_on: DateOnly;
  note: Generated<string>;
  recorded_by: string | null;
  recorded_at: CreatedAt;
}


export interface ShareClassesTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  par_value: Int8;
  min_holding: Generated<number>;
  max_holding_value: Int8 | null;
  withdrawable: Generated<boolean>;
  transferable: Generated<boolean>;
  notice_days: Generated<number>;
  interest_rate_bp: Generated<number>;
  voting: Generated<"one-member-one-vote" | "weighted">;
  created_at: CreatedAt;
}

export interface ShareHoldingsTable {
  organisation_id: string;
  member_id: string;
  class_id: string;
  shares: Generated<bigint>;
  value: Generated<bigint>;
  updated_at: Generated<Date>;
}

export type ShareTransactionKind = "purchase" | "withdrawal" | "transfer_in" | "transfer_out" | "interest_shares" | "bonus" | "forfeit" | "reversal";
export type ShareMethod = "" | "cash" | "cheque" | "bank_transfer" | "card" | "import" | "interest" | "transfer" | "withdrawal" | "admission" | "direct_debit";

export interface ShareTransactionsTable {
  id: Generated<bigint>;
  organisation_id: string;
  member_id: string;
  class_id: string;
  kind: ShareTransactionKind;
  shares: number;
  amount: Int8;
  effective_on: DateOnly;
  method: Generated<ShareMethod>;
  reference: Generated<string>;
  reverses_id: Int8 | null;
  recorded_by: string | null;
  recorded_at: CreatedAt;
}

export interface ShareCertificatesTable {
  id: Generated<string>;
  organisation_id: string;
  number: number;
  member_id: string;
  class_id: string;
  shares: Int8;
  issued_on: DateOnly;
  cancelled_on: DateOnly | null;
  replaced_by: number | null;
  created_at: CreatedAt;
}

export interface ShareApplicationsTable {
  id: Generated<string>;
  organisation_id: string;
  member_id: string;
  class_id: string;
  shares: number;
  declarations: TextArray;
  status: Generated<"pending" | "admitted" | "declined">;
  applied_on: DateOnly;
  decided_on: DateOnly | null;
  decided_by: string | null;
  decline_reason: Generated<string>;
  created_at: CreatedAt;
}

export interface WithdrawalRequestsTable {
  id: Generated<string>;
  organisation_id: string;
  member_id: string;
  class_id: string;
  shares: number;
  amount: Int8;
  leaving: Generated<boolean>;
  requested_on: DateOnly;
  due_on: DateOnly;
  status: Generated<"pending" | "paid" | "cancelled">;
  paid_on: DateOnly | null;
  transaction_id: Int8 | null;
  requested_by: string | null;
  created_at: CreatedAt;
}

export interface WithdrawalSuspensionsTable {
  id: Generated<string>;
  organisation_id: string;
  class_id: string | null;
  from_on: DateOnly;
  until_on: DateOnly | null;
  reason: string;
  recorded_by: string | null;
  created_at: CreatedAt;
}

export interface ShareTransfersTable {
  id: Generated<string>;
  organisation_id: string;
  class_id: string;
  from_member_id: string;
  to_member_id: string;
  shares: number;
  requested_on: DateOnly;
  status: Generated<"pending" | "approved" | "rejected">;
  decided_on: DateOnly | null;
  decided_by: string | null;
  note: Generated<string>;
  /** Who asked for it (migration 0020); null for transfers asked for before then. */
  requested_by: Generated<string | null>;
  created_at: CreatedAt;
}

export interface PaymentsTable extends CardRefundColumns {
  id: Generated<string>;
  organisation_id: string;
  member_id: string;
  class_id: string;
  shares: number;
  amount: Int8;
  method: "card";
  status: Generated<"pending" | "paid" | "failed">;
  idempotency_key: string;
  stripe_session_id: string | null;
  checkout_url: string | null;
  transaction_id: Int8 | null;
  failure: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
  paid_at: Timestamp | null;
}

export interface StripeEventsTable {
  id: string;
  type: string;
  payload: string;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
  outcome: Generated<string>;
}

export interface InterestRunsTable {
  id: Generated<string>;
  organisation_id: string;
  class_id: string;
  period_from: DateOnly;
  period_to: DateOnly;
  rate_bp: number;
  rounding: string;
  pay_as: "cash" | "shares";
  status: Generated<"preview" | "approved" | "posted">;
  total_interest: Int8;
  created_by: string | null;
  approved_by: string | null;
  posted_on: DateOnly | null;
  method: Generated<string>;
  created_at: CreatedAt;
}

export interface InterestLinesTable {
  organisation_id: string;
  run_id: string;
  member_id: string;
  average_balance: Int8;
  interest: Int8;
  shares_credited: Generated<number>;
  cash: ColumnType<bigint, bigint | number | undefined, bigint | number>;
  explain: Generated<string>;
}

/** A members file kept for its import job (migration 0036); the bytes go once the job has imported or refused it. */
export interface MemberImportUploadsTable {
  id: Generated<string>;
  organisation_id: string;
  filename: string;
  bytes: Uint8Array | null;
  job_id: bigint | null;
  status: Generated<"waiting" | "imported" | "refused">;
  outcome: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  uploaded_by: string | null;
  uploaded_at: CreatedAt;
}

export interface SharesTables {
  members: MembersTable;
  member_status_history: MemberStatusHistoryTable;
  share_classes: ShareClassesTable;
  share_holdings: ShareHoldingsTable;
  share_transactions: ShareTransactionsTable;
  share_certificates: ShareCertificatesTable;
  share_applications: ShareApplicationsTable;
  withdrawal_requests: WithdrawalRequestsTable;
  withdrawal_suspensions: WithdrawalSuspensionsTable;
  share_transfers: ShareTransfersTable;
  payments: PaymentsTable;
  stripe_events: StripeEventsTable;
  interest_runs: InterestRunsTable;
  interest_lines: InterestLinesTable;
  member_import_uploads: MemberImportUploadsTable;
}
