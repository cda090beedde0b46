/**
 * Every share action that moves money, fired 20-40 times at once over HTTP,
 * then the ledger checked: the holdings equal the sum of the ledger, none is
 * negative or over the class maximum, nothing is posted twice, and every
 * refused request got a clear message (a 200 form error or a 4xx with the
 * reason), never a 500. PGlite runs one transaction at a time, so these
 * races are real only under `npm run test:pg`.
 */
import { describe, expect, it } from "vitest";
import { approveInterestRun, createInterestPreview } from "~/models/shares/interest-runs.server";
import { refundCardPayment } from "~/models/payments/card-refunds.server";
import { holdingsLedgerMismatches, recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { requestTransfer } from "~/models/shares/transfers.server";
import { requestWithdrawal } from "~/models/shares/withdrawals.server";
import { stripeClient } from "~/utils/stripe.server";
import { dateInZone, DEFAULT_TIME_ZONE } from "~/domain/today";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { makeMember, makeUser } from "../../db/factories";
import { simultaneously, statusCounts } from "../concurrency";
import { setupClass } from "../fixtures/shares";
import { usingPostgres } from "../db";
import { Browser } from "../http";
import { completedCheckoutEvent, stripeTestBed } from "../stripe-fake";

const bed = stripeTestBed("whsec_share_concurrency", "cs_conc_");

/**
 * Requests per burst: 40 on PostgreSQL, where they race for real; 20 on
 * PGlite, which runs them one at a time anyway (so more would only test the
 * machine's patience).
 */
const BURST = usingPostgres() ? 40 : 20;

type Setup = Awaited<ReturnType<typeof setupClass>>;

/** A signed-in officer who may record, govern and post (secretary and board). */
async function officer(s: Setup) {
  const u = await makeUser(bed.db, { organisationId: s.org.id, roles: ["secretary", "board"] });
  const b = new Browser(bed.server.base);
  await b.login(u.email, u.password);
  return b;
}

async function memberBrowser(s: Setup, memberId: string) {
  const u = await makeUser(bed.db, { organisationId: s.org.id, roles: ["member"], memberId });
  const b = new Browser(bed.server.base);
  await b.login(u.email, u.password);
  return b;
}

async function buy(s: Setup, memberId: string, shares: number, on = "2026-01-05") {
  const r = await bed.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: s.org.id, actorUserId: s.user.id, memberId, classId: s.cls.id, shares, on, method: "cash" }));
  if (!r.ok) throw new Error(r.reason);
}

async function shares(s: Setup, memberId: string) {
  const h = await bed.db.selectFrom("share_holdings").select("shares").where("organisation_id", "=", s.org.id).where("member_id", "=", memberId).where("class_id", "=", s.cls.id).executeTakeFirst();
  return Number(h?.shares ?? 0);
}

/** Responses read once: status and body. */
async function read(responses: Response[]) {
  return Promise.all(responses.map(async (r) => ({ status: r.status, body: await r.text(), location: r.headers.get("location") })));
}

/** The board's transfer decision answers by sending the board back to the transfers page: with ?error= when refused. */
const refusalOf = (r: { status: number; location: string | null }) =>
  r.status === 302 && r.location?.includes("error=") ? decodeURIComponent(r.location.split("error=")[1]) : null;
const decided = (r: { status: number; location: string | null }) => r.status === 302 && r.location === "/shares/transfers";

/** The ledger is sound: the projection equals the ledger, nothing negative, nothing over the maximum, one current certificate per holding. */
async function expectSoundLedger(s: Setup) {
  expect(await holdingsLedgerMismatches(bed.db, s.org.id)).toEqual([]);
  const bad = await bed.db
    .selectFrom("share_holdings as h")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "h.class_id").onRef("c.organisation_id", "=", "h.organisation_id"))
    .select(["h.member_id", "h.shares", "h.value"])
    .where("h.organisation_id", "=", s.org.id)
    .where((eb) => eb.or([eb("h.shares", "<", 0n), eb("h.value", "<", 0n), eb.and([eb("c.max_holding_value", "is not", null), eb("h.value", ">", eb.ref("c.max_holding_value"))])]))
    .execute();
  expect(bad).toEqual([]);
  const certs = await bed.db.selectFrom("share_certificates").select(["member_id", "class_id", "shares"]).where("organisation_id", "=", s.org.id).where("cancelled_on", "is", null).execute();
  const holdings = await bed.db.selectFrom("share_holdings").select(["member_id", "class_id", "shares"]).where("organisation_id", "=", s.org.id).where("shares", ">", 0n).execute();
  const key = (r: { member_id: string; class_id: string; shares: bigint }) => `${r.member_id}/${r.class_id}/${r.shares}`;
  expect(certs.map(key).sort()).toEqual(holdings.map(key).sort());
}

/** No 500s: every response is a success or a clear refusal. */
function expectNoServerErrors(responses: { status: number }[]) {
  expect(responses.filter((r) => r.status >= 500), JSON.stringify(statusCounts(responses))).toEqual([]);
}

describe("share purchases recorded at once near the class maximum", () => {
  it("never take a holding over the maximum, also for a holding made by the race itself", async () => {
    const s = await setupClass(bed.db, { minHolding: "1", maxHolding: "100.00" });
    const near = await makeMember(bed.db, s.org.id, { name: "Near Max" });
    const fresh = await makeMember(bed.db, s.org.id, { name: "Fresh Holder" });
    await buy(s, near.id, 90);
    const b = await officer(s);
    // 20 purchases of 3 for the member at 90 (room for 3 of them), 20 of 40 for one with no holding yet (room for 2).
    const responses = await read(
      await simultaneously(BURST, (i) =>
        b.post("/shares/purchase", {
          memberNumber: String(i % 2 ? fresh.member_number : near.member_number), classId: s.cls.id, shares: i % 2 ? "40" : "3",
          method: "bank_transfer", paidOn: "2026-02-01", reference: `BANK ${i}`,
        }),
      ),
    );
    expectNoServerErrors(responses);
    const accepted = responses.filter((r) => r.status === 302);
    const refused = responses.filter((r) => r.status !== 302);
    expect(accepted).toHaveLength(5);
    expect(refused.every((r) => r.status === 200 && r.body.includes("may not exceed £100.00"))).toBe(true);
    expect([await shares(s, near.id), await shares(s, fresh.id)]).toEqual([99, 80]);
    await expectSoundLedger(s);
  });
});

describe("an interest run posted many times at once, while members buy shares", () => {
  it("posts once, refuses the rest with a reason, and never deadlocks with the purchases", async () => {
    const s = await setupClass(bed.db, { minHolding: "1", interestRate: "10" });
    const members: Awaited<ReturnType<typeof makeMember>>[] = [];
    for (let i = 0; i < 8; i++) members.push(await makeMember(bed.db, s.org.id, { name: `Saver ${i}`, on: "2025-12-01" }));
    for (const m of members) await buy(s, m.id, 1000, "2025-12-31");
    const run = await bed.db.transaction().execute((trx) => createInterestPreview(trx, s.user.id, s.org.id, { classId: s.cls.id, from: "2026-01-01", to: "2026-06-30", rate: 1000, payAs: "shares", rounding: "down" }));
    if (!run.ok) throw new Error(run.reason);
    // A second person approves what the first previewed (separation of duties).
    const approver = await makeUser(bed.db, { organisationId: s.org.id, roles: ["board"] });
    expect(await bed.db.transaction().execute((trx) => approveInterestRun(trx, approver.id, s.org.id, run.runId))).toEqual({ ok: true });
    const b = await officer(s);
    // Interleaved: posts of the run, and purchases by the members the run credits (so both want the same holdings).
    const responses = await read(
      await simultaneously(BURST, (i) =>
        i % 2
          ? b.post(`/shares/interest/${run.runId}/post`, { on: "2026-07-01", confirmed: "yes" })
          : b.post("/shares/purchase", { memberNumber: String(members[(i / 2) % members.length].member_number), classId: s.cls.id, shares: "5", method: "cash", paidOn: "2026-07-01", reference: `TILL ${i}` }),
      ),
    );
    expectNoServerErrors(responses);
    const posts = responses.filter((_, i) => i % 2);
    const purchases = responses.filter((_, i) => !(i % 2));
    expect(posts.filter((r) => r.status === 302)).toHaveLength(1);
    expect(posts.filter((r) => r.status === 409 && r.body.includes("This run has already been posted."))).toHaveLength(BURST / 2 - 1);
    expect(purchases.every((r) => r.status === 302)).toBe(true);
    const credited = await bed.db.selectFrom("share_transactions").select(["member_id", "shares"]).where("organisation_id", "=", s.org.id).where("kind", "=", "interest_shares").execute();
    expect(credited).toHaveLength(8);
    expect(new Set(credited.map((c) => c.member_id)).size).toBe(8);
    const status = await bed.db.selectFrom("interest_runs").select("status").where("id", "=", run.runId).executeTakeFirstOrThrow();
    expect(status.status).toBe("posted");
    // £1,000 for 181 of 365 days at 10% is £49.58: 49 shares, the rest in cash; plus 5 shares for each purchase.
    for (const [n, m] of members.entries()) expect(await shares(s, m.id)).toBe(1000 + 49 + 5 * Array.from({ length: BURST / 2 }, (_, k) => k % members.length).filter((k) => k === n).length);
    await expectSoundLedger(s);
  });
});

describe("withdrawal payouts run many times at once, while members buy shares", () => {
  it("pays each request once, in order, and never deadlocks with the purchases", async () => {
    const s = await setupClass(bed.db, { minHolding: "1", noticeDays: "0" });
    const members: Awaited<ReturnType<typeof makeMember>>[] = [];
    for (let i = 0; i < 6; i++) members.push(await makeMember(bed.db, s.org.id, { name: `Leaver ${i}`, on: "2025-12-01" }));
    for (const m of members) {
      await buy(s, m.id, 100);
      const r = await bed.db.transaction().execute((trx) => requestWithdrawal(trx, { organisationId: s.org.id, actorUserId: s.user.id, memberId: m.id, classId: s.cls.id, shares: 40, leaving: false, on: "2026-03-01" }));
      if (!r.ok) throw new Error(r.reason);
    }
    const b = await officer(s);
    const responses = await read(
      await simultaneously(BURST, (i) =>
        i % 2
          ? b.post("/shares/withdrawals", { paidOn: "2026-03-02" })
          : b.post("/shares/purchase", { memberNumber: String(members[(i / 2) % members.length].member_number), classId: s.cls.id, shares: "5", method: "cash", paidOn: "2026-03-02", reference: `TILL ${i}` }),
      ),
    );
    expectNoServerErrors(responses);
    const payouts = responses.filter((_, i) => i % 2);
    const purchases = responses.filter((_, i) => !(i % 2));
    expect(purchases.every((r) => r.status === 302)).toBe(true);
    expect(payouts.every((r) => r.status === 200)).toBe(true);
    const paidCounts = payouts.map((r) => Number(/Paid (\d+) withdrawal/.exec(r.body)?.[1] ?? (r.body.includes("Nothing was due for payment.") ? 0 : NaN)));
    expect(paidCounts.reduce((a, n) => a + n, 0)).toBe(6);
    const out = await bed.db.selectFrom("share_transactions").select("member_id").where("organisation_id", "=", s.org.id).where("kind", "=", "withdrawal").execute();
    expect(out).toHaveLength(6);
    expect(new Set(out.map((o) => o.member_id)).size).toBe(6);
    const bought = purchases.length;
    let total = 0;
    for (const m of members) total += await shares(s, m.id);
    expect(total).toBe(6 * 60 + 5 * bought);
    await expectSoundLedger(s);
  });
});

describe("notices of withdrawal given at once, racing the board's approval of a transfer", () => {
  it("never promise or pay out more than the holding, and the transfer is approved at most once", async () => {
    const s = await setupClass(bed.db, { minHolding: "10", noticeDays: "0", transferable: "on" });
    const giver = await makeMember(bed.db, s.org.id, { name: "Giver" });
    const taker = await makeMember(bed.db, s.org.id, { name: "Taker" });
    await buy(s, giver.id, 100);
    await buy(s, taker.id, 10);
    const t = await bed.db.transaction().execute((trx) => requestTransfer(trx, s.user.id, s.org.id, { classId: s.cls.id, fromMemberId: giver.id, toMemberId: taker.id, shares: 50, on: "2026-02-01" }));
    if (!t.ok) throw new Error(t.reason);
    const self = await memberBrowser(s, giver.id);
    const board = await officer(s);
    const responses = await read(
      await simultaneously(BURST, (i) =>
        i % 4 === 3
          ? board.post("/shares/transfers/decide", { transferId: t.id, decision: "approve", on: "2026-02-02", note: `Minute ${i}` })
          : self.post("/my/withdraw", { classId: s.cls.id, shares: "30" }),
      ),
    );
    expectNoServerErrors(responses);
    const approvals = responses.filter((_, i) => i % 4 === 3);
    const notices = responses.filter((_, i) => i % 4 !== 3);
    expect(notices.filter((r) => r.status !== 302).every((r) => r.status === 200 && /can be withdrawn|below the 10 shares/.test(r.body))).toBe(true);
    expect(approvals.filter((r) => !decided(r)).every((r) => /already been decided|can be transferred|below the 10 shares/.test(refusalOf(r) ?? ""))).toBe(true);
    const moved = await bed.db.selectFrom("share_transactions").select("kind").where("organisation_id", "=", s.org.id).where("kind", "in", ["transfer_out", "transfer_in"]).execute();
    const approved = approvals.filter(decided).length;
    expect(approved).toBeLessThanOrEqual(1);
    expect(moved).toHaveLength(2 * approved);
    const held = await shares(s, giver.id);
    const pending = await bed.db.selectFrom("withdrawal_requests").select("shares").where("organisation_id", "=", s.org.id).where("member_id", "=", giver.id).where("status", "=", "pending").execute();
    const promised = pending.reduce((a, p) => a + p.shares, 0);
    expect(pending).toHaveLength(notices.filter((r) => r.status === 302).length);
    expect(held - promised).toBeGreaterThanOrEqual(0);
    // Paying every notice leaves the giver at least the minimum.
    // The member's notices are dated today (notice 0 days), so they are due today.
    const paid = await read(await simultaneously(20, () => board.post("/shares/withdrawals", { paidOn: dateInZone(new Date(), DEFAULT_TIME_ZONE) })));
    expectNoServerErrors(paid);
    expect(await shares(s, giver.id)).toBe(held - promised);
    await expectSoundLedger(s);
  });
});

describe("transfers approved at once", () => {
  it("approves one transfer once however many times the board presses approve", async () => {
    const s = await setupClass(bed.db, { minHolding: "1", transferable: "on" });
    const a = await makeMember(bed.db, s.org.id, { name: "From" });
    const z = await makeMember(bed.db, s.org.id, { name: "To" });
    await buy(s, a.id, 50);
    const t = await bed.db.transaction().execute((trx) => requestTransfer(trx, s.user.id, s.org.id, { classId: s.cls.id, fromMemberId: a.id, toMemberId: z.id, shares: 20, on: "2026-02-01" }));
    if (!t.ok) throw new Error(t.reason);
    const board = await officer(s);
    const responses = await read(await simultaneously(BURST, (i) => board.post("/shares/transfers/decide", { transferId: t.id, decision: "approve", on: "2026-02-02", note: `Minute ${i}` })));
    expectNoServerErrors(responses);
    expect(responses.filter(decided)).toHaveLength(1);
    expect(responses.filter((r) => !decided(r)).map(refusalOf)).toEqual(Array(BURST - 1).fill("This transfer has already been decided."));
    expect([await shares(s, a.id), await shares(s, z.id)]).toEqual([30, 20]);
    await expectSoundLedger(s);
  });

  it("approves opposite transfers between the same members without a deadlock or a negative holding", async () => {
    const s = await setupClass(bed.db, { minHolding: "1", transferable: "on" });
    const a = await makeMember(bed.db, s.org.id, { name: "Alpha" });
    const z = await makeMember(bed.db, s.org.id, { name: "Omega" });
    await buy(s, a.id, 30);
    await buy(s, z.id, 30);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const [from, to] = i % 2 ? [a, z] : [z, a];
      const t = await bed.db.transaction().execute((trx) => requestTransfer(trx, s.user.id, s.org.id, { classId: s.cls.id, fromMemberId: from.id, toMemberId: to.id, shares: 7, on: "2026-02-01" }));
      if (!t.ok) throw new Error(t.reason);
      ids.push(t.id);
    }
    const board = await officer(s);
    const responses = await read(await simultaneously(30, (i) => board.post("/shares/transfers/decide", { transferId: ids[i], decision: "approve", on: "2026-02-02", note: "" })));
    expectNoServerErrors(responses);
    expect(responses.filter((r) => !decided(r)).every((r) => /can be transferred|below the 1 share/.test(refusalOf(r) ?? ""))).toBe(true);
    const approved = await bed.db.selectFrom("share_transfers").select("id").where("organisation_id", "=", s.org.id).where("status", "=", "approved").execute();
    expect(approved).toHaveLength(responses.filter(decided).length);
    const rows = await bed.db.selectFrom("share_transactions").select("id").where("organisation_id", "=", s.org.id).where("kind", "=", "transfer_out").execute();
    expect(rows).toHaveLength(approved.length);
    expect((await shares(s, a.id)) + (await shares(s, z.id))).toBe(60);
    await expectSoundLedger(s);
  });
});

describe("admission decided many times at once", () => {
  it("admits once and issues the shares applied for once", async () => {
    const s = await setupClass(bed.db, { minHolding: "1" });
    const applicant = await makeMember(bed.db, s.org.id, { name: "Applicant", status: "applied", on: "2026-01-02" });
    const app = await bed.db.insertInto("share_applications").values({ organisation_id: s.org.id, member_id: applicant.id, class_id: s.cls.id, shares: 25, applied_on: "2026-01-02" }).returning("id").executeTakeFirstOrThrow();
    const b = await officer(s);
    const responses = await read(await simultaneously(BURST, () => b.post("/shares/applications", { decision: "admit", applicationId: app.id, on: "2026-01-10" })));
    expectNoServerErrors(responses);
    expect(responses.filter((r) => /Admitted as member no\. \d+/.test(r.body))).toHaveLength(1);
    expect(responses.filter((r) => r.body.includes("That application has already been decided."))).toHaveLength(BURST - 1);
    expect(await shares(s, applicant.id)).toBe(25);
    await expectSoundLedger(s);
  });
});

describe("admissions decided while other members buy shares", () => {
  it("admit every applicant and record every purchase, without a deadlock", async () => {
    const s = await setupClass(bed.db, { minHolding: "1" });
    const apps: string[] = [];
    for (let i = 0; i < 10; i++) {
      const applicant = await makeMember(bed.db, s.org.id, { name: `Applicant ${i}`, status: "applied", on: "2026-01-02" });
      const app = await bed.db.insertInto("share_applications").values({ organisation_id: s.org.id, member_id: applicant.id, class_id: s.cls.id, shares: 10 + i, applied_on: "2026-01-02" }).returning("id").executeTakeFirstOrThrow();
      apps.push(app.id);
    }
    const buyers: Awaited<ReturnType<typeof makeMember>>[] = [];
    for (let i = 0; i < 5; i++) buyers.push(await makeMember(bed.db, s.org.id, { name: `Buyer ${i}` }));
    const b = await officer(s);
    const responses = await read(
      await simultaneously(30, (i) =>
        i % 3 === 0
          ? b.post("/shares/applications", { decision: "admit", applicationId: apps[i / 3], on: "2026-01-10" })
          : b.post("/shares/purchase", { memberNumber: String(buyers[i % 5].member_number), classId: s.cls.id, shares: "3", method: "cash", paidOn: "2026-01-10", reference: `TILL ${i}` }),
      ),
    );
    expectNoServerErrors(responses);
    expect(responses.filter((_, i) => i % 3 === 0).every((r) => /Admitted as member no\. \d+/.test(r.body))).toBe(true);
    expect(responses.filter((_, i) => i % 3 !== 0).every((r) => r.status === 302)).toBe(true);
    const admitted = await bed.db.selectFrom("share_applications").select("id").where("organisation_id", "=", s.org.id).where("status", "=", "admitted").execute();
    expect(admitted).toHaveLength(10);
    await expectSoundLedger(s);
  });
});

describe("card purchases confirmed by Stripe at once", () => {
  it("issues the shares of one checkout once, whatever the deliveries, and refunds once each payment the maximum no longer allows", async () => {
    const s = await setupClass(bed.db, { minHolding: "1", maxHolding: "20.00" });
    const member = await makeMember(bed.db, s.org.id, { name: "Card Buyer", email: "card.buyer@example.org" });
    const self = await memberBrowser(s, member.id);
    // Five checkouts of 6 shares, each allowed when started; only three fit under the maximum of 20.
    const keys = Array.from({ length: 5 }, () => crypto.randomUUID());
    for (const key of keys) expect((await self.post("/my/buy", { classId: s.cls.id, shares: "6", submissionKey: key })).status).toBe(302);
    const sessions = keys.map((k) => bed.fake.sessions.get(k)!);
    // Each checkout delivered BURST / 5 times: half as one event (Stripe's retries), half as distinct events.
    const responses = await simultaneously(BURST, (i) => {
      const n = i % 5;
      const copy = Math.floor(i / 5);
      return bed.webhook(completedCheckoutEvent(copy % 2 ? `evt_conc_${keys[n]}` : `evt_conc_${keys[n]}_${copy}`, sessions[n]));
    });
    expectNoServerErrors(responses);
    const outcomes = await Promise.all(responses.map((r) => r.json() as Promise<{ outcome: string }>));
    expect(outcomes.filter((o) => o.outcome === "processed")).toHaveLength(3);
    expect(outcomes.filter((o) => o.outcome === "refused")).toHaveLength(2);
    expect(outcomes.every((o) => ["processed", "refused", "duplicate", "ignored"].includes(o.outcome))).toBe(true);
    expect(await shares(s, member.id)).toBe(18);
    const cardRows = await bed.db.selectFrom("share_transactions").select("reference").where("organisation_id", "=", s.org.id).where("method", "=", "card").execute();
    expect(cardRows).toHaveLength(3);
    expect(new Set(cardRows.map((r) => r.reference)).size).toBe(3);
    await expectSoundLedger(s);

    // The refunds: each refused payment queued once, and refunded once however many workers run it at once.
    const refused = await bed.db.selectFrom("payments").select(["id", "refund_status"]).where("organisation_id", "=", s.org.id).where("status", "=", "failed").execute();
    expect(refused.map((p) => p.refund_status)).toEqual(["needed", "needed"]);
    const jobs = await bed.db.selectFrom("jobs").select("unique_key").where("organisation_id", "=", s.org.id).where("kind", "=", "cards.refund").execute();
    expect(jobs).toHaveLength(2);
    const stripe = (await stripeClient())!;
    const runs = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => refundCardPayment(bed.db, stripe, s.org.id, "shares", refused[i % 2].id)));
    expect(runs.filter((r) => r.status === "rejected")).toEqual([]);
    const after = await bed.db.selectFrom("payments").select(["refund_status", "stripe_refund_id"]).where("organisation_id", "=", s.org.id).where("status", "=", "failed").execute();
    expect(after.every((p) => p.refund_status === "refunded" && p.stripe_refund_id)).toBe(true);
    expect(new Set(after.map((p) => p.stripe_refund_id)).size).toBe(2);
    const audits = await bed.db.selectFrom("audit_events").select("entity_id").where("organisation_id", "=", s.org.id).where("action", "=", "card_payment.refunded").execute();
    expect(audits.map((a) => a.entity_id).sort()).toEqual(refused.map((p) => p.id).sort());
    const mail = await bed.db.selectFrom("email_outbox").select("id").where("organisation_id", "=", s.org.id).where("subject", "=", "Your card payment has been refunded").execute();
    expect(mail).toHaveLength(2);
    expect(await shares(s, member.id)).toBe(18);
  });
});

describe("the database's own share-ledger checks", () => {
  it("refuse a write that skipped the domain checks with a clear 409, not a 500", async () => {
    const s = await setupClass(bed.db, { minHolding: "1", maxHolding: "50.00" });
    const m = await makeMember(bed.db, s.org.id, { name: "Unchecked" });
    await buy(s, m.id, 10);
    const write = (kind: "withdrawal" | "purchase", n: number) => () =>
      moneyTransaction(bed.db, (trx) =>
        trx.insertInto("share_transactions").values({ organisation_id: s.org.id, member_id: m.id, class_id: s.cls.id, kind, shares: n, amount: BigInt(n) * 100n, effective_on: "2026-02-01", method: kind === "purchase" ? "cash" : "withdrawal", reference: "", reverses_id: null, recorded_by: null }).execute(),
      ).catch((e: unknown) => e);
    const negative = (await write("withdrawal", 11)()) as Response;
    expect(negative.status).toBe(409);
    expect(await negative.text()).toBe("This would take a holding below zero, so nothing was saved.");
    const over = (await write("purchase", 41)()) as Response;
    expect(over.status).toBe(409);
    expect(await over.text()).toContain("would exceed the class maximum of 5000");
    expect(await shares(s, m.id)).toBe(10);
    await expectSoundLedger(s);
  });
});
