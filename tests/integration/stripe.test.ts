/**
 * Card purchases through Stripe Checkout, with Stripe's own library talking
 * to a local fake of the API, and webhooks signed by generateTestHeaderString.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { makeMember, makeUser } from "../../db/factories";
import { setupClass } from "../fixtures/shares";
import { Browser } from "../http";
import { completedCheckoutEvent, stripeTestBed } from "../stripe-fake";
import { moneyProblems } from "../mail-money";

const bed = stripeTestBed("whsec_test_secret_for_the_fake");

async function holdingShares(memberId: string) {
  const h = await bed.db.selectFrom("share_holdings").select("shares").where("member_id", "=", memberId).executeTakeFirst();
  return h ? Number(h.shares) : 0;
}

describe("card purchase by Stripe Checkout", () => {
  it("changes the holding only on the signed webhook, once, also when it is repeated or concurrent", async () => {
    const { org, cls } = await setupClass(bed.db, { minHolding: "1" });
    const member = await makeMember(bed.db, org.id, { email: "card@example.org" });
    const user = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const b = new Browser(bed.server.base);
    await b.login(user.email, user.password);
    const page = await (await b.get("/my/buy")).text();
    expect(page).not.toContain("Card payments are not switched on");

    const key = crypto.randomUUID();
    const first = await b.post("/my/buy", { classId: cls.id, shares: "15", submissionKey: key });
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("https://checkout.stripe.test/pay/cs_test_1");
    expect(bed.fake.calls.at(-1)!.idempotencyKey).toBe(key);
    expect(bed.fake.calls.at(-1)!.body.get("mode")).toBe("payment");
    expect(bed.fake.calls.at(-1)!.body.get("line_items[0][quantity]")).toBe("15");
    // A double submit of the same form makes no second payment.
    const again = await b.post("/my/buy", { classId: cls.id, shares: "15", submissionKey: key });
    expect(again.headers.get("location")).toBe("https://checkout.stripe.test/pay/cs_test_1");
    expect(await bed.db.selectFrom("payments").select("id").where("organisation_id", "=", org.id).execute()).toHaveLength(1);
    expect(await holdingShares(member.id)).toBe(0);

    const session = bed.fake.sessions.get(key)!;
    const payload = completedCheckoutEvent("evt_test_1", session);
    // A bad signature is refused and changes nothing.
    const forged = await bed.webhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_wrong" }));
    expect(forged.status).toBe(400);
    expect((await bed.webhook(payload, "t=1,v1=deadbeef")).status).toBe(400);
    expect(await bed.db.selectFrom("stripe_events").select("id").where("id", "=", "evt_test_1").executeTakeFirst()).toBeUndefined();
    expect(await holdingShares(member.id)).toBe(0);

    const ok = await bed.webhook(payload);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: true, outcome: "processed" });
    expect(await holdingShares(member.id)).toBe(15);
    const stored = await bed.db.selectFrom("stripe_events").selectAll().where("id", "=", "evt_test_1").executeTakeFirstOrThrow();
    expect(stored.payload).toBe(payload);
    expect(stored.processed_at).not.toBeNull();
    expect(await (await bed.webhook(payload)).json()).toEqual({ received: true, outcome: "duplicate" });
    expect(await holdingShares(member.id)).toBe(15);
    const pay = await bed.db.selectFrom("payments").selectAll().where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    expect(pay).toMatchObject({ status: "paid", stripe_session_id: "cs_test_1" });

    // Concurrent deliveries of one new event: processed exactly once.
    const key2 = crypto.randomUUID();
    await b.post("/my/buy", { classId: cls.id, shares: "7", submissionKey: key2 });
    const payload2 = completedCheckoutEvent("evt_test_2", bed.fake.sessions.get(key2)!);
    const results = await Promise.all(Array.from({ length: 10 }, () => bed.webhook(payload2).then((r) => r.json() as Promise<{ outcome: string }>)));
    expect(results.filter((r) => r.outcome === "processed")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(9);
    expect(await holdingShares(member.id)).toBe(22);
    // Stripe replaying an event 100 times (retries after timeouts) posts nothing more.
    const replays = await Promise.all(Array.from({ length: 100 }, () => bed.webhook(payload2).then((r) => r.json() as Promise<{ outcome: string }>)));
    expect(replays.every((r) => r.outcome === "duplicate")).toBe(true);
    expect(await holdingShares(member.id)).toBe(22);
    // Also a different event id for an already-paid session cannot issue twice.
    expect(await (await bed.webhook(completedCheckoutEvent("evt_test_3", bed.fake.sessions.get(key2)!))).json()).toEqual({ received: true, outcome: "ignored" });
    expect(await holdingShares(member.id)).toBe(22);
    const purchases = await bed.db.selectFrom("share_transactions").select("method").where("organisation_id", "=", org.id).where("member_id", "=", member.id).execute();
    expect(purchases.map((p) => p.method)).toEqual(["card", "card"]);
    // Each purchase is confirmed by email, its amount with the currency.
    const confirmations = await bed.db.selectFrom("email_outbox").select("body").where("organisation_id", "=", org.id).where("subject", "=", "Your share purchase").execute();
    expect(confirmations).toHaveLength(2);
    expect(confirmations.flatMap((m) => moneyProblems(m.body))).toEqual([]);
  });
});
