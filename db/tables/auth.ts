import type { ColumnType, Generated } from "kysely";
import type { CreatedAt, TextArray, Timestamp } from "./columns";

/* Throttling and two-factor log-in (migration 0018, ADR 0013). */

export interface RateLimitsTable {
  key: string;
  points: number;
  window_ends_at: Timestamp;
  blocked_until: Timestamp | null;
}

export interface AccountUnlocksTable {
  token_hash: string;
  user_id: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface UserTotpTable {
  user_id: string;
  /** base32 (RFC 4648, no padding) */
  secret: string;
  confirmed_at: Timestamp | null;
  last_used_step: ColumnType<bigint | null, bigint | number | null | undefined, bigint | number | null>;
  created_at: CreatedAt;
}

export interface UserRecoveryCodesTable {
  id: Generated<bigint>;
  user_id: string;
  code_hash: string;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface LoginChallengesTable {
  token_hash: string;
  user_id: string;
  organisation_id: string | null;
  redirect_to: Generated<string>;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface UserPasskeysTable {
  /** The credential id, base64url. */
  id: string;
  user_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  counter: ColumnType<bigint, bigint | number | undefined, bigint | number>;
  transports: TextArray;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
}

export interface WebauthnChallengesTable {
  key: string;
  challenge: string;
  expires_at: Timestamp;
}

export interface AuthTables {
  user_passkeys: UserPasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  rate_limits: RateLimitsTable;
  account_unlocks: AccountUnlocksTable;
  user_totp: UserTotpTable;
  user_recovery_codes: UserRecoveryCodesTable;
  login_challenges: LoginChallengesTable;
}
