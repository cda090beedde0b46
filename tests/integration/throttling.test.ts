import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "~/domain/throttle";
import { attemptLogin, requestPasswordReset, unlockAccount } from "~/models/core/auth.server";
import { throttleJoin } from "~/models/core/rate-limits.server";
import type { Database } from "~/utils/db.server";
import { makeOrganisation, makeUser, unique } from "../../db/factories";
import { testDb } from "../db";
import { Browser, startTestServer, type TestServer } from "../http";

const appUrl = "http://app.test";
let db: Database;
beforeAll(async () => {
  db = await testDb();
});

const mailTo = (email: string) =>
  db.selectFrom("email_outbox").select(["subject", "body"]).where("to_email", "=", email).orderBy("id").execute();

describe("account lock", () => {
  it("locks an account after 10 failures from 10 addresses, emails its owner once, and the link unlocks it (once)", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    const start = new Date();
    for (let i = 0; i < LIMITS.loginAccount.limit; i++) {
      await attemptLogin(db, { email: user.email, password: "wrong guess", ip: `198.51.100.${i}`, appUrl }, start);
    }
    // A different address, the right password: still refused, the account is locked.
    expect(await attemptLogin(db, { email: user.email, password: user.password, ip: unique("ip"), appUrl }, start)).toMatchObject({ ok: false, reason: "throttled" });
    // More failures while locked send no second email.
    await attemptLogin(db, { email: user.email, password: "wrong again", ip: unique("ip"), appUrl }, start);
    const mail = await mailTo(user.email);
    expect(mail.map((m) => m.subject)).toEqual(["Log-in to your account is locked"]);
    const token = new RegExp(`${appUrl}/unlock/([a-z0-9]+)`).exec(mail[0].body)?.[1];
    expect(token).toBeTruthy();
    const stored = await db.selectFrom("account_unlocks").select("token_hash").where("user_id", "=", user.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(token!);

    expect(await unlockAccount(db, token!, start)).toBe(true);
    expect(await attemptLogin(db, { email: user.email, password: user.password, ip: unique("ip"), appUrl }, start)).toMatchObject({ ok: true, userId: user.id });
    expect(await unlockAccount(db, token!, start)).toBe(false);
  });

  it("locks an unknown email the same way (the lock tells nobody who is registered) and emails nobody", async () => {
    const email = `${unique("ghost")}@example.test`;
    const now = new Date();
    for (let i = 0; i < LIMITS.loginAccount.limit; i++) await attemptLogin(db, { email, password: "x", ip: unique("ip"), appUrl }, now);
    expect(await attemptLogin(db, { email, password: "x", ip: unique("ip"), appUrl }, now)).toMatchObject({ ok: false, reason: "throttled" });
    expect(await mailTo(email)).toEqual([]);
  });

  it("counts concurrent guesses one by one: no more than the limit are checked", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["member"] });
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => attemptLogin(db, { email: user.email, password: `guess ${i}`, ip: unique("ip"), appUrl }, now)),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(LIMITS.loginAccount.limit);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(15 - LIMITS.loginAccount.limit);
    expect(await db.selectFrom("login_attempts").select("id").where("email", "=", user.email).execute()).toHaveLength(LIMITS.loginAccount.limit);
  });

  it("does not count a right password against a shared address", async () => {
    const org = await makeOrganisation(db);
    const ip = unique("ip");
    const now = new Date();
    for (let i = 0; i < LIMITS.loginAddress.limit + 5; i++) {
      const user = await makeUser(db, { organisationId: org.id, roles: ["member"], password: "the right password" });
      expect((await attemptLogin(db, { email: user.email, password: "the right password", ip, appUrl }, now)).ok).toBe(true);
    }
  });
});

describe("password reset and join limits", () => {
  it("sends at most 3 reset emails an hour for one address, and refuses the 4th with a time", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["member"] });
    const now = new Date("2026-07-01T12:00:00Z");
    for (let i = 0; i < LIMITS.resetEmail.limit; i++) {
      expect(await requestPasswordReset(db, { email: user.email, ip: unique("ip"), appUrl }, now)).toEqual({ ok: true });
    }
    expect(await requestPasswordReset(db, { email: user.email, ip: unique("ip"), appUrl }, now)).toEqual({ ok: false, retryAt: new Date("2026-07-01T13:00:00Z") });
    expect(await mailTo(user.email)).toHaveLength(LIMITS.resetEmail.limit);
    // An hour on, a new window.
    expect(await requestPasswordReset(db, { email: user.email, ip: unique("ip"), appUrl }, new Date("2026-07-01T13:00:01Z"))).toEqual({ ok: true });
  });

  it("refuses an address after 10 reset requests an hour, whatever the emails", async () => {
    const ip = unique("ip");
    const now = new Date();
    for (let i = 0; i < LIMITS.resetAddress.limit; i++) {
      expect((await requestPasswordReset(db, { email: `${unique("r")}@example.test`, ip, appUrl }, now)).ok).toBe(true);
    }
    expect((await requestPasswordReset(db, { email: `${unique("r")}@example.test`, ip, appUrl }, now)).ok).toBe(false);
  });

  it("limits applications to join per email and per address", async () => {
    const email = `${unique("joiner")}@example.test`;
    const now = new Date();
    for (let i = 0; i < LIMITS.joinEmail.limit; i++) expect((await throttleJoin(db, { email, ip: unique("ip") }, now)).allowed).toBe(true);
    expect((await throttleJoin(db, { email, ip: unique("ip") }, now)).allowed).toBe(false);
    const ip = unique("ip");
    for (let i = 0; i < LIMITS.joinAddress.limit; i++) expect((await throttleJoin(db, { email: `${unique("j")}@example.test`, ip }, now)).allowed).toBe(true);
    expect((await throttleJoin(db, { email: `${unique("j")}@example.test`, ip }, now)).allowed).toBe(false);
  });
});

describe("behind a proxy (TRUST_PROXY=1), over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ trustProxy: 1 });
  });
  afterAll(async () => server?.close());

  it("refuses the guessing address, not the innocent one behind the same proxy", async () => {
    const org = await makeOrganisation(db);
    const innocent = await makeUser(db, { organisationId: org.id, roles: ["member"] });
    const attacker = new Browser(server.base);
    const attackerAddress = { "X-Forwarded-For": "203.0.113.66" };
    for (let i = 0; i < LIMITS.loginAddress.limit; i++) {
      const res = await attacker.post("/login", { email: `${unique("victim")}@example.test`, password: "guess guess" }, attackerAddress);
      expect(await res.text()).toContain("do not match an account");
    }
    expect(await (await attacker.post("/login", { email: `${unique("victim")}@example.test`, password: "guess guess" }, attackerAddress)).text()).toContain("Too many failed attempts from your network");
    // A client cannot escape by writing its own X-Forwarded-For: the proxy appends the real address, and that is the one used.
    const spoofed = { "X-Forwarded-For": "192.0.2.1, 203.0.113.66" };
    expect(await (await attacker.post("/login", { email: `${unique("victim")}@example.test`, password: "guess guess" }, spoofed)).text()).toContain("Too many failed attempts");

    const colleague = new Browser(server.base);
    const res = await colleague.post("/login", { email: innocent.email, password: innocent.password, redirectTo: "/dashboard" }, { "X-Forwarded-For": "203.0.113.7" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/dashboard");
  });

  it("shows the unlock page and unlocks from its button", async () => {
    const org = await makeOrganisation(db);
    const user = await makeUser(db, { organisationId: org.id, roles: ["member"] });
    const b = new Browser(server.base);
    for (let i = 0; i < LIMITS.loginAccount.limit; i++) await b.post("/login", { email: user.email, password: "wrong wrong" }, { "X-Forwarded-For": `198.51.100.${100 + i}` });
    expect(await (await b.post("/login", { email: user.email, password: user.password }, { "X-Forwarded-For": "198.51.100.200" })).text()).toContain("Too many failed attempts for this account");
    const mail = await mailTo(user.email);
    const link = /(\/unlock\/[a-z0-9]+)/.exec(mail[0].body)![1];
    // Opening the link (as a mail scanner might) unlocks nothing.
    expect(await (await b.get(link)).text()).toContain("Unlock my account");
    expect(await (await b.post("/login", { email: user.email, password: user.password }, { "X-Forwarded-For": "198.51.100.200" })).text()).toContain("Too many failed attempts");
    const unlocked = await b.post(link, {}, { "X-Forwarded-For": "198.51.100.200" });
    expect(unlocked.headers.get("location")).toBe("/login?unlocked=1");
    expect((await b.post("/login", { email: user.email, password: user.password, redirectTo: "/dashboard" }, { "X-Forwarded-For": "198.51.100.200" })).status).toBe(302);
    expect(await (await b.get(link)).text()).toContain("This link no longer works");
  });

  it("refuses a 4th password link for one email, by the form's message", async () => {
    const email = `${unique("forgetful")}@example.test`;
    const b = new Browser(server.base);
    for (let i = 0; i < LIMITS.resetEmail.limit; i++) {
      expect(await (await b.post("/forgot-password", { email }, { "X-Forwarded-For": `192.0.2.${10 + i}` })).text()).toContain("If that address has an account");
    }
    expect(await (await b.post("/forgot-password", { email }, { "X-Forwarded-For": "192.0.2.50" })).text()).toContain("Too many requests for a password link");
  });
});
