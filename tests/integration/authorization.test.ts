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
import { createSession } from "~/models/core/auth.server";
import type { AccessRule } from "~/utils/access";
import type { Database } from "~/utils/db.server";
import { loadBuild } from "../../server/server";
import { testDb } from "../db";
import { startTestServer, type TestServer } from "../http";
import { routeCases as allRouteCases, routeUrl, routeWorld, type RouteCase } from "../routes";

let db: Database;
let server: TestServer;
let build: ServerBuild;
const SECRET_NAME = "Zebedee Confidential";
let fixtures: Record<string, string> = {};
let users: Awaited<ReturnType<typeof routeWorld>>["users"];

beforeAll(async () => {
  db = await testDb();
  server = await startTestServer();
  build = await loadBuild();
  ({ fixtures, users } = await routeWorld(db, SECRET_NAME));
});
afterAll(async () => server?.close());

function routeCases(): RouteCase[] {
  return allRouteCases(build);
}

function url(c: RouteCase) {
  return routeUrl(c, fixtures);
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
