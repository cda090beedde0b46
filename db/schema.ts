import type { ColumnType, Generated } from "kysely";
import type { FormSubmissionsTable } from "./tables/form-submissions";
import type { AuthTables } from "./tables/auth";
import type { BooksTables } from "./tables/books";
import type { GovernanceTables } from "./tables/governance";
import type { ImpactTables } from "./tables/impact";
import type { JobsTables } from "./tables/jobs";
import type { LoanPaymentsTables } from "./tables/loan-payments";
import type { LendingTables } from "./tables/lending";
import type { SharesTables } from "./tables/shares";
import type { TreasuryTables } from "./tables/treasury";

/*
 * Hand-kept table types (kept beside the migrations that define them).
 * int8 arrives as bigint and date as "YYYY-MM-DD" on both drivers: see
 * app/utils/db.server.ts.
 */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type DateOnly = ColumnType<string, string, string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** Where a card payment's refund stands (both card payment tables; see app/models/payments/card-refunds.server.ts). */
export interface CardRefundColumns {
  stripe_payment_intent: string | null;
  refund_status: "needed" | "refunded" | null;
  stripe_refund_id: string | null;
  refunded_at: Timestamp | null;
}

export type Role = "owner" | "secretary" | "loan_officer" | "credit_committee" | "board" | "auditor" | "member";
export type MemberStatus = "applied" | "admitted" | "suspended" | "ceased";
export type LegalForm =
  | "co-operative-society"
  | "worker-co-op"
  | "community-benefit-society"
  | "credit-union"
  | "community-bank";

export interface OrganisationsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  legal_form: LegalForm;
  currency: Generated<string>;
  time_zone: Generated<string>;
  local_area: ColumnType<string[], string[] | undefined, string[]>;
  rules: ColumnType<Record<string, unknown>, string | undefined, string>;
  require_two_factor_for_officers: Generated<boolean>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  created_at: CreatedAt;
}

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

export interface OrganisationUsersTable {
  organisation_id: string;
  user_id: string;
  member_id: string | null;
  created_at: CreatedAt;
}

export interface UserRolesTable {
  organisation_id: string;
  user_id: string;
  role: Role;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  organisation_id: string | null;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface LoginAttemptsTable {
  id: Generated<bigint>;
  email: string;
  ip: string;
  succeeded: boolean;
  at: CreatedAt;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface InvitationsTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  roles: Role[];
  member_id: string | null;
  token_hash: string;
  invited_by: string | null;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface EmailOutboxTable {
  id: Generated<bigint>;
  organisation_id: string | null;
  to_email: string;
  subject: string;
  body: string;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Timestamp;
  failed_at: Timestamp | null;
  attachments: ColumnType<MailAttachment[], string | undefined, string>;
}

/** A file sent with an email (an .ics invitation): text content. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface CalendarFeedsTable {
  user_id: string;
  token_hash: string;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  organisation_id: string;
  seq: bigint;
  at: Timestamp;
  actor_user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  body: string;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadsTable {
  organisation_id: string;
  last_seq: bigint;
  last_hash: string;
}

export interface DB extends SharesTables, GovernanceTables, LendingTables, JobsTables, ImpactTables, LoanPaymentsTables, AuthTables, TreasuryTables, BooksTables {
  organisations: OrganisationsTable;
  users: UsersTable;
  members: MembersTable;
  member_status_history: MemberStatusHistoryTable;
  organisation_users: OrganisationUsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  password_resets: PasswordResetsTable;
  invitations: InvitationsTable;
  email_outbox: EmailOutboxTable;
  calendar_feeds: CalendarFeedsTable;
  audit_events: AuditEventsTable;
  audit_chain_heads: AuditChainHeadsTable;
  form_submissions: FormSubmissionsTable;
}
