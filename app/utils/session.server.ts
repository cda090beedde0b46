import { data, redirect } from "@remix-run/node";
import { noteRequestUser } from "./logger.server";
import { permissionsFor, rolesWith, ROLE_LABELS, type Permission } from "~/domain/permissions";
import { createSession, validateSessionToken, type SessionContext } from "~/models/auth.server";
import { getDb } from "./db.server";
import { env } from "./env.server";

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

export async function requireUser(request: Request): Promise<RequestContext> {
  const ctx = await getRequestContext(request);
  if (!ctx) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
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

export async function startSession(userId: string, organisationId: string | null, redirectTo: string) {
  const { token, expiresAt } = await createSession(await getDb(), userId, organisationId);
  return redirect(redirectTo, { headers: { "Set-Cookie": sessionCookie(token, expiresAt) } });
}

export function clientIp(request: Request): string {
  // Set by our own server from the socket (see scripts/server.ts); never trust X-Forwarded-For blindly.
  return request.headers.get("x-client-ip") ?? "unknown";
}

export function appUrl(request: Request): string {
  return env().APP_URL ?? new URL(request.url).origin;
}

/** Only same-site paths are followed after log-in (no open redirects): the rule is app/domain/redirects.ts. */
export { safeRedirect } from "~/domain/redirects";
