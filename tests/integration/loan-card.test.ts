/**
 * A borrower repays by card: Stripe's library against a local fake of the
 * API, webhooks signed with generateTestHeaderString. The repayment is
 * recorded only by the signed webhook, once.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";
import { Browser, startTestServer, type TestServer } from "../http";

const WEBHOOK_SECRET = "whsec_loan_card_fake";
let db: Database;
let server: TestServer;
let fake: Server;
const sessions = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  fake = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/checkout/sessions") {
        res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { message: "not faked" } }));
        return;
      }
      const key = req.headers["idempotency-key"] as string;
      const body = new URLSearchParams(raw);
      let session = sessions.get(key);
      if (!session) {
        const id = `cs_loan_${sessions.size + 1}`;
        const metadata = Object.fromEntries([...body.entries()].filter(([k]) => k.startsWith("metadata[")).map(([k, v]) => [k.slice(9, -1), v]));
        const amount = Number(body.get("line_items[0][price_data][unit_amount]")) * Number(body.get("line_items[0][quantity]"));
        session = { id, object: "checkout.session", url: `https://checkout.stripe.test/pay/${id}`, amount_total: amount, metadata, payment_status: "unpaid", mode: "payment" };
        sessions.set(key, session);
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(session));
    });
  });
  await new Promise<void>((r) => fake.listen(0, "127.0.0.1", () => r()));
  process.env.STRIPE_SECRET_KEY = "sk_test_fake_loan_key";
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.STRIPE_API_BASE = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  db = await testDb();
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await new Promise((r) => fake.close(r));
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.STRIPE_API_BASE;
});

const completed = (id: string, session: Record<string, unknown>) =>
  JSON.stringify({ id, object: "event", type: "checkout.session.completed", api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), data: { object: { ...session, payment_status: "paid", status: "complete" } } });
const webhook = (payload: string, signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })) =>
  fetch(`${server.base}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": signature }, body: payload });

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

    const payload = completed("evt_loan_1", sessions.get(key)!);
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
