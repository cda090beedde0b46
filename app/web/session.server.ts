import { data, redirect } from "@remix-run/node";
import { noteRequestUser } from "~/utils/logger.server";
import { permissionsFor, rolesWith, ROLE_LABELS, type Permission } from "~/domain/permissions";
import { createSession, validateSessionToken, type SessionContext } from "~/models/core/auth.server";
import { createLoginChallenge, hasSecondFactor } from "~/models/core/two-factor.server";
import { getDb } from "~/utils/db.server";
import { env } from "~/utils/env.server";

export const SESSION_COOKIE = "session";

/** Whether the site is served over HTTPS (TLS ends at a proxy in front of this server): SECURE_COOKIES, on by default in production. */
export function servedOverHttps() {
  const setting = env().SECURE_COOKIES;
  return setting ? setting === "true" : env().NODE_ENV === "production";
}

export function sessionCookie(token: string, expiresAt: Date) {
  const parts = [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Expires=${expiresAt.toUTCString()}`];
  if (servedOverHttps()) parts.push("Secure");
  return parts.join("; ");
}

export function clearSessionCookie() {
  const parts = [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0"];
  if (servedOverHttps()) parts.push("Secure");
  return parts.join("; ");
}

/** A log-in waiting for its second factor (ADR 0013): the challenge's token, for ten minutes. */
export const CHALLENGE_COOKIE = "login_challenge";

export function challengeCookie(token: string, expiresAt: Date | null) {
  const parts = [`${CHALLENGE_COOKIE}=${token}`, "Path=/login", "HttpOnly", "SameSite=Lax", expiresAt ? `Expires=${expiresAt.toUTCString()}` : "Max-Age=0"];
  if (servedOverHttps()) parts.push("Secure");
  return parts.join("; ");
}

export function readChallengeToken(request: Request): string | null {
  for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CHALLENGE_COOKIE) return rest.join("=") || null;
  }
  return null;
}

export function readSessionToken(request: Request): string | null {
  return sessionTokenFromCookies(request.headers.get("Cookie"));
}

/** The session token in a Cookie header, or null. */
export function sessionTokenFromCookies(header: string | null | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) return rest.join("=") || null;
  }
  return null;
}

export interface RequestContext extends SessionContext {
  permissions: Set<Permission>;
}

/** The signed-in user for this request, or null. Cached per Request object. */
const cache = new WeakMap<Request, Promise<RequestContext | null>>();
export function getRequestContext(request: Request): Promise<RequestContext | null> {
  let found = cache.get(request);
  if (!found) {
    found = (async () => {
      const token = readSessionToken(request);
      if (!token) return null;
      const ctx = await validateSessionToken(await getDb(), token);
      if (!ctx) return null;
      noteRequestUser(ctx.user.id, ctx.organisation?.id);
      return { ...ctx, permissions: permissionsFor(ctx.roles) };
    })();
    cache.set(request, found);
  }
  return found;
}

/** Where an officer who must have a second factor, and has none yet, is sent before anything else. */
export const TWO_FACTOR_SETUP_PATH = "/account/two-factor";

/**
 * The signed-in user, or a redirect to log in. An officer of an
 * organisation that requires a second factor, who has not set one up, is
 * sent to set it up first; only the pages that let them do so (or leave)
 * pass `allowWithoutSecondFactor`.
 */
export async function requireUser(request: Request, opts: { allowWithoutSecondFactor?: boolean } = {}): Promise<RequestContext> {
  const ctx = await getRequestContext(request);
  if (!ctx) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (ctx.secondFactorMissing && !opts.allowWithoutSecondFactor) throw redirect(TWO_FACTOR_SETUP_PATH);
  return ctx;
}

export interface OrgContext extends RequestContext {
  organisation: NonNullable<SessionContext["organisation"]>;
}

/**
 * The one check at the top of every loader and action. Not signed in:
 * redirect to log-in. Signed in without the permission in the organisation
 * in use: 403 naming the roles that have it.
 */
export async function requirePermission(request: Request, permission: Permission): Promise<OrgContext> {
  const ctx = await requireUser(request);
  if (!ctx.organisation || !ctx.permissions.has(permission)) {
    const roles = rolesWith(permission).map((r) => ROLE_LABELS[r]);
    throw data({ permission, roles, message: `This page needs the role ${roles.join(" or ")}.` }, { status: 403 });
  }
  return ctx as OrgContext;
}

export async function startSession(userId: string, organisationId: string | null, redirectTo: string, otherCookies: string[] = []) {
  const { token, expiresAt } = await createSession(await getDb(), userId, organisationId);
  const headers = new Headers();
  headers.append("Set-Cookie", sessionCookie(token, expiresAt));
  for (const cookie of otherCookies) headers.append("Set-Cookie", cookie);
  return redirect(redirectTo, { headers });
}

/**
 * After a right password: a session, or for a user with a second factor, a
 * log-in challenge (cookie) and the page that asks for the code.
 */
export async function startSessionOrChallenge(userId: string, organisationId: string | null, redirectTo: string) {
  const db = await getDb();
  if (!(await hasSecondFactor(db, userId))) return startSession(userId, organisationId, redirectTo);
  const { token, expiresAt } = await createLoginChallenge(db, { userId, organisationId, redirectTo });
  return redirect("/login/two-factor", { headers: { "Set-Cookie": challengeCookie(token, expiresAt) } });
}

export function clientIp(request: Request): string {
  // Set by our own server (server/server.ts): the socket's address, or with TRUST_PROXY the one our proxy saw; never a client's header.
  return request.headers.get("x-client-ip") ?? "unknown";
}

export function appUrl(request: Request): string {
  return env().APP_URL ?? new URL(request.url).origin;
}

/** Only same-site paths are followed after log-in (no open redirects): the rule is app/domain/redirects.ts. */
export { safeRedirect } from "~/domain/redirects";
