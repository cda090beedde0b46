import type { Generated } from "kysely";
import type { CreatedAt, Json, TextArray, Timestamp } from "./columns";

/* Organisations, users and their roles, sessions and log-in, the outbox and the audit trail (migration 0001 onwards). */

export type Role = "owner" | "secretary" | "loan_officer" | "credit_committee" | "board" | "auditor" | "member";
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
  /** BCP 47 locale money and dates are written in for people, e.g. "en-GB", "de-DE" (0034). */
  locale: Generated<string>;
  /** Hours before a vote closes that members who have not voted are reminded (0031). */
  vote_reminder_hours: Generated<number>;
  local_area: TextArray;
  rules: Json<Record<string, unknown>>;
  require_two_factor_for_officers: Generated<boolean>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  created_at: CreatedAt;
  /** false: the member asked not to be reminded before a vote closes (0031). */
  vote_reminders: Generated<boolean>;
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
  attachments: Json<MailAttachment[]>;
}

/** A file sent with an email (an .ics invitation): text content. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
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

/** Each organisation's ledger version, moved on by every transaction that writes what the headline figures are worked out from (0039, ADR 0020). */
export interface LedgerVersionsTable {
  organisation_id: string;
  version: bigint;
}

/** The last headline figures worked out per organisation, figure and date, with the ledger version they belong to (0039). */
export interface HeadlineFigureCacheTable {
  organisation_id: string;
  figure: string;
  as_at: string;
  version: bigint;
  figures: Json<unknown>;
  worked_out_at: Generated<Timestamp>;
  /** How long the figures took to work out (migration 0042); null for rows kept before it. */
  work_ms: number | null;
}

export interface CoreTables {
  organisations: OrganisationsTable;
  users: UsersTable;
  organisation_users: OrganisationUsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  password_resets: PasswordResetsTable;
  invitations: InvitationsTable;
  email_outbox: EmailOutboxTable;
  audit_events: AuditEventsTable;
  audit_chain_heads: AuditChainHeadsTable;
  ledger_versions: LedgerVersionsTable;
  headline_figure_cache: HeadlineFigureCacheTable;
}
