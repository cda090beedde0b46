/**
 * The role x route matrix: every loader and action of the built app, for
 * anonymous visitors, each role alone, and an outsider from another
 * organisation holding every role. Each route is held to the `access` it
 * declares and to the permission table, so a route without a check (or
 * without a declaration) fails here.
 */
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permissionsFor, ROLES, type Role } from "~/domain/permissions";
import { createSession } from "~/models/auth.server";
import type { AccessRule, RouteAccess } from "~/utils/access";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { loadBuild } from "../../scripts/server";
import { testDb } from "../db";
import { governanceFixtures } from "../fixtures/governance";
import { impactFixtures } from "../fixtures/impact";
import { lendingFixtures } from "../fixtures/lending";
import { sharesFixtures } from "../fixtures/shares";
import { startTestServer, type TestServer } from "../http";

let db: Database;
let server: TestServer;
let build: ServerBuild;
const SECRET_NAME = "Zebedee Confidential";
const fixtures: Record<string, string> = {};
const users: Partial<Record<Role | "outsider", { id: string; orgId: string }>> = {};

beforeAll(async () => {
  db = await testDb();
  server = await startTestServer();
  build = await loadBuild();
  const org = await makeOrganisation(db);
  const other = await makeOrganisation(db);
  const member = await makeMember(db, org.id, { name: SECRET_NAME });
  fixtures.memberId = member.id;
  fixtures.token = "not-a-real-token";
  fixtures.feedToken = "not-a-real-token";
  for (const role of ROLES) {
    const u = await makeUser(db, { organisationId: org.id, roles: [role], memberId: role === "member" ? member.id : null });
    users[role] = { id: u.id, orgId: org.id };
  }
  const byRole = Object.fromEntries(ROLES.map((r) => [r, users[r]!.id])) as Record<Role, string>;
  for (const make of [sharesFixtures, governanceFixtures, lendingFixtures, impactFixtures]) {
    Object.assign(fixtures, await make({ db, organisationId: org.id, memberId: member.id, users: byRole }));
  }
  const outsider = await makeUser(db, { organisationId: other.id, roles: [...ROLES] });
  users.outsider = { id: outsider.id, orgId: other.id };
});
afterAll(async () => server?.close());

interface RouteCase {
  id: string;
  path: string;
  access: RouteAccess | undefined;
  hasLoader: boolean;
  hasAction: boolean;
  params: string[];
}

function routeCases(): RouteCase[] {
  const routes = build.routes;
  const fullPath = (id: string): string => {
    const r = routes[id];
    if (!r) return "";
    const parent = r.parentId ? fullPath(r.parentId) : "";
    return [parent, r.path ?? ""].filter(Boolean).join("/").replace(/\/+/g, "/");
  };
  return Object.values(routes).map((r) => {
    const path = "/" + fullPath(r.id).replace(/^\//, "");
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

function url(c: RouteCase) {
  return c.path.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in fixtures)) throw new Error(`route ${c.id}: add a fixture for the :${name} parameter in this test`);
    return fixtures[name];
  });
}

async function request(method: "GET" | "POST", path: string, who: Role | "outsider" | "anonymous") {
  let cookie = "";
  if (who !== "anonymous") {
    // A fresh session per request: an action such as log-out must not spoil the next check.
    const u = users[who]!;
    const { token } = await createSession(db, u.id, u.orgId);
    cookie = `session=${token}`;
  }
  const res = await fetch(server.base + path, {
    method,
    redirect: "manual",
    headers: { Cookie: cookie, Origin: server.base, ...(method === "POST" ? { "Content-Type": "application/x-www-form-urlencoded" } : {}) },
    body: method === "POST" ? "" : undefined,
  });
  return { status: res.status, location: res.headers.get("location") ?? "", body: await res.text() };
}

function expectAllowed(r: { status: number }, label: string) {
  expect(r.status, label).not.toBe(403);
  expect(r.status, label).toBeLessThan(500);
}

async function check(c: RouteCase, method: "GET" | "POST", rule: AccessRule | undefined) {
  const label = `${method} ${c.path}`;
  expect(rule, `${label} exports no access rule for its ${method === "GET" ? "loader" : "action"}`).toBeDefined();
  const path = url(c);
  const anonymous = await request(method, path, "anonymous");
  if (rule === "public") expectAllowed(anonymous, `${label} anonymous`);
  else {
    expect(anonymous.status, `${label} anonymous`).toBe(302);
    expect(anonymous.location, `${label} anonymous`).toMatch(/^\/login/);
  }
  for (const role of ROLES) {
    const r = await request(method, path, role);
    const allowed = rule === "public" || rule === "signed-in" || permissionsFor([role]).has(rule!);
    if (allowed) expectAllowed(r, `${label} as ${role}`);
    else expect(r.status, `${label} as ${role} must be refused`).toBe(403);
  }
  const outsider = await request(method, path, "outsider");
  // Never another organisation's data: refused, not found, or a page without it.
  expect(outsider.body, `${label} as outsider`).not.toContain(SECRET_NAME);
  // Ids from this organisation, asked for by a member of another: refused or not found (public pages excepted).
  if (rule !== "public" && c.params.some((p) => p !== "token")) expect([403, 404], `${label} as outsider`).toContain(outsider.status);
}

describe("authorisation matrix", () => {
  it("covers every route of the app", () => {
    const cases = routeCases();
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      if (c.hasLoader) expect(c.access?.loader, `${c.id} loader has no access rule`).toBeDefined();
      if (c.hasAction) expect(c.access?.action, `${c.id} action has no access rule`).toBeDefined();
    }
  });

  it("holds every loader to its rule for every role", async () => {
    for (const c of routeCases().filter((c) => c.hasLoader)) await check(c, "GET", c.access?.loader);
  }, 120_000);

  it("holds every action to its rule for every role", async () => {
    for (const c of routeCases().filter((c) => c.hasAction)) await check(c, "POST", c.access?.action);
  }, 120_000);

  it("lets each role see the member pages it may, with the data", async () => {
    const r = await request("GET", `/members/${fixtures.memberId}`, "secretary");
    expect(r.status).toBe(200);
    expect(r.body).toContain(SECRET_NAME);
  });
});
