import { createHash, randomBytes } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
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

/** SHA-256 of the token's UTF-8 bytes, in hex. Node's native hash: this runs on every request. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/*
 * Random bytes for values made on every request (CSP nonces, ballot
 * receipts) come from a pool filled 4 KiB at a time: one call into the
 * random source per few hundred requests instead of one per request. Each
 * byte is handed out once; a used-up pool is replaced, never refilled in
 * place, so bytes already handed out never change.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

export function pooledRandomBytes(length: number): Buffer {
  if (length > POOL_SIZE) return randomBytes(length);
  if (poolOffset + length > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
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
