/**
 * Every route's action under random bodies (issue #13 point 8): random
 * fields (the page's own field names and values, and hostile ones), random
 * content types and encodings (url-encoded, multipart with and without a
 * file, JSON, XML, text, none, nonsense; with a Content-Length or chunked),
 * posted as an anonymous visitor and as a signed-in owner (or, where the
 * owner may not, the first role that may). Whatever comes,
 * the answer is never a 500: bad input is a 400, 413 or 415 with a message,
 * or the page with field errors.
 */
import type { ServerBuild } from "@remix-run/node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permissionsFor, ROLES, type Role } from "~/domain/permissions";
import { createSession } from "~/models/core/auth.server";
import type { AccessRule } from "~/utils/access";
import type { Database } from "~/utils/db.server";
import { loadBuild } from "../../server/server";
import { testDb } from "../db";
import { startTestServer, type TestServer } from "../http";
import { routeCases, routeUrl, routeWorld } from "../routes";

/** Runs per route and visitor; RANDOM_BODY_RUNS=200 for a longer hunt. */
const RUNS = Number(process.env.RANDOM_BODY_RUNS ?? 6);

let db: Database;
let server: TestServer;
let build: ServerBuild;
let world: Awaited<ReturnType<typeof routeWorld>>;

beforeAll(async () => {
  db = await testDb();
  server = await startTestServer();
  build = await loadBuild();
  world = await routeWorld(db, "Random Bodies Member");
});
afterAll(async () => server?.close());

type Who = "anonymous" | Role;

async function cookieFor(who: Who) {
  if (who === "anonymous") return "";
  // A fresh session per request: log-out or a password change must not spoil the next run.
  const { token } = await createSession(db, world.users[who].id, world.users[who].orgId);
  return `session=${token}`;
}

/** The owner, or for an action the owner may not take (a member's own pages, lending), the first role that may. */
function signedIn(rule: AccessRule | undefined): Role {
  if (!rule || rule === "public" || rule === "signed-in" || permissionsFor(["owner"]).has(rule)) return "owner";
  return ROLES.find((r) => permissionsFor([r]).has(rule)) ?? "owner";
}

/**
 * The fields of the page's own forms with the values they start with (the
 * first of each name), and every value the page offers, so random posts
 * start from a form that could pass and reach the schemas and the database.
 */
async function pageFields(path: string, role: Role): Promise<{ base: [string, string][]; names: string[]; values: string[] }> {
  let html = "";
  for (const who of [role, "anonymous"] as const) {
    const res = await fetch(server.base + path, { redirect: "manual", headers: { Cookie: await cookieFor(who) } });
    if (res.ok) html += await res.text();
  }
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  const base = new Map<string, string>();
  const fields = [
    ...[...html.matchAll(/<input\b([^>]*)>/g)].map((m) => ({ at: m.index, tag: m[1], value: attr(m[1], "value") ?? (attr(m[1], "type") === "checkbox" ? "on" : "") })),
    ...[...html.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)].map((m) => ({ at: m.index, tag: m[1], value: /<option[^>]*\bselected[^>]*value="([^"]*)"/.exec(m[2])?.[1] ?? /<option[^>]*value="([^"]+)"/.exec(m[2])?.[1] ?? "" })),
    ...[...html.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)].map((m) => ({ at: m.index, tag: m[1], value: m[2] })),
  ].sort((a, b) => a.at - b.at);
  for (const f of fields) {
    const name = attr(f.tag, "name");
    if (name && !base.has(name)) base.set(name, f.value);
  }
  const values = [...new Set([...html.matchAll(/\bvalue="([^"]*)"/g)].map((m) => m[1]))];
  return { base: [...base], names: [...base.keys()], values };
}

const hostile = fc.constantFrom(
  "", " ", "\u0000", "a\u0000b", "<script>alert(1)</script>", "'; drop table members; --", "=HYPERLINK(\"x\")",
  "-1", "0", "1", "1.5", "1e309", "NaN", "Infinity", "0x10", "１２",
  "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999.99", "9".repeat(400),
  "2026-02-30", "0000-00-00", "9999-12-31", "275760-09-13", "2026-13-01", "PR1 2AB", "a@b.c", "00000000-0000-4000-8000-000000000000",
  "x".repeat(5000), "\ud800", "%00", "%", "on", "true", "yes",
);

function valueArb(pageValues: string[]) {
  return fc.oneof(hostile, fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), ...(pageValues.length ? [fc.constantFrom(...pageValues)] : []));
}

const contentTypes = fc.constantFrom(
  "urlencoded", "urlencoded", "multipart", "multipart", "multipart-file",
  "application/json", "application/xml", "text/plain", "none", "multipart/form-data", "application/x-www-form-urlencoded; charset=iso-8859-1", "foo/bar; x=\u00ff",
);

interface Post {
  type: string;
  fields: [string, string][];
  raw: string | null;
  chunked: boolean;
}

/** The bytes and content type of a random post. */
async function encode(post: Post): Promise<{ body: Uint8Array<ArrayBuffer>; contentType: string | null }> {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  const form = new FormData();
  for (const [k, v] of post.fields) form.append(k, v);
  switch (post.type) {
    case "urlencoded":
      return { body: utf8(post.raw ?? new URLSearchParams(post.fields).toString()), contentType: "application/x-www-form-urlencoded" };
    case "multipart":
    case "multipart-file": {
      if (post.type === "multipart-file") form.append(post.fields[0]?.[0] ?? "file", new File([post.raw ?? "a,b\n1,2\n"], "upload.csv", { type: "text/csv" }));
      const res = new Response(form);
      return { body: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get("content-type") };
    }
    case "application/json":
      return { body: utf8(post.raw ?? JSON.stringify(Object.fromEntries(post.fields))), contentType: post.type };
    case "application/xml":
      return { body: utf8(`<form>${post.fields.map(([k, v]) => `<${k}>${v}</${k}>`).join("")}</form>`), contentType: post.type };
    case "none":
      return { body: utf8(post.raw ?? new URLSearchParams(post.fields).toString()), contentType: null };
    default:
      return { body: utf8(post.raw ?? new URLSearchParams(post.fields).toString()), contentType: post.type };
  }
}

async function send(path: string, who: Who, post: Post) {
  const { body, contentType } = await encode(post);
  const headers: Record<string, string> = { Origin: server.base, Cookie: await cookieFor(who) };
  if (contentType) headers["Content-Type"] = contentType;
  const init: RequestInit & { duplex?: "half" } = { method: "POST", redirect: "manual", headers };
  if (post.chunked) {
    // No Content-Length: the body arrives in pieces of random sizes.
    const pieces = [body.slice(0, body.length >> 1), body.slice(body.length >> 1)];
    init.body = new ReadableStream({ start: (c) => { for (const p of pieces) c.enqueue(p); c.close(); } });
    init.duplex = "half";
  } else {
    init.body = new Blob([body]);
  }
  const res = await fetch(server.base + path, init);
  return { status: res.status, text: await res.text() };
}

describe("every route's action under random bodies", () => {
  it("covers every action of the app", () => {
    expect(routeCases(build).filter((c) => c.hasAction).length).toBeGreaterThan(30);
  });

  it("never answers a random post with a 500", async () => {
    for (const c of routeCases(build).filter((r) => r.hasAction)) {
      const path = routeUrl(c, world.fixtures);
      const role = signedIn(c.access?.action);
      const { base, names, values } = await pageFields(path, role);
      const nameArb = fc.oneof(...(names.length ? [fc.constantFrom(...names)] : []), fc.constantFrom("intent", "extra", "__proto__", "a\u0000"), fc.string({ maxLength: 10 }));
      // The page's form with some fields left out and a few changed or added.
      const fieldsArb = fc
        .tuple(fc.array(fc.constantFrom(true, true, true, false), { minLength: base.length, maxLength: base.length }), fc.array(fc.tuple(nameArb, valueArb(values)), { maxLength: 4 }))
        .map(([keep, changes]) => {
          const fields = base.filter((_, i) => keep[i]);
          for (const [name, value] of changes) {
            const at = fields.findIndex(([n]) => n === name);
            if (at >= 0) fields[at] = [name, value];
            else fields.push([name, value]);
          }
          return fields;
        });
      const postArb = fc.record({
        type: contentTypes,
        fields: fieldsArb,
        raw: fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom("%ZZ=%", "a=%00", "\u0000", "{", "--x\r\n", "=&=&&")), { freq: 4 }),
        chunked: fc.boolean(),
      });
      for (const who of ["anonymous", role] as const) {
        await fc.assert(
          fc.asyncProperty(postArb, async (post) => {
            const r = await send(path, who, post);

            expect(r.status, `POST ${path} as ${who} (${post.type}${post.chunked ? ", chunked" : ""}) answered ${r.status}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
          }),
          { numRuns: RUNS },
        );
      }
    }
  }, 600_000);
});
