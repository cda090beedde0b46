import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { describe, expect, it } from "vitest";
import { LIMITS } from "~/domain/throttle";
import { totpAt, totpStep } from "~/domain/totp";
import { createSession, validateSessionToken } from "~/models/core/auth.server";
import { completeLoginChallenge, confirmTotp, createLoginChallenge, hasSecondFactor, RECOVERY_CODE_COUNT, twoFactorStatus } from "~/models/core/two-factor.server";
import { hashToken } from "~/utils/tokens.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

async function keyOf(userId: string) {
  const row = await t.db.selectFrom("user_totp").select("secret").where("user_id", "=", userId).executeTakeFirstOrThrow();
  return decodeBase32IgnorePadding(row.secret);
}
/** A code the app will show in the next step: later than any step a test has used yet. */
const nextCode = (key: Uint8Array) => generateHOTP(key, totpStep(new Date()) + 1n, 6);

/** A user with two-factor log-in on, and their recovery codes. */
async function enrolled(roles: Parameters<typeof makeUser>[1]["roles"] = ["secretary"]) {
  const org = await makeOrganisation(t.db);
  const user = await makeUser(t.db, { organisationId: org.id, roles });
  const { token } = await createSession(t.db, user.id, org.id);
  await twoFactorStatus(t.db, user);
  const codes = await confirmTotp(t.db, user.id, hashToken(token), totpAt(await keyOf(user.id), new Date()));
  if (!codes) throw new Error("enrolment failed");
  return { org, user, codes, key: await keyOf(user.id) };
}

/** Logs in with the password; returns the challenge cookie the response set (the browser holds no session yet). */
async function passwordStep(b: Browser, email: string, password: string) {
  const res = await b.post("/login", { email, password, redirectTo: "/members" });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/login/two-factor");
  expect(b.cookie).toBe("");
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("login_challenge="))!;
  expect(cookie).toContain("HttpOnly");
  return cookie.split(";")[0];
}

describe("setting up two-factor log-in", () => {
  it("keeps one secret until a right code confirms it, then gives 10 recovery codes, stored hashed, and ends the other sessions", async () => {
    const org = await makeOrganisation(t.db);
    const user = await makeUser(t.db, { organisationId: org.id, roles: ["board"] });
    const here = await createSession(t.db, user.id, org.id);
    const elsewhere = await createSession(t.db, user.id, org.id);
    const first = await twoFactorStatus(t.db, user);
    const again = await twoFactorStatus(t.db, user);
    if (first.enabled || again.enabled) throw new Error("expected not enabled");
    expect(again.secret).toBe(first.secret);
    expect(first.uri).toContain(`secret=${first.secret}`);
    expect(await hasSecondFactor(t.db, user.id)).toBe(false);

    const key = decodeBase32IgnorePadding(first.secret);
    const wrong = String((Number(totpAt(key, new Date())) + 1) % 1_000_000).padStart(6, "0");
    expect(await confirmTotp(t.db, user.id, hashToken(here.token), wrong)).toBeNull();
    const codes = await confirmTotp(t.db, user.id, hashToken(here.token), totpAt(key, new Date()));
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    expect(await hasSecondFactor(t.db, user.id)).toBe(true);
    const stored = await t.db.selectFrom("user_recovery_codes").select("code_hash").where("user_id", "=", user.id).execute();
    expect(stored.map((s) => s.code_hash).sort()).toEqual(codes!.map((c) => hashToken(c.replace("-", ""))).sort());
    expect(await validateSessionToken(t.db, here.token)).not.toBeNull();
    expect(await validateSessionToken(t.db, elsewhere.token)).toBeNull();
    expect(await twoFactorStatus(t.db, user)).toEqual({ enabled: true, recoveryCodesLeft: RECOVERY_CODE_COUNT });
  });

  it("sets up over HTTP from the account page: the secret shown, a code, the recovery codes shown once", async () => {
    const org = await makeOrganisation(t.db);
    const user = await makeUser(t.db, { organisationId: org.id, roles: ["member"] });
    const b = new Browser(t.server.base);
    await b.login(user.email, user.password);
    const page = await (await b.get("/account/two-factor")).text();
    const secret = /class="totp-secret">([A-Z2-7 ]+)</.exec(page)![1].replace(/ /g, "");
    const qr = /<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/.exec(page);
    expect(Buffer.from(qr![1], "base64").toString()).toMatch(/^<svg /);
    const refused = await (await b.post("/account/two-factor", { intent: "confirm", code: "000000" === totpAt(decodeBase32IgnorePadding(secret), new Date()) ? "111111" : "000000" })).text();
    expect(refused).toContain("That code is not right");
    const done = await (await b.post("/account/two-factor", { intent: "confirm", code: totpAt(decodeBase32IgnorePadding(secret), new Date()) })).text();
    expect(done).toContain("Two-factor log-in is on");
    expect(done.match(/<code>[a-z2-7]{5}-[a-z2-7]{5}<\/code>/g)).toHaveLength(RECOVERY_CODE_COUNT);
    // The codes are not shown again.
    expect(await (await b.get("/account/two-factor")).text()).not.toMatch(/<code>[a-z2-7]{5}-[a-z2-7]{5}<\/code>/);
  });
});

describe("log-in with a second factor", () => {
  it("asks for the code after the password, then starts the session and follows the redirect", async () => {
    const { user, key } = await enrolled();
    const b = new Browser(t.server.base);
    const challenge = await passwordStep(b, user.email, user.password);
    // Without the code there is no session.
    expect((await b.get("/dashboard")).headers.get("location")).toMatch(/^\/login/);
    expect((await b.get("/login/two-factor")).headers.get("location")).toBe("/login");
    expect((await b.get("/login/two-factor", { Cookie: challenge })).status).toBe(200);

    const wrong = await b.post("/login/two-factor", { code: "12345x" }, { Cookie: challenge });
    expect(await wrong.text()).toContain("That code is not right");
    const right = await b.post("/login/two-factor", { code: nextCode(key) }, { Cookie: challenge });
    expect(right.status).toBe(302);
    expect(right.headers.get("location")).toBe("/members");
    expect(right.headers.getSetCookie().some((c) => c.startsWith("login_challenge=;"))).toBe(true);
    expect((await b.get("/dashboard")).status).toBe(200);
    // The challenge is used up.
    expect((await b.post("/login/two-factor", { code: nextCode(key) }, { Cookie: challenge })).headers.get("location")).toBe("/login");
  });

  it("refuses a code already used (no replay), and takes each recovery code once", async () => {
    const { user, key, codes } = await enrolled();
    const first = new Browser(t.server.base);
    const c1 = await passwordStep(first, user.email, user.password);
    const code = nextCode(key);
    expect((await first.post("/login/two-factor", { code }, { Cookie: c1 })).status).toBe(302);

    const second = new Browser(t.server.base);
    const c2 = await passwordStep(second, user.email, user.password);
    expect(await (await second.post("/login/two-factor", { code }, { Cookie: c2 })).text()).toContain("That code is not right");
    expect((await second.post("/login/two-factor", { code: codes[0].toUpperCase() }, { Cookie: c2 })).status).toBe(302);
    expect(await twoFactorStatus(t.db, user)).toEqual({ enabled: true, recoveryCodesLeft: RECOVERY_CODE_COUNT - 1 });

    const third = new Browser(t.server.base);
    const c3 = await passwordStep(third, user.email, user.password);
    expect(await (await third.post("/login/two-factor", { code: codes[0] }, { Cookie: c3 })).text()).toContain("That code is not right");
  });

  it("lets only one of two concurrent log-ins use the same code", async () => {
    const { user, key } = await enrolled();
    const challenges = await Promise.all([0, 1].map(() => createLoginChallenge(t.db, { userId: user.id, organisationId: null, redirectTo: "/dashboard" })));
    const code = nextCode(key);
    const results = await Promise.all(challenges.map((c) => completeLoginChallenge(t.db, c.token, code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(1);
  });

  it("refuses further codes after 5 wrong ones", async () => {
    const { user, codes } = await enrolled();
    const b = new Browser(t.server.base);
    const challenge = await passwordStep(b, user.email, user.password);
    for (let i = 0; i < LIMITS.secondFactor.limit; i++) {
      expect(await (await b.post("/login/two-factor", { code: `wrong-code-${i}` }, { Cookie: challenge })).text()).toContain("That code is not right");
    }
    expect(await (await b.post("/login/two-factor", { code: codes[1] }, { Cookie: challenge })).text()).toContain("Too many wrong codes");
  });

  it("asks an invited existing user for the code too (the invitation stands in for the password only)", async () => {
    const { user, org } = await enrolled();
    const secretary = await makeUser(t.db, { organisationId: org.id, roles: ["secretary"] });
    const other = await makeOrganisation(t.db);
    const { createInvitation } = await import("~/models/core/auth.server");
    const { token } = await createInvitation(t.db, { organisationId: other.id, organisationName: other.name, email: user.email, roles: ["member"], invitedBy: secretary.id, appUrl: t.server.base });
    const b = new Browser(t.server.base);
    const res = await b.post(`/invitation/${token}`, { name: "Same Person", password: "a long enough password", confirm: "a long enough password" });
    expect(res.headers.get("location")).toBe("/login/two-factor");
    expect(b.cookie).toBe("");
  });
});

describe("required by the organisation", () => {
  it("is switched on in the settings, and then sends an officer without it to set it up before anything else; members are not asked", async () => {
    const org = await makeOrganisation(t.db);
    const owner = await makeUser(t.db, { organisationId: org.id, roles: ["owner"] });
    const member = await makeUser(t.db, { organisationId: org.id, roles: ["member"] });
    const b = new Browser(t.server.base);
    await b.login(owner.email, owner.password);
    const settings = await (await b.get("/settings")).text();
    expect(settings).toContain("Officers must log in with a second factor");
    const name = (await t.db.selectFrom("organisations").select("name").where("id", "=", org.id).executeTakeFirstOrThrow()).name;
    const saved = await b.post("/settings", {
      name, legalForm: "worker-co-op", currency: "GBP", localArea: "", noticeDays: "14", quorumMembers: "2", quorumPercent: "10",
      specialResolutionPercent: "75", withdrawalNoticeDays: "90", maxProxiesPerHolder: "5", rateCapMonthlyPercent: "3", timeZone: "Europe/London", requireTwoFactorForOfficers: "on",
    });
    // Saved; and the owner, an officer without a second factor, is sent straight on to set one up.
    expect(saved.headers.get("location")).toBe("/account/two-factor");
    expect((await t.db.selectFrom("organisations").select("require_two_factor_for_officers").where("id", "=", org.id).executeTakeFirstOrThrow()).require_two_factor_for_officers).toBe(true);

    // The owner (an officer, not set up) is now sent to set it up, from every page.
    for (const path of ["/dashboard", "/members", "/settings"]) expect((await b.get(path)).headers.get("location")).toBe("/account/two-factor");
    const page = await (await b.get("/account/two-factor")).text();
    expect(page).toContain("requires its officers to log in with a second factor");
    const secret = /class="totp-secret">([A-Z2-7 ]+)</.exec(page)![1].replace(/ /g, "");
    await b.post("/account/two-factor", { intent: "confirm", code: totpAt(decodeBase32IgnorePadding(secret), new Date()) });
    expect((await b.get("/dashboard")).status).toBe(200);

    // A member is not an officer: no second factor asked for.
    const m = new Browser(t.server.base);
    await m.login(member.email, member.password);
    expect((await m.get("/my")).status).toBe(200);
  });
});
