/**
 * Drives the built app over real HTTP (the server's front door, Express and the Remix build) against the
 * test database, as a browser would: cookies, forms, Origin headers.
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import type { Database } from "~/utils/db.server";
import { makeOrganisation, makeUser } from "../db/factories";
import { createHttpServer, loadBuild } from "../server/server";
import { testDb } from "./db";

export interface TestServer {
  base: string;
  close(): Promise<void>;
}

export async function startTestServer(opts: Parameters<typeof createHttpServer>[1] = {}): Promise<TestServer> {
  await testDb();
  const server = createHttpServer(await loadBuild(), opts);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Before a test file's tests: the test database and the app over HTTP (read
 * them from the returned object inside tests); the server stops after them.
 */
export function appTestBed() {
  const t = {} as { db: Database; server: TestServer };
  beforeAll(async () => {
    t.db = await testDb();
    t.server = await startTestServer();
  });
  afterAll(async () => t.server?.close());
  return t;
}

/** The same, with a fresh organisation and its secretary. */
export function serverWithSecretary() {
  const t = appTestBed() as ReturnType<typeof appTestBed> & {
    org: Awaited<ReturnType<typeof makeOrganisation>>;
    secretary: Awaited<ReturnType<typeof makeUser>>;
  };
  beforeAll(async () => {
    t.org = await makeOrganisation(t.db);
    t.secretary = await makeUser(t.db, { organisationId: t.org.id, roles: ["secretary"] });
  });
  return t;
}

/**
 * A page's words as a person reads them: tags gone (a date is `<time dateTime="2026-11-20">20 November
 * 2026</time>`), React's text separators gone, entities decoded, runs of spaces as one.
 */
export function pageText(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, "")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

export class Browser {
  cookie = "";
  constructor(public base: string) {}

  private remember(res: Response) {
    const set = res.headers.getSetCookie();
    for (const c of set) {
      const [pair] = c.split(";");
      const [name, value] = pair.split("=");
      if (name === "session") this.cookie = value ? `session=${value}` : "";
    }
  }

  async get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(this.base + path, { redirect: "manual", headers: { Cookie: this.cookie, ...headers } });
    this.remember(res);
    return res;
  }

  /**
   * Post a form. Money forms carry a one-time `submissionKey` (rendered into
   * the page; see app/models/core/form-submissions.server.ts): unless the form
   * names one, a fresh key is sent, as a newly loaded page would. Repeats of
   * one submission send the same key: `formKey` reads it from the page.
   */
  async post(path: string, form: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    if (!("submissionKey" in form)) body.append("submissionKey", crypto.randomUUID());
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await fetch(this.base + path, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: this.cookie, Origin: this.base, "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body,
    });
    this.remember(res);
    return res;
  }

  /** The one-time key of the money form on the page at `path` (each load renders a new one). */
  async formKey(path: string): Promise<string> {
    const res = await this.get(path);
    const html = await res.text();
    const key = /name="submissionKey" value="([0-9a-f-]{36})"/.exec(html)?.[1];
    if (!key) throw new Error(`no submissionKey on ${path} (${res.status})`);
    return key;
  }

  async login(email: string, password: string) {
    const res = await this.post("/login", { email, password, redirectTo: "/dashboard" });
    if (res.status !== 302 && res.status !== 303 && res.status !== 204) throw new Error(`log-in failed: ${res.status}`);
    return res;
  }
}
