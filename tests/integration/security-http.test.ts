/**
 * Issue #13, security round two, over HTTP: the log-in redirect stays on
 * this site, the development pages are off unless DEV_TOOLS=true, and a new
 * password voids every outstanding reset link.
 */
import { describe, expect, it } from "vitest";
import { makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

async function resetLinks(email: string) {
  const mails = await t.db.selectFrom("email_outbox").select("body").where("to_email", "=", email).where("subject", "=", "Reset your password").orderBy("id").execute();
  return mails.map((m) => /\/reset-password\/([A-Za-z0-9_-]+)/.exec(m.body)![1]);
}

async function userWithTwoResetLinks() {
  const org = await makeOrganisation(t.db);
  const user = await makeUser(t.db, { organisationId: org.id, roles: ["member"] });
  const b = new Browser(t.server.base);
  for (let i = 0; i < 2; i++) expect((await b.post("/forgot-password", { email: user.email })).status).toBeLessThan(400);
  const links = await resetLinks(user.email);
  expect(links).toHaveLength(2);
  for (const token of links) expect(await (await b.get(`/reset-password/${token}`)).text()).not.toContain("no longer works");
  return { user, links, b };
}

async function linkStillWorks(b: Browser, token: string) {
  const res = await b.post(`/reset-password/${token}`, { password: "yet another password 3", confirm: "yet another password 3" });
  return res.status === 302 && res.headers.get("location") === "/login?reset=1";
}

describe("the log-in redirect", () => {
  it("follows a same-site path and refuses the tab, newline and encoded forms from the issue without a 500", async () => {
    const org = await makeOrganisation(t.db);
    const user = await makeUser(t.db, { organisationId: org.id, roles: ["member"] });
    const cases: [string, string][] = [
      ["/members?page=2", "/members?page=2"],
      [decodeURIComponent("%2F%09%2Fevil.example%2Fphish"), "/dashboard"],
      [decodeURIComponent("%2F%0A%2Fevil.example"), "/dashboard"],
      ["/\r\nSet-Cookie: x=1", "/dashboard"],
      ["/%2F/evil.example", "/dashboard"],
      ["/\\evil.example", "/dashboard"],
      ["//evil.example", "/dashboard"],
      ["/café", "/caf%C3%A9"],
    ];
    for (const [redirectTo, expected] of cases) {
      const b = new Browser(t.server.base);
      const res = await b.post("/login", { email: user.email, password: user.password, redirectTo });
      expect([redirectTo, res.status, res.headers.get("location")]).toEqual([redirectTo, 302, expected]);
    }
  });
});

describe("development pages", () => {
  it("answers 404 at /dev/mail without DEV_TOOLS=true, even to a logged-in owner", async () => {
    expect(process.env.DEV_TOOLS).toBeUndefined();
    const anon = new Browser(t.server.base);
    expect((await anon.get("/dev/mail")).status).toBe(404);
    const org = await makeOrganisation(t.db);
    const owner = await makeUser(t.db, { organisationId: org.id, roles: ["owner"] });
    const b = new Browser(t.server.base);
    await b.login(owner.email, owner.password);
    const res = await b.get("/dev/mail");
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("reset-password/");
  });
});

describe("password reset links", () => {
  it("using one reset link voids the user's other outstanding links", async () => {
    const { links, b } = await userWithTwoResetLinks();
    expect(await linkStillWorks(b, links[1])).toBe(true);
    expect(await (await b.get(`/reset-password/${links[0]}`)).text()).toContain("no longer works");
    expect(await linkStillWorks(b, links[0])).toBe(false);
  });

  it("changing the password on the account page voids every outstanding reset link", async () => {
    const { user, links, b } = await userWithTwoResetLinks();
    await b.login(user.email, user.password);
    // (Without JavaScript the page then asks for a fresh log-in: the change ended every session.)
    expect((await b.post("/account", { current: user.password, password: "a changed password 2", confirm: "a changed password 2" })).status).toBeLessThan(400);
    const anon = new Browser(t.server.base);
    for (const token of links) expect(await linkStillWorks(anon, token)).toBe(false);
    await anon.login(user.email, "a changed password 2"); // throws unless the new password is the one that works
  });
});
