import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { bodyLimits, MAX_FORM_BYTES } from "~/utils/http.server";
import { hashToken } from "~/utils/tokens.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { Browser, serverWithSecretary, startTestServer } from "../http";

const t = serverWithSecretary();

describe("log-in over HTTP", () => {
  it("sets an HttpOnly, SameSite=Lax session cookie and a new session id at every log-in", async () => {
    const b = new Browser(t.server.base);
    const res = await b.post("/login", { email: t.secretary.email, password: t.secretary.password });
    expect(res.status).toBe(302);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    const first = b.cookie;
    await b.post("/login", { email: t.secretary.email, password: t.secretary.password });
    expect(b.cookie).not.toBe(first);
    // The first session was ended when the second began (no fixation, no leftovers).
    const firstToken = first.split("=")[1];
    expect(await t.db.selectFrom("sessions").select("id").where("id", "=", hashToken(firstToken)).executeTakeFirst()).toBeUndefined();
  });

  it("answers a wrong password and an unknown email with the same message, keeping the email typed", async () => {
    const b = new Browser(t.server.base);
    const wrong = await (await b.post("/login", { email: t.secretary.email, password: "nope nope nope" })).text();
    const unknown = await (await b.post("/login", { email: "ghost@example.test", password: "nope nope nope" })).text();
    expect(wrong).toContain("That email and password do not match an account.");
    expect(unknown).toContain("That email and password do not match an account.");
    expect(wrong).toContain(`value="${t.secretary.email}"`);
    expect(wrong).not.toContain("nope nope nope");
  });

  it("shows field errors beside the fields for bad input", async () => {
    const b = new Browser(t.server.base);
    const html = await (await b.post("/login", { email: "not-an-email", password: "" })).text();
    expect(html).toContain("Enter an email address like name@example.org");
    expect(html).toContain("Enter your password");
    expect(html).toContain('aria-invalid="true"');
  });

  it("ends the session on the server at log-out", async () => {
    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    const token = b.cookie.split("=")[1];
    expect((await b.get("/dashboard")).status).toBe(200);
    const out = await b.post("/logout");
    expect(out.status).toBe(302);
    expect(await t.db.selectFrom("sessions").select("id").where("id", "=", hashToken(token)).executeTakeFirst()).toBeUndefined();
    // Replaying the old cookie gets nothing.
    const replay = await fetch(t.server.base + "/dashboard", { redirect: "manual", headers: { Cookie: `session=${token}` } });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toMatch(/^\/login/);
  });
});

describe("request forgery and headers", () => {
  it("refuses a cross-site POST, and one with no Origin or Referer at all", async () => {
    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    const before = await t.db.selectFrom("members").select("id").where("organisation_id", "=", t.org.id).execute();
    const form = { kind: "person", name: "Forged Member", postcode: "PR1 1AA", status: "admitted", statusDate: "2026-01-01" };
    const cross = await b.post("/members/new", form, { Origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    const siteHeader = await b.post("/members/new", form, { Origin: t.server.base, "Sec-Fetch-Site": "cross-site" });
    expect(siteHeader.status).toBe(403);
    const none = await fetch(t.server.base + "/members/new", {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: b.cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
    expect(none.status).toBe(403);
    const after = await t.db.selectFrom("members").select("id").where("organisation_id", "=", t.org.id).execute();
    expect(after.length).toBe(before.length);
    // The same request from the site itself works.
    const ok = await b.post("/members/new", form);
    expect(ok.status).toBe(302);
  });

  it("behind HTTPS, takes posts from the site's https address and still refuses other sites", async () => {
    // TLS ends at the proxy in front of the server: the browser's Origin says https, the socket here is plain http.
    const behindProxy = await startTestServer({ secure: true });
    try {
      const host = new URL(behindProxy.base).host;
      const login = (server: string, origin: string) => new Browser(server).post("/login", { email: t.secretary.email, password: t.secretary.password }, { Origin: origin });
      expect((await login(behindProxy.base, `https://${host}`)).status).toBe(302);
      expect((await login(behindProxy.base, behindProxy.base)).status).toBe(302);
      expect((await login(behindProxy.base, "https://evil.example")).status).toBe(403);
      expect((await login(behindProxy.base, `https://${host}.evil.example`)).status).toBe(403);
      // Served over plain http, the https address is another origin.
      expect((await login(t.server.base, `https://${new URL(t.server.base).host}`)).status).toBe(403);
    } finally {
      await behindProxy.close();
    }
  });

  it("answers a form post over its limit and an upload over its route's limit with 413, declared or not, and stays up", async () => {
    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    const big = "minutes=" + "x".repeat(MAX_FORM_BYTES + 10);
    const declared = await b.post("/members/new", { name: big });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain("larger than 1 MB");
    // Sent in chunks with no Content-Length, to a ballot page (which the ballot box reads first).
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(64 * 1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`${t.server.base}/motions/00000000-0000-4000-8000-000000000000`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: b.cookie, Origin: t.server.base, "Content-Type": "application/x-www-form-urlencoded" },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    // An upload (multipart) may be larger, up to its own limit.
    // A declared length over the upload limit is refused before any of the body is read.
    const declaredUpload = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.server.base}/import`, {
        method: "POST",
        headers: { Cookie: b.cookie, Origin: t.server.base, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(bodyLimits("/import").maxBytes + 1) },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", reject);
      req.write("--x\r\n");
    });
    expect(declaredUpload).toBe(413);
    expect((await fetch(t.server.base + "/login")).status).toBe(200);
  });

  it("sends a nonce-based CSP without unsafe-inline scripts, and anti-framing headers", async () => {
    const res = await fetch(t.server.base + "/login");
    const csp = res.headers.get("content-security-policy")!;
    const script = /script-src ([^;]+)/.exec(csp)![1];
    expect(script).not.toContain("unsafe-inline");
    const nonce = /'nonce-([^']+)'/.exec(script)![1];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    // Every inline script on the page carries the nonce.
    const html = await res.text();
    const scripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s[1]).toContain(`nonce="${nonce}"`);
  });
});

describe("error pages", () => {
  it("shows a 404 page for unknown addresses", async () => {
    const res = await fetch(t.server.base + "/no-such-page");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Page not found");
  });

  it("shows a 403 page naming the roles that may", async () => {
    const member = await makeUser(t.db, { organisationId: t.org.id, roles: ["member"] });
    const b = new Browser(t.server.base);
    await b.login(member.email, member.password);
    const res = await b.get("/members");
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("You don&#x27;t have access to this page");
    expect(html).toMatch(/needs the role Owner or Secretary or Board or Auditor/);
  });

  it("shows a 404, not another organisation's member", async () => {
    const other = await makeOrganisation(t.db);
    const theirs = await makeMember(t.db, other.id, { name: "Not Yours" });
    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    const res = await b.get(`/members/${theirs.id}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("Not Yours");
  });
});

describe("members over HTTP", () => {
  it("adds a member through the form, keeps typed values on error, and lists them", async () => {
    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    const bad = await b.post("/members/new", { kind: "person", name: "Typed Name", postcode: "NOT A POSTCODE", status: "admitted", statusDate: "2026-02-30" });
    expect(bad.status).toBe(200);
    const html = await bad.text();
    expect(html).toContain("Enter a UK postcode like PR1 2AB");
    expect(html).toContain("That date does not exist");
    expect(html).toContain('value="Typed Name"');
    const good = await b.post("/members/new", { kind: "person", name: "Harriet Hesketh", postcode: "pr2 8aa", status: "admitted", statusDate: "2026-02-28" });
    expect(good.status).toBe(302);
    const list = await (await b.get("/members?q=harr")).text();
    expect(list).toContain("Harriet Hesketh");
    expect(list).toContain("PR2 8AA");
  });
});
