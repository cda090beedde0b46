import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { hash, verify } from "@node-rs/argon2";

/*
 * Lucia's session design: the browser holds a random token, the database
 * holds only its SHA-256. A stolen database copy cannot be replayed as
 * cookies. The same scheme serves password-reset and invitation links.
 */
export function generateToken(): string {
  const bytes = new Uint8Array(20); // 160 bits of entropy
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/*
 * argon2id with OWASP's minimum recommended parameters (19 MiB, 2 passes,
 * 1 lane): about 30-50 ms here, which slows guessing without letting a
 * burst of log-ins exhaust the server. `algorithm: 2` is argon2id (the
 * package exports a const enum that isolatedModules cannot read).
 */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password, ARGON2_OPTIONS);
}

/** Verified against when the email is unknown so both paths take the same time. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword("not-a-real-password-" + generateToken());
  return dummyHash;
}
