/**
 * A borrower repays by card: Stripe's library against a local fake of the
 * API, webhooks signed with generateTestHeaderString. The repayment is
 * recorded only by the signed webhook, once.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";
import { Browser, startTestServer, type TestServer } from "../http";
import { completedCheckoutEvent, sendWebhook, startFakeStripe, type FakeStripe } from "../stripe-fake";

const WEBHOOK_SECRET = "whsec_loan_card_fake";
let db: Database;
let server: TestServer;
let fake: FakeStripe;

beforeAll(async () => {
  fake = await startFakeStripe(WEBHOOK_SECRET, "cs_loan_");
  db = await testDb();
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

const completed = completedCheckoutEvent;
const webhook = (payload: string, signature?: string) => sendWebhook(server.base, payload, WEBHOOK_SECRET, signature);

describe("card repayment of a loan", () => {
  it("records the repayment only on the signed webhook, once, and only for the borrower's own loan", async () => {
    const org = await makeOrganisation(db);
    const member = await makeMember(db, org.id, { name: "Owner of Bakers" });
    const { loan } = await makeLoan(db, org.id, { disbursedOn: "2026-01-15", borrower: { memberNumber: member.member_number } });
    const other = await makeLoan(db, org.id, { disbursedOn: "2026-01-15", borrower: { legalName: "Someone Else Ltd" } });
    const user = await makeUser(db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const b = new Browser(server.base);
    await b.login(user.email, user.password);
    expect(await (await b.get("/my/loans")).text()).toContain("Pay by card");

    // Not their loan: refused, nothing started.
    const foreign = await b.post("/my/loans", { loanId: other.loan.id, amount: "50.00", idempotencyKey: crypto.randomUUID() });
    expect(await foreign.text()).toContain("No such loan.");
    // Bad amount: the field says why.
    expect(await (await b.post("/my/loans", { loanId: loan.id, amount: "-5", idempotencyKey: crypto.randomUUID() })).text()).toContain("more than zero");

    const key = crypto.randomUUID();
    const started = await b.post("/my/loans", { loanId: loan.id, amount: "150.00", idempotencyKey: key });
    expect(started.status).toBe(302);
    expect(started.headers.get("location")).toMatch(/^https:\/\/checkout\.stripe\.test\/pay\/cs_loan_/);
    const repayments = () => db.selectFrom("loan_transactions").select(["amount", "kind"]).where("loan_id", "=", loan.id).where("kind", "=", "repayment").execute();
    expect(await repayments()).toEqual([]);

    const payload = completed("evt_loan_1", fake.sessions.get(key)!);
    expect((await webhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_wrong" }))).status).toBe(400);
    expect(await repayments()).toEqual([]);
    const results = await Promise.all(Array.from({ length: 5 }, () => webhook(payload).then((r) => r.json() as Promise<{ outcome: string }>)));
    expect(results.filter((r) => r.outcome === "processed")).toHaveLength(1);
    expect((await repayments()).map((r) => [BigInt(r.amount), r.kind])).toEqual([[15000n, "repayment"]]);
    const payment = await db.selectFrom("loan_card_payments").select(["status", "loan_transaction_id"]).where("idempotency_key", "=", key).executeTakeFirstOrThrow();
    expect(payment.status).toBe("paid");
    expect(payment.loan_transaction_id).not.toBeNull();
    const mail = await db.selectFrom("email_outbox").select("subject").where("organisation_id", "=", org.id).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(mail.subject).toContain("Payment received on loan");
  });
});
