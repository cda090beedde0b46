import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { Executor } from "~/utils/db.server";

/*
 * Passkeys (WebAuthn) as a second factor, through @simplewebauthn/server
 * (ADR 0013). The relying party is this site as emailed links name it
 * (APP_URL, or the request's origin); each ceremony's challenge is kept
 * for five minutes and used once.
 */

const CHALLENGE_MS = 5 * 60_000;

export function relyingParty(appUrl: string) {
  const url = new URL(appUrl);
  return { rpID: url.hostname, origin: url.origin };
}

async function saveChallenge(db: Executor, key: string, challenge: string, now: Date) {
  await db
    .insertInto("webauthn_challenges")
    .values({ key, challenge, expires_at: new Date(now.getTime() + CHALLENGE_MS) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ challenge, expires_at: new Date(now.getTime() + CHALLENGE_MS) }))
    .execute();
}

/** The challenge saved under `key`, taken (a second use finds nothing). */
async function takeChallenge(db: Executor, key: string, now: Date): Promise<string | null> {
  const row = await db.deleteFrom("webauthn_challenges").where("key", "=", key).returning(["challenge", "expires_at"]).executeTakeFirst();
  return row && new Date(row.expires_at).getTime() > now.getTime() ? row.challenge : null;
}

export async function countPasskeys(db: Executor, userId: string): Promise<number> {
  const row = await db.selectFrom("user_passkeys").select((eb) => eb.fn.countAll<string>().as("n")).where("user_id", "=", userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Options for the browser to make a new passkey (navigator.credentials.create). */
export async function passkeyRegistrationOptions(db: Executor, user: { id: string; email: string; name: string }, appUrl: string, now = new Date()) {
  const { rpID } = relyingParty(appUrl);
  const existing = await db.selectFrom("user_passkeys").select(["id", "transports"]).where("user_id", "=", user.id).execute();
  const options = await generateRegistrationOptions({
    rpName: "Co-op Register",
    rpID,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await saveChallenge(db, `register:${user.id}`, options.challenge, now);
  return options;
}

/** Keeps the passkey the browser made, if it answers this user's challenge from this site. */
export async function addPasskey(db: Executor, userId: string, response: unknown, appUrl: string, now = new Date()): Promise<boolean> {
  const challenge = await takeChallenge(db, `register:${userId}`, now);
  if (!challenge) return false;
  const { rpID, origin } = relyingParty(appUrl);
  try {
    const result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
    if (!result.verified) return false;
    const c = result.registrationInfo.credential;
    await db
      .insertInto("user_passkeys")
      .values({ id: c.id, user_id: userId, public_key: encodeBase64urlNoPadding(c.publicKey), counter: c.counter, transports: c.transports ?? [] })
      .execute();
    return true;
  } catch {
    return false;
  }
}

/** Options for the browser to sign in with one of the user's passkeys (navigator.credentials.get); null if they have none. */
export async function passkeyLoginOptions(db: Executor, userId: string, ceremonyKey: string, appUrl: string, now = new Date()) {
  const creds = await db.selectFrom("user_passkeys").select(["id", "transports"]).where("user_id", "=", userId).execute();
  if (creds.length === 0) return null;
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(appUrl).rpID,
    allowCredentials: creds.map((c) => ({ id: c.id, transports: c.transports as never })),
    userVerification: "preferred",
  });
  await saveChallenge(db, `login:${ceremonyKey}`, options.challenge, now);
  return options;
}

/**
 * Checks a passkey's signature over this ceremony's challenge. The stored
 * signature counter must go up (a copied authenticator would repeat one),
 * unless the authenticator keeps none (0).
 */
export async function verifyPasskeyLogin(db: Executor, userId: string, ceremonyKey: string, response: unknown, appUrl: string, now = new Date()): Promise<boolean> {
  const challenge = await takeChallenge(db, `login:${ceremonyKey}`, now);
  const id = (response as { id?: unknown } | null)?.id;
  if (!challenge || typeof id !== "string") return false;
  const cred = await db.selectFrom("user_passkeys").select(["id", "public_key", "counter", "transports"]).where("user_id", "=", userId).where("id", "=", id).executeTakeFirst();
  if (!cred) return false;
  const { rpID, origin } = relyingParty(appUrl);
  try {
    const result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: cred.id, publicKey: new Uint8Array(decodeBase64urlIgnorePadding(cred.public_key)), counter: Number(cred.counter), transports: cred.transports },
      requireUserVerification: false,
    });
    if (!result.verified) return false;
    await db.updateTable("user_passkeys").set({ counter: result.authenticationInfo.newCounter, last_used_at: now }).where("id", "=", cred.id).execute();
    return true;
  } catch {
    return false;
  }
}
