import { createTOTPKeyURI, generateHOTP, verifyHOTP } from "@oslojs/otp";

/**
 * Time-based one-time passwords (RFC 6238) for the second step of log-in:
 * HOTP (RFC 4226, HMAC-SHA-1) of the number of 30-second steps since 1970,
 * from @oslojs/otp. Its TOTP helpers read the clock themselves; these take
 * `now`, so tests (and the RFC's test vectors) can name the time.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ISSUER = "Co-op Register";

/** The time step `now` falls in. */
export function totpStep(now: Date, periodSeconds = TOTP_PERIOD_SECONDS): bigint {
  return BigInt(Math.floor(now.getTime() / 1000 / periodSeconds));
}

/** The code an authenticator shows at `now`. */
export function totpAt(key: Uint8Array, now: Date, digits = TOTP_DIGITS, periodSeconds = TOTP_PERIOD_SECONDS): string {
  return generateHOTP(key, totpStep(now, periodSeconds), digits);
}

/**
 * The step a typed code belongs to, or null. A code from one step either
 * side of now is accepted (a phone's clock may be a little out, and typing
 * takes time); a step at or before `lastUsedStep` is not, so a code that
 * has been used (or an older one) cannot be used again.
 */
export function matchTotp(key: Uint8Array, code: string, now: Date, lastUsedStep: bigint | null): bigint | null {
  const typed = code.replace(/\s+/g, "");
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(typed)) return null;
  const step = totpStep(now);
  for (const candidate of [step - 1n, step, step + 1n]) {
    if (lastUsedStep !== null && candidate <= lastUsedStep) continue;
    if (verifyHOTP(key, candidate, TOTP_DIGITS, typed)) return candidate;
  }
  return null;
}

/** The otpauth:// address an authenticator app reads (as a QR code, or typed in). */
export function totpKeyUri(key: Uint8Array, accountName: string): string {
  return createTOTPKeyURI(TOTP_ISSUER, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** A recovery code as typed (any case, spaces or dashes) in the one form it is stored under. */
export function normaliseRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]+/g, "");
}

/** Roles that an organisation's "two-factor for officers" setting covers. */
export const OFFICER_ROLES = ["owner", "secretary", "loan_officer", "board", "auditor"] as const;

/** Whether a user with these roles must have a second factor in an organisation with this setting. */
export function secondFactorRequired(roles: readonly string[], organisationRequires: boolean): boolean {
  return organisationRequires && roles.some((r) => (OFFICER_ROLES as readonly string[]).includes(r));
}
