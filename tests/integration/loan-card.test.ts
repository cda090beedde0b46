/**
 * A borrower repays by card: Stripe's library against a local fake of the
 * API, webhooks signed with generateTestHeaderString. The repayment is
 * recorded only by the signed webhook, once.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { makeLoan } from "../fixtures/lending";
import { Browser } from "../http";
import { completedCheckoutEvent, stripeTestBed } from "../stripe-fake";
import { moneyProblems } from "../mail-money";

const bed = stripeTestBed("whsec_loan_card_fake", "cs_loan_");

describe("card repayment of a loan", () => {
  it("records the repayment only on the signed webhook, once, and only for the borrower's own loan", async () => {
    const org = await makeOrganisation(bed.db);
    const member = await makeMember(bed.db, org.id, { name: "Owner of Bakers" });
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15", borrower: { memberNumber: member.member_number } });
    const other = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15", borrower: { legalName: "Someone Else Ltd" } });
    const user = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const b = new Browser(bed.server.base);
    await b.login(user.email, user.password);
    expect(await (await b.get("/my/loans")).text()).toContain("Pay by card");

    // Not their loan: refused, nothing started.
    const foreign = await b.post("/my/loans", { loanId: other.loan.id, amount: "50.00", submissionKey: crypto.randomUUID() });
    expect(await foreign.text()).toContain("No such loan.");
    // Bad amount: the field says why.
    expect(await (await b.post("/my/loans", { loanId: loan.id, amount: "-5", submissionKey: crypto.randomUUID() })).text()).toContain("more than zero");

    const key = crypto.randomUUID();
    const started = await b.post("/my/loans", { loanId: loan.id, amount: "150.00", submissionKey: key });
    expect(started.status).toBe(302);
    expect(started.headers.get("location")).toMatch(/^https:\/\/checkout\.stripe\.test\/pay\/cs_loan_/);
    const repayments = () => bed.db.selectFrom("loan_transactions").select(["amount", "kind"]).where("loan_id", "=", loan.id).where("kind", "=", "repayment").execute();
    expect(await repayments()).toEqual([]);

    const payload = completedCheckoutEvent("evt_loan_1", bed.fake.sessions.get(key)!);
    expect((await bed.webhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_wrong" }))).status).toBe(400);
    expect(await repayments()).toEqual([]);
    const results = await Promise.all(Array.from({ length: 5 }, () => bed.webhook(payload).then((r) => r.json() as Promise<{ outcome: string }>)));
    expect(results.filter((r) => r.outcome === "processed")).toHaveLength(1);
    expect((await repayments()).map((r) => [BigInt(r.amount), r.kind])).toEqual([[15000n, "repayment"]]);
    const payment = await bed.db.selectFrom("loan_card_payments").select(["status", "loan_transaction_id"]).where("idempotency_key", "=", key).executeTakeFirstOrThrow();
    expect(payment.status).toBe("paid");
    expect(payment.loan_transaction_id).not.toBeNull();
    const mail = await bed.db.selectFrom("email_outbox").select(["subject", "body"]).where("organisation_id", "=", org.id).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(mail.subject).toContain("Payment received on loan");
    expect(mail.body).toContain("your card payment of £150.00");
    // The day it was recorded, in words in the organisation's locale ("4 December 2026"), not as the database stores it.
    expect(mail.body).toMatch(/has been received and recorded on \d{1,2} [A-Z][a-z]+ \d{4}\.\n$/);
    expect(moneyProblems(mail.body)).toEqual([]);
  });

  it("asks Stripe for the same session again when a started payment's session was never stored", async () => {
    const org = await makeOrganisation(bed.db);
    const member = await makeMember(bed.db, org.id, { name: "Owner of Millers" });
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15", borrower: { memberNumber: member.member_number } });
    const user = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const b = new Browser(bed.server.base);
    await b.login(user.email, user.password);
    const key = crypto.randomUUID();
    expect((await b.post("/my/loans", { loanId: loan.id, amount: "20.00", submissionKey: key })).status).toBe(302);
    // As if the app stopped between Stripe's answer and storing it: the retry must send Stripe the same request.
    await bed.db.updateTable("loan_card_payments").set({ checkout_url: null, stripe_session_id: null }).where("idempotency_key", "=", key).execute();
    expect((await b.post("/my/loans", { loanId: loan.id, amount: "20.00", submissionKey: key })).status).toBe(302);
    const asked = bed.fake.calls.filter((c) => c.idempotencyKey === key).map((c) => c.body.get("line_items[0][price_data][product_data][name]"));
    expect(asked).toEqual([`Repayment of loan ${loan.reference}`, `Repayment of loan ${loan.reference}`]);
    expect(await bed.db.selectFrom("loan_card_payments").select("id").where("idempotency_key", "=", key).execute()).toHaveLength(1);
  });
});
