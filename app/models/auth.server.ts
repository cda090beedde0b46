import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { dummyPasswordHash, generateToken, hashPassword, hashToken, verifyPassword } from "~/utils/tokens.server";
import { isRole, type Role } from "~/domain/permissions";
import { queueEmail } from "./email.server";

export const SESSION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Sliding expiry: a session used in its second half is pushed out to a full 30 days again. */
const RENEW_WITHIN_MS = (SESSION_DAYS / 2) * DAY_MS;

export const THROTTLE = { windowMinutes: 15, perAccount: 10, perIp: 50 } as const;

export interface SessionContext {
  sessionId: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string };
  organisation: { id: string; slug: string; name: string; currency: string; timeZone: string } | null;
  roles: Role[];
  memberId: string | null;
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
  member_id: string | null;
  roles: string[] | null;
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
      o.id AS org_id, o.slug AS org_slug, o.name AS org_name, o.currency AS org_currency, o.time_zone AS org_time_zone, ou.member_id,
      (SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.organisation_id = s.organisation_id AND r.user_id = s.user_id) AS roles
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
  return {
    sessionId: row.id,
    expiresAt,
    user: { id: row.user_id, email: row.email, name: row.user_name },
    // The organisation in use only counts while the user still belongs to it.
    organisation:
      row.org_id && row.roles
        ? { id: row.org_id, slug: row.org_slug!, name: row.org_name!, currency: row.org_currency!, timeZone: row.org_time_zone! }
        : null,
    roles: (row.roles ?? []).filter(isRole),
    memberId: row.member_id ?? null,
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
  | { ok: false; reason: "throttled"; retryAt: Date };

/**
 * Log-in: the same answer and about the same time for an unknown email and
 * a wrong password, so the form cannot be used to find who is registered.
 */
export async function attemptLogin(db: Executor, input: { email: string; password: string; ip: string }, now = new Date()): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const retryAt = await throttledUntil(db, email, input.ip, now);
  if (retryAt) return { ok: false, reason: "throttled", retryAt };

  const user = await db.selectFrom("users").select(["id", "password_hash"]).where("email", "=", email).executeTakeFirst();
  const passwordHash = user?.password_hash ?? (await dummyPasswordHash());
  const valid = (await verifyPassword(passwordHash, input.password)) && !!user?.password_hash;
  await db.insertInto("login_attempts").values({ email, ip: input.ip, succeeded: valid, at: now }).execute();
  if (!valid || !user) return { ok: false, reason: "invalid" };

  const first = await db
    .selectFrom("organisation_users as ou")
    .innerJoin("organisations as o", "o.id", "ou.organisation_id")
    .select("o.id")
    .where("ou.user_id", "=", user.id)
    .orderBy("o.name")
    .executeTakeFirst();
  return { ok: true, userId: user.id, organisationId: first?.id ?? null };
}

/** When too many attempts failed lately, the time the oldest of them leaves the window. */
async function throttledUntil(db: Executor, email: string, ip: string, now: Date): Promise<Date | null> {
  const since = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
  const check = async (column: "email" | "ip", value: string, limit: number) => {
    const rows = await db
      .selectFrom("login_attempts")
      .select("at")
      .where(column, "=", value)
      .where("succeeded", "=", false)
      .where("at", ">", since)
      .orderBy("at", "desc")
      .limit(limit)
      .execute();
    if (rows.length < limit) return null;
    const oldest = rows[rows.length - 1].at;
    return new Date(oldest.getTime() + THROTTLE.windowMinutes * 60_000);
  };
  return (await check("email", email, THROTTLE.perAccount)) ?? (await check("ip", ip, THROTTLE.perIp));
}

const RESET_MINUTES = 60;

/** Always behaves the same whether or not the email is known. */
export async function requestPasswordReset(db: Executor, emailInput: string, appUrl: string, now = new Date()) {
  const email = emailInput.trim().toLowerCase();
  const user = await db.selectFrom("users").select(["id", "name"]).where("email", "=", email).executeTakeFirst();
  if (!user) return;
  const token = generateToken();
  await db
    .insertInto("password_resets")
    .values({ token_hash: hashToken(token), user_id: user.id, expires_at: new Date(now.getTime() + RESET_MINUTES * 60_000) })
    .execute();
  await queueEmail(db, {
    organisationId: null,
    to: email,
    subject: "Reset your password",
    body: `Hello ${user.name},\n\nSomeone asked to reset the password for this email address. If it was you, open this link within an hour to choose a new password:\n\n${appUrl}/reset-password/${token}\n\nThe link works once. If you did not ask, you can ignore this message.`,
  });
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

/** Marks every unused reset link of the user as used: none of them works any more. */
export async function voidPasswordResets(db: Executor, userId: string, now = new Date()) {
  await db.updateTable("password_resets").set({ used_at: now }).where("user_id", "=", userId).where("used_at", "is", null).execute();
}

/** Uses the link (once), sets the password, voids the user's other reset links and ends every session of the user. */
export async function resetPassword(db: Executor, token: string, password: string, now = new Date()) {
  const used = await db
    .updateTable("password_resets")
    .set({ used_at: now })
    .where("token_hash", "=", hashToken(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning("user_id")
    .executeTakeFirst();
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
