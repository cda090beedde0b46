import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { dummyPasswordHash, generateToken, hashPassword, hashToken, verifyPassword } from "~/utils/tokens.server";
import { isRole, type Role } from "~/domain/permissions";
import { clockTime, lockAfterFailure, LIMITS } from "~/domain/throttle";
import { secondFactorRequired } from "~/domain/totp";
import { localeOrDefault } from "~/domain/locale";
import { queueEmail } from "~/models/core/outbox.server";
import { clearLimit, consume, consumeBoth, limitKeys, lockKey, reward } from "~/models/core/rate-limits.server";

export const SESSION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Sliding expiry: a session used in its second half is pushed out to a full 30 days again. */
const RENEW_WITHIN_MS = (SESSION_DAYS / 2) * DAY_MS;

export interface SessionContext {
  sessionId: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string };
  /** currency and locale make it a MoneyStyle: loaders pass it to displayMoney as it is. */
  organisation: { id: string; slug: string; name: string; currency: string; timeZone: string; locale: string } | null;
  roles: Role[];
  memberId: string | null;
  /** The organisation in use requires a second factor of this user's roles, and the user has none yet (ADR 0013). */
  secondFactorMissing: boolean;
}

export async function createSession(db: Executor, userId: string, organisationId: string | null, now = new Date()) {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS);
  await db
    .insertInto("sessions")
    .values({ id: hashToken(token), user_id: userId, organisation_id: organisationId, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

interface SessionRow {
  id: string;
  expires_at: Date;
  user_id: string;
  email: string;
  user_name: string;
  org_id: string | null;
  org_slug: string | null;
  org_name: string | null;
  org_currency: string | null;
  org_time_zone: string | null;
  org_locale: string | null;
  member_id: string | null;
  roles: string[] | null;
  org_requires_2fa: boolean | null;
  has_2fa: boolean;
}

/**
 * One query finds the session, its user, the organisation in use and the
 * user's roles there: it runs on every request, so it must be cheap.
 */
export async function validateSessionToken(db: Executor, token: string, now = new Date()): Promise<SessionContext | null> {
  const id = hashToken(token);
  // Written as SQL rather than with the query builder: building this query's tree
  // on every request was the largest share of Kysely's CPU per request (ADR 0006).
  const { rows } = await sql<SessionRow>`
    SELECT s.id, s.expires_at, u.id AS user_id, u.email, u.name AS user_name,
      o.id AS org_id, o.slug AS org_slug, o.name AS org_name, o.currency AS org_currency, o.time_zone AS org_time_zone, o.locale AS org_locale, ou.member_id,
      (SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.organisation_id = s.organisation_id AND r.user_id = s.user_id) AS roles,
      o.require_two_factor_for_officers AS org_requires_2fa,
      (o.require_two_factor_for_officers AND (EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = s.user_id AND t.confirmed_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM user_passkeys p WHERE p.user_id = s.user_id))) AS has_2fa
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN organisations o ON o.id = s.organisation_id
    LEFT JOIN organisation_users ou ON ou.organisation_id = s.organisation_id AND ou.user_id = s.user_id
    WHERE s.id = ${id}
  `.execute(db);
  const row = rows[0];
  if (!row) return null;
  if (row.expires_at.getTime() <= now.getTime()) {
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return null;
  }
  let expiresAt = row.expires_at;
  if (expiresAt.getTime() - now.getTime() < RENEW_WITHIN_MS) {
    expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS);
    await db.updateTable("sessions").set({ expires_at: expiresAt }).where("id", "=", id).execute();
  }
  const roles = (row.roles ?? []).filter(isRole);
  return {
    sessionId: row.id,
    expiresAt,
    user: { id: row.user_id, email: row.email, name: row.user_name },
    // The organisation in use only counts while the user still belongs to it.
    organisation:
      row.org_id && row.roles
        ? { id: row.org_id, slug: row.org_slug!, name: row.org_name!, currency: row.org_currency!, timeZone: row.org_time_zone!, locale: localeOrDefault(row.org_locale) }
        : null,
    roles,
    memberId: row.member_id ?? null,
    // has_2fa is only looked up where the organisation asks for it (the AND above), so other requests do not pay for it.
    secondFactorMissing: !!row.org_id && secondFactorRequired(roles, !!row.org_requires_2fa) && !row.has_2fa,
  };
}

/**
 * The members that sessions act as, as a subquery (token_hash,
 * organisation_id, member_id), so that a statement can act for sessions in
 * the same round trip as their look-up (the ballot box's votes, ADR 0006).
 * It yields a row only for a session that validateSessionToken would accept
 * as it stands: live, not due for renewal, and whose user holds one of
 * `roles` in the organisation in use. Any other session yields nothing, and
 * the caller goes the ordinary way (validateSessionToken), which renews,
 * expires and explains.
 */
export function sessionMembersSql(tokenHashes: readonly string[], roles: readonly Role[], now = new Date()) {
  return sql<{ token_hash: string; organisation_id: string; member_id: string | null }>`
    SELECT s.id AS token_hash, s.organisation_id, ou.member_id
    FROM sessions s
    JOIN organisation_users ou ON ou.organisation_id = s.organisation_id AND ou.user_id = s.user_id
    WHERE s.id = ANY(${tokenHashes}::text[]) AND s.expires_at > ${new Date(now.getTime() + RENEW_WITHIN_MS)}
      AND EXISTS (SELECT 1 FROM user_roles r WHERE r.organisation_id = s.organisation_id AND r.user_id = s.user_id AND r.role = ANY(${roles}::text[]))
  `;
}

export async function invalidateSession(db: Executor, sessionId: string) {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function invalidateAllSessions(db: Executor, userId: string) {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

export async function switchOrganisation(db: Executor, sessionId: string, userId: string, organisationId: string) {
  const belongs = await db
    .selectFrom("organisation_users")
    .select("organisation_id")
    .where("user_id", "=", userId)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!belongs) return false;
  await db.updateTable("sessions").set({ organisation_id: organisationId }).where("id", "=", sessionId).execute();
  return true;
}

export async function organisationsOfUser(db: Executor, userId: string) {
  return db
    .selectFrom("organisation_users as ou")
    .innerJoin("organisations as o", "o.id", "ou.organisation_id")
    .select(["o.id", "o.slug", "o.name"])
    .where("ou.user_id", "=", userId)
    .orderBy("o.name")
    .execute();
}

export type LoginResult =
  | { ok: true; userId: string; organisationId: string | null }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date; scope: "account" | "address" };

/**
 * Log-in: the same answer and about the same time for an unknown email and
 * a wrong password, so the form cannot be used to find who is registered.
 *
 * Throttling (ADR 0013): failures count against the client's address (50 in
 * 15 minutes) and against the account, from whatever address (the 10th in
 * 15 minutes locks it for an hour and emails its owner an unlock link).
 * Every attempt is counted before the password is checked, so concurrent
 * guesses cannot slip past a limit; a right password takes its count back.
 * Unknown emails are counted like accounts, so a lock says nothing about
 * who is registered.
 */
export async function attemptLogin(
  db: Executor,
  input: { email: string; password: string; ip: string; appUrl: string },
  now = new Date(),
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const accountKey = limitKeys.loginAccount(email);
  const addressKey = limitKeys.loginAddress(input.ip);
  const byAddress = await consume(db, addressKey, LIMITS.loginAddress, now);
  if (!byAddress.allowed) return { ok: false, reason: "throttled", retryAt: byAddress.retryAt, scope: "address" };
  const byAccount = await consume(db, accountKey, LIMITS.loginAccount, now);
  if (!byAccount.allowed) return { ok: false, reason: "throttled", retryAt: byAccount.retryAt, scope: "account" };

  const user = await db.selectFrom("users").select(["id", "name", "password_hash"]).where("email", "=", email).executeTakeFirst();
  const passwordHash = user?.password_hash ?? (await dummyPasswordHash());
  const valid = (await verifyPassword(passwordHash, input.password)) && !!user?.password_hash;
  await db.insertInto("login_attempts").values({ email, ip: input.ip, succeeded: valid, at: now }).execute();
  if (!valid || !user) {
    const lockUntil = lockAfterFailure(byAccount.points, LIMITS.loginAccount, now);
    if (lockUntil && (await lockKey(db, accountKey, lockUntil, now)) && user) {
      await sendUnlockLink(db, { userId: user.id, name: user.name, email, lockedUntil: lockUntil, appUrl: input.appUrl }, now);
    }
    return { ok: false, reason: "invalid" };
  }
  await clearLimit(db, accountKey);
  await reward(db, addressKey);

  const first = await db
    .selectFrom("organisation_users as ou")
    .innerJoin("organisations as o", "o.id", "ou.organisation_id")
    .select("o.id")
    .where("ou.user_id", "=", user.id)
    .orderBy("o.name")
    .executeTakeFirst();
  return { ok: true, userId: user.id, organisationId: first?.id ?? null };
}

const UNLOCK_HOURS = 24;

async function sendUnlockLink(
  db: Executor,
  input: { userId: string; name: string; email: string; lockedUntil: Date; appUrl: string },
  now: Date,
) {
  const token = generateToken();
  await db
    .insertInto("account_unlocks")
    .values({ token_hash: hashToken(token), user_id: input.userId, expires_at: new Date(now.getTime() + UNLOCK_HOURS * 3_600_000) })
    .execute();
  await queueEmail(db, {
    organisationId: null,
    to: input.email,
    subject: "Log-in to your account is locked",
    body:
      `Hello ${input.name},\n\nThere have been ${LIMITS.loginAccount.limit} failed attempts to log in to your account with a wrong password, so we have locked log-in to it until ${clockTime(input.lockedUntil)} (UK time).\n\n` +
      `If the attempts were yours, open this link to unlock your account now:\n\n${input.appUrl}/unlock/${token}\n\n` +
      `If they were not yours, someone may be trying to guess your password. The lock protects you; you may also want to choose a new, longer password (use "Forgotten your password?" on the log-in page).`,
  });
}

export async function findValidUnlock(db: Executor, token: string, now = new Date()) {
  return db
    .selectFrom("account_unlocks")
    .select("user_id")
    .where("token_hash", "=", hashToken(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
}

/**
 * Uses an emailed link's token once: marks the live, unused row of `table`
 * that holds its hash as used and returns its user, or undefined.
 */
async function spendEmailedToken(db: Executor, table: "account_unlocks" | "password_resets", token: string, now: Date) {
  return db
    .updateTable(table)
    .set({ used_at: now })
    .where("token_hash", "=", hashToken(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning("user_id")
    .executeTakeFirst();
}

/** Uses an unlock link (once): the account's failed log-ins are forgotten and its lock lifted. */
export async function unlockAccount(db: Executor, token: string, now = new Date()) {
  const used = await spendEmailedToken(db, "account_unlocks", token, now);
  if (!used) return false;
  const user = await db.selectFrom("users").select("email").where("id", "=", used.user_id).executeTakeFirstOrThrow();
  await clearLimit(db, limitKeys.loginAccount(user.email));
  return true;
}

const RESET_MINUTES = 60;

export type ResetRequestResult = { ok: true } | { ok: false; retryAt: Date };

/**
 * Always behaves the same whether or not the email is known. Limited per
 * client address and per email (counted for unknown emails too, so the
 * limit says nothing about who is registered).
 */
export async function requestPasswordReset(db: Executor, input: { email: string; ip: string; appUrl: string }, now = new Date()): Promise<ResetRequestResult> {
  const email = input.email.trim().toLowerCase();
  const allowed = await consumeBoth(
    db,
    { key: limitKeys.resetAddress(input.ip), policy: LIMITS.resetAddress },
    { key: limitKeys.resetEmail(email), policy: LIMITS.resetEmail },
    now,
  );
  if (!allowed.allowed) return { ok: false, retryAt: allowed.retryAt };
  const user = await db.selectFrom("users").select(["id", "name"]).where("email", "=", email).executeTakeFirst();
  if (!user) return { ok: true };
  const token = generateToken();
  await db
    .insertInto("password_resets")
    .values({ token_hash: hashToken(token), user_id: user.id, expires_at: new Date(now.getTime() + RESET_MINUTES * 60_000) })
    .execute();
  await queueEmail(db, {
    organisationId: null,
    to: email,
    subject: "Reset your password",
    body: `Hello ${user.name},\n\nSomeone asked to reset the password for this email address. If it was you, open this link within an hour to choose a new password:\n\n${input.appUrl}/reset-password/${token}\n\nThe link works once. If you did not ask, you can ignore this message.`,
  });
  return { ok: true };
}

export async function findValidPasswordReset(db: Executor, token: string, now = new Date()) {
  return db
    .selectFrom("password_resets")
    .select(["token_hash", "user_id"])
    .where("token_hash", "=", hashToken(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
}

/**
 * A new password for a user, however it is set (a reset link, the account
 * page, an invitation to someone already registered): every outstanding
 * reset link of the user is voided with it, and every session ends (the
 * caller starts a fresh one where that is wanted). Run it in the
 * transaction that changes the password.
 */
export async function setPassword(db: Executor, userId: string, password: string, now = new Date()) {
  await db.updateTable("users").set({ password_hash: await hashPassword(password) }).where("id", "=", userId).execute();
  await voidPasswordResets(db, userId, now);
  await invalidateAllSessions(db, userId);
}

/**
 * Whether `password` is the user's current one (the account page asks for it
 * before a new one is set). A user without a password (invited, never set
 * one) has none to match.
 */
export async function isCurrentPassword(db: Executor, userId: string, password: string): Promise<boolean> {
  const user = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
  return !!user.password_hash && (await verifyPassword(user.password_hash, password));
}

/**
 * The account page's change of password: the new password (voiding reset
 * links and ending every session, as `setPassword` does), then a fresh
 * session for the device that asked. Run it in one transaction.
 */
export async function changeOwnPassword(db: Executor, userId: string, organisationId: string | null, password: string) {
  await setPassword(db, userId, password);
  return createSession(db, userId, organisationId);
}

/** Marks every unused reset link of the user as used: none of them works any more. */
export async function voidPasswordResets(db: Executor, userId: string, now = new Date()) {
  await db.updateTable("password_resets").set({ used_at: now }).where("user_id", "=", userId).where("used_at", "is", null).execute();
}

/** Uses the link (once), sets the password, voids the user's other reset links and ends every session of the user. */
export async function resetPassword(db: Executor, token: string, password: string, now = new Date()) {
  const used = await spendEmailedToken(db, "password_resets", token, now);
  if (!used) return null;
  await setPassword(db, used.user_id, password, now);
  return used.user_id;
}

const INVITATION_DAYS = 14;

export async function createInvitation(
  db: Executor,
  input: { organisationId: string; organisationName: string; email: string; roles: Role[]; memberId?: string | null; invitedBy: string; appUrl: string },
  now = new Date(),
) {
  const token = generateToken();
  const email = input.email.trim().toLowerCase();
  const invitation = await db
    .insertInto("invitations")
    .values({
      organisation_id: input.organisationId,
      email,
      roles: input.roles,
      member_id: input.memberId ?? null,
      token_hash: hashToken(token),
      invited_by: input.invitedBy,
      expires_at: new Date(now.getTime() + INVITATION_DAYS * DAY_MS),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await queueEmail(db, {
    organisationId: input.organisationId,
    to: email,
    subject: `You are invited to ${input.organisationName}`,
    body: `Hello,\n\nYou have been invited to use ${input.organisationName}'s membership system. Open this link to set your password and sign in (it works for ${INVITATION_DAYS} days):\n\n${input.appUrl}/invitation/${token}\n`,
  });
  return { id: invitation.id, token };
}

export async function findValidInvitation(db: Executor, token: string, now = new Date()) {
  return db
    .selectFrom("invitations as i")
    .innerJoin("organisations as o", "o.id", "i.organisation_id")
    .select(["i.id", "i.email", "i.roles", "i.organisation_id", "i.member_id", "o.name as organisation_name"])
    .where("i.token_hash", "=", hashToken(token))
    .where("i.accepted_at", "is", null)
    .where("i.expires_at", ">", now)
    .executeTakeFirst();
}

/** Accepting creates the user if new (setting the password), joins the organisation with the invited roles. */
export async function acceptInvitation(db: Executor, token: string, input: { name: string; password: string }, now = new Date()) {
  const invitation = await db
    .updateTable("invitations")
    .set({ accepted_at: now })
    .where("token_hash", "=", hashToken(token))
    .where("accepted_at", "is", null)
    .where("expires_at", ">", now)
    .returning(["organisation_id", "email", "roles", "member_id"])
    .executeTakeFirst();
  if (!invitation) return null;
  const passwordHash = await hashPassword(input.password);
  const existing = await db.selectFrom("users").select("id").where("email", "=", invitation.email).executeTakeFirst();
  const userId = existing
    ? existing.id
    : (await db.insertInto("users").values({ email: invitation.email, name: input.name, password_hash: passwordHash }).returning("id").executeTakeFirstOrThrow()).id;
  if (existing) {
    // Someone already registered sets a new password here: as with any new password, their reset links stop working.
    await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
    await voidPasswordResets(db, userId, now);
  }
  await db
    .insertInto("organisation_users")
    .values({ organisation_id: invitation.organisation_id, user_id: userId, member_id: invitation.member_id })
    .onConflict((oc) => oc.columns(["organisation_id", "user_id"]).doUpdateSet({ member_id: invitation.member_id }))
    .execute();
  for (const role of invitation.roles) {
    await db
      .insertInto("user_roles")
      .values({ organisation_id: invitation.organisation_id, user_id: userId, role })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return { userId, organisationId: invitation.organisation_id };
}
