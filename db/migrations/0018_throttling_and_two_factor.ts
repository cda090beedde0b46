import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Throttling and two-factor log-in (ADR 0013).
 *  - rate_limits: one fixed-window counter per key ("login:account:<email>",
 *    "login:address:<ip>", "reset:email:<email>", ...), changed by one atomic
 *    upsert, with an optional lock (blocked_until).
 *  - account_unlocks: the emailed link that lifts an account's log-in lock
 *    (only the SHA-256 of its token is stored, like password_resets).
 *  - user_totp / user_recovery_codes: an authenticator app's secret (confirmed
 *    once the user has typed a code from it) and one-use recovery codes
 *    (SHA-256 of each).
 *  - user_passkeys: WebAuthn credentials (public key, signature counter), a
 *    second factor like the app's codes; webauthn_challenges: the one-use
 *    challenge of a passkey ceremony in progress.
 *  - login_challenges: a log-in whose password was right, waiting for the
 *    second factor (the browser holds the token in a short-lived cookie).
 *  - organisations.require_two_factor_for_officers: the organisation's setting.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  points integer NOT NULL CHECK (points >= 0),
  window_ends_at timestamptz NOT NULL,
  blocked_until timestamptz
)
;
CREATE TABLE account_unlocks (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE TABLE user_totp (
  user_id uuid PRIMARY KEY REFERENCES users(id),
  secret text NOT NULL,
  confirmed_at timestamptz,
  last_used_step bigint,
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE TABLE user_recovery_codes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  code_hash text NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, code_hash)
)
;
CREATE TABLE login_challenges (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  organisation_id uuid REFERENCES organisations(id),
  redirect_to text NOT NULL DEFAULT '/dashboard',
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE TABLE user_passkeys (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  public_key text NOT NULL,
  counter bigint NOT NULL DEFAULT 0 CHECK (counter >= 0),
  transports text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
)
;
CREATE INDEX user_passkeys_user_idx ON user_passkeys (user_id)
;
CREATE TABLE webauthn_challenges (
  key text PRIMARY KEY,
  challenge text NOT NULL,
  expires_at timestamptz NOT NULL
)
;
ALTER TABLE organisations ADD COLUMN require_two_factor_for_officers boolean NOT NULL DEFAULT false
`);
}
