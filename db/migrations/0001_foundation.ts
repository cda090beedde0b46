import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Identity tables (users, sessions, login attempts, password resets) are the
 * only ones without organisation_id: one person may belong to several
 * co-ops and logs in once. Everything a co-op owns carries organisation_id.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE organisations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  legal_form text NOT NULL CHECK (legal_form IN ('co-operative-society','worker-co-op','community-benefit-society','credit-union','community-bank')),
  currency char(3) NOT NULL DEFAULT 'GBP',
  local_area text[] NOT NULL DEFAULT '{}',
  rules jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  name text NOT NULL,
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE TABLE members (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  member_number integer NOT NULL CHECK (member_number > 0),
  kind text NOT NULL CHECK (kind IN ('person','organisation')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text,
  phone text,
  address text NOT NULL DEFAULT '',
  postcode text NOT NULL DEFAULT '',
  is_local boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('applied','admitted','suspended','ceased')),
  applied_on date NOT NULL,
  admitted_on date,
  ceased_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, member_number),
  UNIQUE (organisation_id, id)
)
;
CREATE INDEX members_name_idx ON members (organisation_id, lower(name) text_pattern_ops)
;
CREATE TABLE member_status_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL,
  member_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('applied','admitted','suspended','ceased')),
  effective_on date NOT NULL,
  note text NOT NULL DEFAULT '',
  recorded_by uuid REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id)
)
;
CREATE INDEX member_status_history_member_idx ON member_status_history (organisation_id, member_id, effective_on)
;
CREATE TABLE organisation_users (
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  user_id uuid NOT NULL REFERENCES users(id),
  member_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, user_id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id)
)
;
CREATE INDEX organisation_users_user_idx ON organisation_users (user_id)
;
CREATE TABLE user_roles (
  organisation_id uuid NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('owner','secretary','loan_officer','credit_committee','board','auditor','member')),
  PRIMARY KEY (organisation_id, user_id, role),
  FOREIGN KEY (organisation_id, user_id) REFERENCES organisation_users(organisation_id, user_id) ON DELETE CASCADE
)
;
CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  organisation_id uuid REFERENCES organisations(id),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE INDEX sessions_user_idx ON sessions (user_id)
;
CREATE TABLE login_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  ip text NOT NULL,
  succeeded boolean NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
)
;
CREATE INDEX login_attempts_email_idx ON login_attempts (email, at)
;
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at)
;
CREATE TABLE password_resets (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  email text NOT NULL CHECK (email = lower(email)),
  roles text[] NOT NULL,
  member_id uuid,
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users(id),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id)
)
;
CREATE TABLE email_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid REFERENCES organisations(id),
  to_email text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
)
;
CREATE TABLE audit_events (
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  seq bigint NOT NULL,
  at timestamptz NOT NULL,
  actor_user_id uuid REFERENCES users(id),
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  body text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (organisation_id, seq)
)
;
CREATE TABLE audit_chain_heads (
  organisation_id uuid PRIMARY KEY REFERENCES organisations(id),
  last_seq bigint NOT NULL,
  last_hash text NOT NULL
)
;
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is append-only: record a correction instead', TG_TABLE_NAME;
END
$fn$
;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TRIGGER member_status_history_append_only BEFORE UPDATE OR DELETE ON member_status_history
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
`);
}
