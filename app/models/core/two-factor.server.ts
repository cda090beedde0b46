import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { LIMITS } from "~/domain/throttle";
import { matchTotp, normaliseRecoveryCode, totpKeyUri } from "~/domain/totp";
import type { Executor } from "~/utils/db.server";
import { generateToken, hashToken } from "~/utils/tokens.server";
import { addPasskey, countPasskeys, verifyPasskeyLogin } from "~/models/core/passkeys.server";
import { clearLimit, consume, limitKeys } from "~/models/core/rate-limits.server";

/*
 * Two-factor log-in (ADR 0013): an authenticator app's code (TOTP, RFC 6238)
 * or a one-use recovery code, asked for after the password. The secret is
 * kept until the user has typed a code from it (confirmed_at); only then
 * does log-in ask for codes. Recovery codes are shown once and stored as
 * SHA-256 (they are random, 50 bits each, so a slow hash adds nothing).
 */

export const RECOVERY_CODE_COUNT = 10;
const CHALLENGE_MINUTES = 10;

/** An authenticator app confirmed, or a passkey. */
export async function hasSecondFactor(db: Executor, userId: string): Promise<boolean> {
  const row = await db.selectFrom("user_totp").select("user_id").where("user_id", "=", userId).where("confirmed_at", "is not", null).executeTakeFirst();
  return !!row || (await countPasskeys(db, userId)) > 0;
}

export type TwoFactorStatus =
  | { enabled: true; recoveryCodesLeft: number }
  | { enabled: false; secret: string; uri: string };

/**
 * Where the user stands: enabled (with how many recovery codes are left),
 * or not yet, with the secret to enrol (made on first asking and kept until
 * confirmed, so reloading the page shows the same one).
 */
export async function twoFactorStatus(db: Executor, user: { id: string; email: string }): Promise<TwoFactorStatus> {
  const row = await db.selectFrom("user_totp").select(["secret", "confirmed_at"]).where("user_id", "=", user.id).executeTakeFirst();
  if (row?.confirmed_at) {
    const left = await db
      .selectFrom("user_recovery_codes")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("user_id", "=", user.id)
      .where("used_at", "is", null)
      .executeTakeFirstOrThrow();
    return { enabled: true, recoveryCodesLeft: Number(left.n) };
  }
  let secret = row?.secret;
  if (!secret) {
    const key = new Uint8Array(20);
    crypto.getRandomValues(key);
    await db
      .insertInto("user_totp")
      .values({ user_id: user.id, secret: encodeBase32UpperCaseNoPadding(key) })
      .onConflict((oc) => oc.column("user_id").doNothing())
      .execute();
    secret = (await db.selectFrom("user_totp").select("secret").where("user_id", "=", user.id).executeTakeFirstOrThrow()).secret;
  }
  return { enabled: false, secret, uri: totpKeyUri(decodeBase32IgnorePadding(secret), user.email) };
}

function newRecoveryCode(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  const chars = [...bytes].map((b) => alphabet[b & 31]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** New recovery codes (the old ones stop working); the plain codes are returned to be shown once. */
export async function replaceRecoveryCodes(db: Executor, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.deleteFrom("user_recovery_codes").where("user_id", "=", userId).execute();
  await db
    .insertInto("user_recovery_codes")
    .values(codes.map((code) => ({ user_id: userId, code_hash: hashToken(normaliseRecoveryCode(code)) })))
    .execute();
  return codes;
}

/**
 * Turns two-factor log-in on once the user types a code from the app (proof
 * that it holds the secret). Returns the recovery codes to show once, or
 * null for a wrong code. Every other session of the user ends: they began
 * without the second factor.
 */
export async function confirmTotp(db: Executor, userId: string, keepSessionId: string, code: string, now = new Date()): Promise<string[] | null> {
  const row = await db.selectFrom("user_totp").select(["secret", "confirmed_at"]).where("user_id", "=", userId).executeTakeFirst();
  if (!row || row.confirmed_at) return null;
  const step = matchTotp(decodeBase32IgnorePadding(row.secret), code, now, null);
  if (step === null) return null;
  const confirmed = await db
    .updateTable("user_totp")
    .set({ confirmed_at: now, last_used_step: step })
    .where("user_id", "=", userId)
    .where("confirmed_at", "is", null)
    .returning("user_id")
    .executeTakeFirst();
  if (!confirmed) return null;
  await db.deleteFrom("sessions").where("user_id", "=", userId).where("id", "!=", keepSessionId).execute();
  return replaceRecoveryCodes(db, userId);
}

/**
 * Checks a second factor: a TOTP code (each time step works once, so a
 * code seen over a shoulder cannot be replayed) or an unused recovery code
 * (used up by this). Both are single statements that only one of two
 * concurrent uses can win.
 */
export async function spendSecondFactor(db: Executor, userId: string, code: string, now = new Date()): Promise<"totp" | "recovery-code" | null> {
  const row = await db.selectFrom("user_totp").select(["secret", "last_used_step"]).where("user_id", "=", userId).where("confirmed_at", "is not", null).executeTakeFirst();
  const lastUsed = row?.last_used_step == null ? null : BigInt(row.last_used_step);
  const step = row ? matchTotp(decodeBase32IgnorePadding(row.secret), code, now, lastUsed) : null;
  if (step !== null) {
    const won = await db
      .updateTable("user_totp")
      .set({ last_used_step: step })
      .where("user_id", "=", userId)
      .where((eb) => eb.or([eb("last_used_step", "is", null), eb("last_used_step", "<", step)]))
      .returning("user_id")
      .executeTakeFirst();
    return won ? "totp" : null;
  }
  const recovery = await db
    .updateTable("user_recovery_codes")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hashToken(normaliseRecoveryCode(code)))
    .where("used_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return recovery ? "recovery-code" : null;
}

/** Turns two-factor log-in off, given a current code (or a recovery code). */
export async function disableTwoFactor(db: Executor, userId: string, code: string, now = new Date()): Promise<boolean> {
  if (!(await spendSecondFactor(db, userId, code, now))) return false;
  await db.deleteFrom("user_recovery_codes").where("user_id", "=", userId).execute();
  await db.deleteFrom("user_totp").where("user_id", "=", userId).execute();
  await db.deleteFrom("user_passkeys").where("user_id", "=", userId).execute();
  return true;
}

/** A log-in whose password was right, waiting for the second factor: the token goes in a short-lived cookie. */
export async function createLoginChallenge(db: Executor, input: { userId: string; organisationId: string | null; redirectTo: string }, now = new Date()) {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + CHALLENGE_MINUTES * 60_000);
  await db
    .insertInto("login_challenges")
    .values({ token_hash: hashToken(token), user_id: input.userId, organisation_id: input.organisationId, redirect_to: input.redirectTo, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

export async function findLoginChallenge(db: Executor, token: string, now = new Date()) {
  return db
    .selectFrom("login_challenges")
    .select(["user_id", "organisation_id", "redirect_to"])
    .where("token_hash", "=", hashToken(token))
    .where("expires_at", ">", now)
    .executeTakeFirst();
}

export type ChallengeResult =
  | { ok: true; userId: string; organisationId: string | null; redirectTo: string; used: "totp" | "recovery-code" | "passkey" }
  | { ok: false; reason: "expired" | "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date };

/**
 * The second step of log-in. Wrong codes count against the user (5 in 15
 * minutes, then refused until the window ends); a right one uses up the
 * challenge, so it starts one session only.
 */
export async function completeLoginChallenge(
  db: Executor,
  token: string,
  answer: string | { passkey: unknown; appUrl: string },
  now = new Date(),
): Promise<ChallengeResult> {
  const challenge = await findLoginChallenge(db, token, now);
  if (!challenge) return { ok: false, reason: "expired" };
  const key = limitKeys.secondFactor(challenge.user_id);
  const allowed = await consume(db, key, LIMITS.secondFactor, now);
  if (!allowed.allowed) return { ok: false, reason: "throttled", retryAt: allowed.retryAt };
  const used =
    typeof answer === "string"
      ? await spendSecondFactor(db, challenge.user_id, answer, now)
      : (await verifyPasskeyLogin(db, challenge.user_id, hashToken(token), answer.passkey, answer.appUrl, now)) && ("passkey" as const);
  if (!used) return { ok: false, reason: "invalid" };
  const taken = await db.deleteFrom("login_challenges").where("token_hash", "=", hashToken(token)).returning("user_id").executeTakeFirst();
  if (!taken) return { ok: false, reason: "expired" };
  await clearLimit(db, key);
  return { ok: true, userId: challenge.user_id, organisationId: challenge.organisation_id, redirectTo: challenge.redirect_to, used };
}

/** New recovery codes for a user who proves they still have the second factor (the old codes stop working). */
export async function regenerateRecoveryCodes(db: Executor, userId: string, code: string, now = new Date()): Promise<string[] | null> {
  if (!(await spendSecondFactor(db, userId, code, now))) return null;
  return replaceRecoveryCodes(db, userId);
}

/**
 * Keeps a new passkey. A user without recovery codes yet (no authenticator
 * app) gets them now, to be shown once: a lost passkey must not lock them out.
 */
export async function addPasskeyWithRecovery(db: Executor, userId: string, response: unknown, appUrl: string, now = new Date()): Promise<{ ok: boolean; recoveryCodes: string[] | null }> {
  if (!(await addPasskey(db, userId, response, appUrl, now))) return { ok: false, recoveryCodes: null };
  const codes = await db.selectFrom("user_recovery_codes").select("id").where("user_id", "=", userId).where("used_at", "is", null).executeTakeFirst();
  return { ok: true, recoveryCodes: codes ? null : await replaceRecoveryCodes(db, userId) };
}
