/**
 * With card payments switched off, a member is told so plainly (how else to
 * pay), never about server settings; those who run the society still get the
 * how-to.
 */
import { describe, expect, it } from "vitest";
import { makeMember, makeUser } from "../../db/factories";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

describe("the card payments notice", () => {
  it("speaks to a member about paying, not about STRIPE_SECRET_KEY or webhooks", async () => {
    const { org } = await setupClass(t.db, { minHolding: "1" });
    const member = await makeMember(t.db, org.id, { name: "Card Less" });
    const memberLogin = await makeUser(t.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const ownerLogin = await makeUser(t.db, { organisationId: org.id, roles: ["owner"] });
    const saved = { key: process.env.STRIPE_SECRET_KEY, hook: process.env.STRIPE_WEBHOOK_SECRET };
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    try {
      const b = new Browser(t.server.base);
      await b.login(memberLogin.email, memberLogin.password);
      for (const path of ["/my/buy", "/my/loans", "/my/direct-debit"]) {
        const html = await (await b.get(path)).text();
        expect(html).not.toMatch(/STRIPE_|GOCARDLESS_|webhook|sk_\.\.\./i);
        if (path === "/my/buy") expect(html).toContain("Paying by card is not available at the moment");
        if (path === "/my/direct-debit") expect(html).toContain("Paying by Direct Debit is not available at the moment");
      }
      const owner = new Browser(t.server.base);
      await owner.login(ownerLogin.email, ownerLogin.password);
      const res = await owner.get("/my/buy");
      if (res.status === 200) expect(await res.text()).not.toContain("Paying by card is not available at the moment");
    } finally {
      if (saved.key !== undefined) process.env.STRIPE_SECRET_KEY = saved.key;
      if (saved.hook !== undefined) process.env.STRIPE_WEBHOOK_SECRET = saved.hook;
    }
  });
});
