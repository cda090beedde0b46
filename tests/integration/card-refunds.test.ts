/**
 * Card payments that were paid but cannot be applied are refunded by a
 * background job: a share purchase the maximum holding no longer allows, a
 * loan repayment larger than the pay-off. Stripe's own library talks to the
 * local fake; the refund is asked for once per payment however often the job
 * runs, and the payer is told.
 */
import { describe, expect, it } from "vitest";
import { JOB_KINDS } from "../../server/jobs";
import { refundCardPayment } from "~/models/payments/card-refunds.server";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { runNextJob } from "~/utils/jobs.server";
import { stripeClient } from "~/utils/stripe.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
import { Browser } from "../http";
import { completedCheckoutEvent, paymentIntentFor, stripeTestBed } from "../stripe-fake";
import { runJobsUntil } from "../run-jobs";

const bed = stripeTestBed("whsec_refund_fake", "cs_refund_");

/** Runs due jobs until the refund job for this payment has finished. */
async function runRefundJob(paymentId: string) {
  const job = () => bed.db.selectFrom("jobs").select(["status", "last_error"]).where("unique_key", "=", `${JOB_KINDS.refundCardPayment}:${paymentId}`).executeTakeFirst();
  await runJobsUntil(bed.db, async () => !((await job())?.status === "queued"));
  return job();
}

const refundCalls = () => bed.fake.calls.filter((c) => c.body.has("payment_intent"));

describe("refunds of card payments that cannot be applied", () => {
  it("refunds a share purchase the maximum holding no longer allows, once, and tells the member", async () => {
    const { org, user: secretary, cls } = await setupClass(bed.db, { minHolding: "1", maxHolding: "20.00" });
    const member = await makeMember(bed.db, org.id, { name: "Ann Refund", email: "ann.refund@example.org" });
    const login = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const b = new Browser(bed.server.base);
    await b.login(login.email, login.password);
    const key = crypto.randomUUID();
    expect((await b.post("/my/buy", { classId: cls.id, shares: "15", submissionKey: key })).status).toBe(302);
    // Meanwhile the secretary records a cash purchase: 15 more would pass the maximum of 20.
    const cash = await bed.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: member.id, classId: cls.id, shares: 10, on: "2026-11-20", method: "cash" }));
    expect(cash.ok).toBe(true);

    const session = bed.fake.sessions.get(key)!;
    const response = await bed.webhook(completedCheckoutEvent(`evt_${key}`, session));
    expect(await response.json()).toMatchObject({ outcome: "refused" });
    const payment = await bed.db.selectFrom("payments").selectAll().where("idempotency_key", "=", key).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ status: "failed", refund_status: "needed", stripe_payment_intent: paymentIntentFor(String(session.id)) });
    expect(payment.failure).toMatch(/^Refund needed: /);

    const before = refundCalls().length;
    expect(await runRefundJob(payment.id)).toMatchObject({ status: "done" });
    expect(refundCalls()).toHaveLength(before + 1);
    expect(refundCalls().at(-1)).toMatchObject({ idempotencyKey: `refund-${payment.id}` });
    expect(refundCalls().at(-1)!.body.get("payment_intent")).toBe(paymentIntentFor(String(session.id)));
    const refunded = await bed.db.selectFrom("payments").select(["refund_status", "stripe_refund_id", "refunded_at"]).where("id", "=", payment.id).executeTakeFirstOrThrow();
    expect(refunded.refund_status).toBe("refunded");
    expect(refunded.stripe_refund_id).toMatch(/^re_test_/);
    expect(refunded.refunded_at).not.toBeNull();
    const mail = await bed.db.selectFrom("email_outbox").select(["to_email", "subject", "body"]).where("organisation_id", "=", org.id).where("subject", "=", "Your card payment has been refunded").execute();
    expect(mail).toHaveLength(1);
    expect(mail[0].body).toContain("£15.00");

    // The member's page says where the payment stands.
    const page = await (await b.get("/my")).text();
    expect(page).toContain("Card payments");
    expect(page).toMatch(/Refunded to your card on \d{4}-\d{2}-\d{2}: /);
    // The holding never took the refused shares, and running the refund again asks Stripe for nothing.
    const holding = await bed.db.selectFrom("share_holdings").select("shares").where("member_id", "=", member.id).executeTakeFirstOrThrow();
    expect(Number(holding.shares)).toBe(10);
    expect(await refundCardPayment(bed.db, (await stripeClient())!, org.id, "shares", payment.id)).toBe("nothing to refund");
    expect(refundCalls()).toHaveLength(before + 1);
    // The webhook again (Stripe retries): nothing new is queued or refunded.
    expect(await (await bed.webhook(completedCheckoutEvent(`evt_${key}`, session))).json()).toMatchObject({ outcome: "duplicate" });
    expect(await bed.db.selectFrom("jobs").select("id").where("unique_key", "=", `${JOB_KINDS.refundCardPayment}:${payment.id}`).execute()).toHaveLength(1);
  });

  it("refunds a card repayment larger than what repays the loan, and records no repayment", async () => {
    const org = await makeOrganisation(bed.db);
    const member = await makeMember(bed.db, org.id, { name: "Owner of Overpaid Ltd" });
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15", borrower: { memberNumber: member.member_number } });
    const login = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const b = new Browser(bed.server.base);
    await b.login(login.email, login.password);
    const key = crypto.randomUUID();
    expect((await b.post("/my/loans", { loanId: loan.id, amount: "999999.00", submissionKey: key })).status).toBe(302);
    const response = await bed.webhook(completedCheckoutEvent(`evt_${key}`, bed.fake.sessions.get(key)!));
    expect(await response.json()).toMatchObject({ outcome: "refused" });
    const payment = await bed.db.selectFrom("loan_card_payments").selectAll().where("idempotency_key", "=", key).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ status: "failed", refund_status: "needed" });

    expect(await runRefundJob(payment.id)).toMatchObject({ status: "done" });
    const refunded = await bed.db.selectFrom("loan_card_payments").select(["refund_status", "stripe_refund_id"]).where("id", "=", payment.id).executeTakeFirstOrThrow();
    expect(refunded).toMatchObject({ refund_status: "refunded", stripe_refund_id: expect.stringMatching(/^re_test_/) });
    const repayments = await bed.db.selectFrom("loan_transactions").select("id").where("loan_id", "=", loan.id).where("kind", "=", "repayment").execute();
    expect(repayments).toEqual([]);
  });

  it("keeps the refund waiting, not lost, while card payments are switched off", async () => {
    const { org, user: secretary, cls } = await setupClass(bed.db, { minHolding: "1", maxHolding: "5.00" });
    const member = await makeMember(bed.db, org.id, { name: "Ben Waiting" });
    const login = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const b = new Browser(bed.server.base);
    await b.login(login.email, login.password);
    const key = crypto.randomUUID();
    await b.post("/my/buy", { classId: cls.id, shares: "5", submissionKey: key });
    await bed.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: member.id, classId: cls.id, shares: 5, on: "2026-11-20", method: "cash" }));
    await bed.webhook(completedCheckoutEvent(`evt_${key}`, bed.fake.sessions.get(key)!));
    const payment = await bed.db.selectFrom("payments").select("id").where("idempotency_key", "=", key).executeTakeFirstOrThrow();
    const secretKey = process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_SECRET_KEY;
    try {
      const job = () => bed.db.selectFrom("jobs").select(["status", "attempts", "last_error"]).where("unique_key", "=", `${JOB_KINDS.refundCardPayment}:${payment.id}`).executeTakeFirstOrThrow();
      while ((await job()).attempts === 0) await runNextJob(bed.db);
      expect(await job()).toMatchObject({ status: "queued", attempts: 1, last_error: expect.stringContaining("switched off") });
    } finally {
      process.env.STRIPE_SECRET_KEY = secretKey;
    }
    const still = await bed.db.selectFrom("payments").select("refund_status").where("id", "=", payment.id).executeTakeFirstOrThrow();
    expect(still.refund_status).toBe("needed");
  });
});
