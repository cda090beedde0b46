/**
 * Every route of the built app, with its declared access and a way to fill
 * its path's parameters with fixture ids: shared by the authorisation matrix
 * and the random-body property test, so both cover every route.
 */
import type { ServerBuild } from "@remix-run/node";
import { ROLES, type Role } from "~/domain/permissions";
import type { RouteAccess } from "~/utils/access";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../db/factories";
import { governanceFixtures } from "./fixtures/governance";
import { impactFixtures } from "./fixtures/impact";
import { lendingFixtures } from "./fixtures/lending";
import { sharesFixtures } from "./fixtures/shares";
import { treasuryFixtures } from "./fixtures/treasury";

export interface RouteCase {
  id: string;
  path: string;
  access: RouteAccess | undefined;
  hasLoader: boolean;
  hasAction: boolean;
  params: string[];
}

export function routeCases(build: ServerBuild): RouteCase[] {
  const routes = build.routes;
  const fullPath = (id: string): string => {
    const r = routes[id];
    if (!r) return "";
    const parent = r.parentId ? fullPath(r.parentId) : "";
    return [parent, r.path ?? ""].filter(Boolean).join("/").replace(/\/+/g, "/");
  };
  return Object.values(routes).map((r) => {
    const path = "/" + fullPath(r!.id).replace(/^\//, "");
    const mod = r!.module as unknown as Record<string, unknown>;
    return {
      id: r!.id,
      path,
      access: mod.access as RouteAccess | undefined,
      hasLoader: typeof mod.loader === "function",
      hasAction: typeof mod.action === "function",
      params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]),
    };
  });
}

/** The route's path with each :parameter replaced by its fixture id. */
export function routeUrl(c: RouteCase, fixtures: Record<string, string>) {
  return c.path.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in fixtures)) throw new Error(`route ${c.id}: add a fixture for the :${name} parameter in tests/routes.ts`);
    return fixtures[name];
  });
}

/**
 * An organisation with a member (named `memberName`), one user per role, an
 * outsider from another organisation holding every role, and ids for every
 * route parameter (from the shares, governance, lending and impact fixtures).
 */
export async function routeWorld(db: Database, memberName: string) {
  const org = await makeOrganisation(db);
  const other = await makeOrganisation(db);
  const member = await makeMember(db, org.id, { name: memberName });
  const fixtures: Record<string, string> = { memberId: member.id, token: "not-a-real-token", feedToken: "not-a-real-token" };
  const users: Partial<Record<Role | "outsider", { id: string; orgId: string }>> = {};
  for (const role of ROLES) {
    const u = await makeUser(db, { organisationId: org.id, roles: [role], memberId: role === "member" ? member.id : null });
    users[role] = { id: u.id, orgId: org.id };
  }
  const byRole = Object.fromEntries(ROLES.map((r) => [r, users[r]!.id])) as Record<Role, string>;
  for (const make of [sharesFixtures, governanceFixtures, lendingFixtures, impactFixtures, treasuryFixtures]) {
    Object.assign(fixtures, await make({ db, organisationId: org.id, memberId: member.id, users: byRole }));
  }
  const outsider = await makeUser(db, { organisationId: other.id, roles: [...ROLES] });
  users.outsider = { id: outsider.id, orgId: other.id };
  return { org, fixtures, users: users as Record<Role | "outsider", { id: string; orgId: string }> };
}
