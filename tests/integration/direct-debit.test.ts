/**
 * Direct Debit through GoCardless (issue #18 point 3): the app's own client
 * against a local fake of GoCardless's API (tests/fixtures/gocardless-fake.ts),
 * webhooks signed as GoCardless signs them. Collections come from the loan
 * schedule, once; money is recorded only when the signed webhook confirms
 * it, once, and reversed (never deleted) when it fails or is charged back.
 * The concurrency case races for real under `npm run test:pg`.
 */
import { describe, expect, it } from "vitest";
import { addDays } from "~/domain/calendar";
import { organisationToday } from "~/models/core/organisations.server";
import { writeOffLoan } from "~/models/lending/loans.server";
import { cancelMandate, collectDirectDebits, recordExistingLoanMandate, scheduleCollections, startLoanMandate, startShareMandate, submitCollections } from "~/models/payments/direct-debit.server";
import { goCardlessClient } from "~/utils/gocardless.server";
import { postJournal, trialBalance } from "~/models/treasury/journal.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { simultaneously } from "../concurrency";
import { goCardlessTestBed, webhookBody } from "../fixtures/gocardless-fake";
import { makeLoan } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
import { Browser } from "../http";
import { JOB_KINDS, scheduleDailyJobs } from "../../server/jobs";
import { getJob } from "~/utils/jobs.server";
import { runJobsUntil } from "../run-jobs";
import { moneyProblems } from "../mail-money";

const SECRET = "gc_webhook_secret_for_the_fake_0123";
const bed = goCardlessTestBed(SECRET);
const gc = () => goCardlessClient()!;
let seq = 0;
const eventId = () => `EV${Date.now().toString(36).toUpperCase()}${++seq}`;

/** An organisation, its loan officer and a loan whose first installment falls due in a few days (today is the real one). */
async function world() {
  const org = await makeOrganisation(bed.db);
  const officer = await makeUser(bed.db, { organisationId: org.id, roles: ["loan_officer"] });
  const today = await organisationToday(bed.db, org.id);
  const { loan, borrower } = await makeLoan(bed.db, org.id, { disbursedOn: addDays(today, -25), officerUserId: officer.id, amount: 600_000n, termPeriods: 6 });
  return { org, officer, today, loan, borrower };
}

async function post(events: Parameters<typeof webhookBody>[0]) {
  const res = await bed.webhook(webhookBody(events));
  expect(res.status).toBe(200);
  return (await res.json()) as { received: number; outcomes: string[] };
}

/** A mandate the borrower authorised through GoCardless's page, made active by GoCardless's webhooks. */
async function activeMandate(w: Awaited<ReturnType<typeof world>>) {
  const started = await startLoanMandate(bed.db, gc(), { organisationId: w.org.id, actorUserId: w.officer.id, loanId: w.loan.id, idempotencyKey: crypto.randomUUID(), appUrl: "http://app.test" });
  if (!started.ok) throw new Error(started.reason);
  const row = await bed.db.selectFrom("dd_mandates").selectAll().where("id", "=", started.mandateId).executeTakeFirstOrThrow();
  const md = bed.gc.fulfil(row.provider_billing_request_id!);
  await post([{ id: eventId(), resource_type: "billing_requests", action: "fulfilled", links: { billing_request: row.provider_billing_request_id!, mandate_request_mandate: md } }]);
  await post([{ id: eventId(), resource_type: "mandates", action: "active", links: { mandate: md } }]);
  return { mandateId: started.mandateId, md };
}

const collections = (loanId: string) => bed.db.selectFrom("dd_collections").selectAll().where("loan_id", "=", loanId).orderBy("created_at").execute();
const ledger = (loanId: string) => bed.db.selectFrom("loan_transactions").select(["id", "kind", "amount", "method", "reverses_id"]).where("loan_id", "=", loanId).where("kind", "in", ["repayment", "reversal"]).orderBy("id").execute();
const installment = (loanId: string, n: number) => bed.db.selectFrom("loan_installments").selectAll().where("loan_id", "=", loanId).where("n", "=", n).executeTakeFirstOrThrow();
const owed = (i: Awaited<ReturnType<typeof installment>>) => BigInt(i.principal) + BigInt(i.interest) + BigInt(i.fees) - BigInt(i.paid_principal) - BigInt(i.paid_interest) - BigInt(i.paid_fees);
const mails = (orgId: string) => bed.db.selectFrom("email_outbox").select(["to_email", "subject", "body"]).where("organisation_id", "=", orgId).orderBy("id").execute();

describe("Direct Debit mandates", () => {
  it("are set up through GoCardless's page and follow GoCardless's webhooks to active, then cancelled", async () => {
    const w = await world();
    const key = crypto.randomUUID();
    const input = { organisationId: w.org.id, actorUserId: w.officer.id, loanId: w.loan.id, idempotencyKey: key, appUrl: "http://app.test" };
    // The same form posted five times at once, then again.
    const [first, ...others] = await simultaneously(5, () => startLoanMandate(bed.db, gc(), input));
    const again = await startLoanMandate(bed.db, gc(), input);
    expect(others.map((o) => o.ok && o.url)).toEqual(Array(4).fill(first.ok && first.url));
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    // The same form twice: one mandate, one billing request, the same page.
    expect(again.url).toBe(first.url);
    expect(first.url).toMatch(/^https:\/\/pay\.gocardless\.test\/flow\/BRF/);
    expect(await bed.db.selectFrom("dd_mandates").select("id").where("loan_id", "=", w.loan.id).execute()).toHaveLength(1);
    // Every try asked with the mandate's key; GoCardless made one billing request (the rest got its 409 and that one).
    const asked = bed.gc.calls.filter((c) => c.path === "/billing_requests" && c.body?.billing_requests?.metadata?.mandate === first.mandateId);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((c) => c.idempotencyKey === `dd-mandate-${first.mandateId}`)).toBe(true);
    expect([...bed.gc.billingRequests.values()].filter((b) => b.metadata.mandate === first.mandateId)).toHaveLength(1);
    // The borrower is emailed the page.
    const invitations = (await mails(w.org.id)).filter((m) => m.to_email === "ada@ribble.example");
    expect(invitations).toHaveLength(1);
    expect(invitations[0].body).toContain(first.url);
    // A second mandate for the same loan while this one is live: refused.
    const second = await startLoanMandate(bed.db, gc(), { ...input, idempotencyKey: crypto.randomUUID() });
    expect(second).toEqual({ ok: false, reason: "This loan already has a Direct Debit mandate; cancel it first." });

    const row = await bed.db.selectFrom("dd_mandates").selectAll().where("id", "=", first.mandateId).executeTakeFirstOrThrow();
    expect(row.status).toBe("setting_up");
    const md = bed.gc.fulfil(row.provider_billing_request_id!);
    expect((await post([{ id: eventId(), resource_type: "billing_requests", action: "fulfilled", links: { billing_request: row.provider_billing_request_id!, mandate_request_mandate: md } }])).outcomes).toEqual(["processed"]);
    const mandate = () => bed.db.selectFrom("dd_mandates").select(["status", "provider_mandate_id"]).where("id", "=", first.mandateId).executeTakeFirstOrThrow();
    expect(await mandate()).toEqual({ status: "pending_submission", provider_mandate_id: md });
    // Events for things that are not ours are acknowledged and not stored.
    expect((await post([{ id: eventId(), resource_type: "mandates", action: "active", links: { mandate: "MD_NOT_OURS" } }])).outcomes).toEqual(["ignored"]);
    // Several events in one body, in order.
    expect((await post([{ id: eventId(), resource_type: "mandates", action: "submitted", links: { mandate: md } }, { id: eventId(), resource_type: "mandates", action: "active", links: { mandate: md } }])).outcomes).toEqual(["processed", "processed"]);
    expect((await mandate()).status).toBe("active");
    // Late news of an earlier step does not take it back.
    expect((await post([{ id: eventId(), resource_type: "mandates", action: "submitted", links: { mandate: md } }])).outcomes).toEqual(["ignored"]);

    // The officer cancels it: GoCardless is told, the mandate ends here.
    const cancelled = await cancelMandate(bed.db, gc(), { organisationId: w.org.id, actorUserId: w.officer.id, mandateId: first.mandateId, loanId: w.loan.id });
    expect(cancelled).toEqual({ ok: true, cancelledCollections: 0 });
    expect(bed.gc.mandates.get(md)!.status).toBe("cancelled");
    expect((await mandate()).status).toBe("cancelled");
    // GoCardless's own event about it afterwards changes nothing.
    expect((await post([{ id: eventId(), resource_type: "mandates", action: "cancelled", links: { mandate: md } }])).outcomes).toEqual(["ignored"]);
  });

  it("are linked from the mandate's own metadata when its events come before the billing request's", async () => {
    const w = await world();
    const started = await startLoanMandate(bed.db, gc(), { organisationId: w.org.id, actorUserId: w.officer.id, loanId: w.loan.id, idempotencyKey: crypto.randomUUID(), appUrl: "http://app.test" });
    if (!started.ok) throw new Error(started.reason);
    const row = await bed.db.selectFrom("dd_mandates").selectAll().where("id", "=", started.mandateId).executeTakeFirstOrThrow();
    const md = bed.gc.fulfil(row.provider_billing_request_id!);
    expect(bed.gc.mandates.get(md)!.metadata).toEqual({ mandate: started.mandateId });
    expect((await post([{ id: eventId(), resource_type: "mandates", action: "active", links: { mandate: md } }])).outcomes).toEqual(["processed"]);
    expect(await bed.db.selectFrom("dd_mandates").select(["status", "provider_mandate_id"]).where("id", "=", started.mandateId).executeTakeFirstOrThrow()).toEqual({ status: "active", provider_mandate_id: md });
    // The billing request's event, late: nothing left to do.
    expect((await post([{ id: eventId(), resource_type: "billing_requests", action: "fulfilled", links: { billing_request: row.provider_billing_request_id!, mandate_request_mandate: md } }])).outcomes).toEqual(["ignored"]);
    // A mandate GoCardless has never heard of: acknowledged, nothing stored.
    expect((await post([{ id: eventId(), resource_type: "mandates", action: "active", links: { mandate: "MD999UNKNOWN" } }])).outcomes).toEqual(["ignored"]);
  });

  it("can be recorded from GoCardless's dashboard, only if GoCardless has it and it is usable", async () => {
    const w = await world();
    const base = { organisationId: w.org.id, actorUserId: w.officer.id, loanId: w.loan.id };
    expect(await recordExistingLoanMandate(bed.db, gc(), { ...base, providerMandateId: "MD000NOPE", idempotencyKey: crypto.randomUUID() })).toEqual({ ok: false, reason: "GoCardless has no mandate MD000NOPE.", field: "providerMandateId" });
    const ended = bed.gc.addMandate("cancelled");
    expect(await recordExistingLoanMandate(bed.db, gc(), { ...base, providerMandateId: ended, idempotencyKey: crypto.randomUUID() })).toMatchObject({ ok: false, field: "providerMandateId" });
    const md = bed.gc.addMandate("active");
    const ok = await recordExistingLoanMandate(bed.db, gc(), { ...base, providerMandateId: md, idempotencyKey: crypto.randomUUID() });
    expect(ok.ok).toBe(true);
    expect(await bed.db.selectFrom("dd_mandates").select(["status", "provider_mandate_id"]).where("loan_id", "=", w.loan.id).execute()).toEqual([{ status: "active", provider_mandate_id: md }]);
    const another = bed.gc.addMandate("active");
    expect(await recordExistingLoanMandate(bed.db, gc(), { ...base, providerMandateId: another, idempotencyKey: crypto.randomUUID() })).toMatchObject({ ok: false, reason: expect.stringContaining("already has a Direct Debit mandate") });
  });
});

describe("Direct Debit collections", () => {
  it("are scheduled from the loan schedule, one per installment, however often the run goes", async () => {
    const w = await world();
    const { md } = await activeMandate(w);
    const other = await makeLoan(bed.db, w.org.id, { disbursedOn: addDays(w.today, -25) }); // no mandate: nothing collected
    const first = await collectDirectDebits(bed.db, gc(), w.org.id, w.today);
    expect(first).toEqual({ scheduled: 1, submitted: 1, refused: 0, mandatesEnded: 0 });
    const again = await collectDirectDebits(bed.db, gc(), w.org.id, w.today);
    expect(again).toEqual({ scheduled: 0, submitted: 0, refused: 0, mandatesEnded: 0 });
    // Two runs at once write one collection too.
    await Promise.all([scheduleCollections(bed.db, w.org.id, w.today), scheduleCollections(bed.db, w.org.id, w.today)]);
    const rows = await collections(w.loan.id);
    expect(rows).toHaveLength(1);
    const one = await installment(w.loan.id, 1);
    expect(one.due_on >= w.today && one.due_on <= addDays(w.today, 14)).toBe(true);
    expect(rows[0]).toMatchObject({ installment_n: 1, amount: owed(one), status: "pending_submission", currency: "GBP" });
    const payment = bed.gc.payments.get(rows[0].provider_payment_id!)!;
    expect(payment).toMatchObject({ amount: Number(owed(one)), currency: "GBP", links: { mandate: md }, metadata: { collection: rows[0].id } });
    expect(bed.gc.calls.filter((c) => c.path === "/payments" && c.idempotencyKey === `dd-collection-${rows[0].id}`)).toHaveLength(1);
    expect(await collections(other.loan.id)).toEqual([]);
    // What a collection collects never changes, and it is never deleted.
    await expect(bed.db.updateTable("dd_collections").set({ amount: 1n }).where("id", "=", rows[0].id).execute()).rejects.toThrow(/never changes/);
    await expect(bed.db.deleteFrom("dd_collections").where("id", "=", rows[0].id).execute()).rejects.toThrow(/never deleted/);
  });

  it("record the repayment when GoCardless confirms the payment, once, and reverse it when it is charged back", async () => {
    const w = await world();
    await activeMandate(w);
    await collectDirectDebits(bed.db, gc(), w.org.id, w.today);
    const [c] = await collections(w.loan.id);
    const before = owed(await installment(w.loan.id, 1));
    const confirmed = webhookBody([{ id: eventId(), resource_type: "payments", action: "confirmed", links: { payment: c.provider_payment_id! } }]);
    expect(await (await bed.webhook(confirmed)).json()).toEqual({ received: 1, outcomes: ["processed"] });
    // GoCardless sending the same body again (a retry after a timeout): nothing more.
    expect(await (await bed.webhook(confirmed)).json()).toEqual({ received: 1, outcomes: ["duplicate"] });
    // Another event saying the same: the collection is already confirmed.
    expect((await post([{ id: eventId(), resource_type: "payments", action: "confirmed", links: { payment: c.provider_payment_id! } }])).outcomes).toEqual(["ignored"]);
    const recorded = await ledger(w.loan.id);
    expect(recorded).toEqual([{ id: expect.anything(), kind: "repayment", amount: c.amount, method: "direct_debit", reverses_id: null }]);
    expect(owed(await installment(w.loan.id, 1))).toBe(0n);
    expect(before).toBe(c.amount);
    expect((await collections(w.loan.id))[0]).toMatchObject({ status: "confirmed", loan_transaction_id: recorded[0].id });
    expect((await post([{ id: eventId(), resource_type: "payments", action: "paid_out", links: { payment: c.provider_payment_id! } }])).outcomes).toEqual(["processed"]);
    // The books see it in Direct Debit clearing until GoCardless's payout reaches the bank.
    const clearing = async () => {
      await postJournal(bed.db, w.org.id);
      return (await trialBalance(bed.db, w.org.id, w.today)).rows.find((r) => r.code === "1220")?.closing ?? 0n;
    };
    expect(await clearing()).toBe(BigInt(c.amount));

    // Weeks later the payer's bank charges it back: a reversal entry, the installment open again, both told.
    const mailsBefore = (await mails(w.org.id)).length;
    expect((await post([{ id: eventId(), resource_type: "payments", action: "charged_back", links: { payment: c.provider_payment_id! }, details: { cause: "refund_requested", description: "The customer asked their bank to refund the payment." } }])).outcomes).toEqual(["processed"]);
    const after = await ledger(w.loan.id);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ kind: "reversal", amount: c.amount, reverses_id: after[0].id });
    expect(owed(await installment(w.loan.id, 1))).toBe(before);
    expect((await collections(w.loan.id))[0]).toMatchObject({ status: "charged_back", reversal_transaction_id: after[1].id });
    expect(await clearing()).toBe(0n);
    const told = (await mails(w.org.id)).slice(mailsBefore);
    expect(told.map((m) => m.to_email).sort()).toEqual([w.officer.email, "ada@ribble.example"].sort());
    expect(told.find((m) => m.to_email === w.officer.email)!.body).toContain("has been reversed");
    expect(told.flatMap((m) => moneyProblems(m.body))).toEqual([]);
    // And the installment can be collected again.
    expect(await scheduleCollections(bed.db, w.org.id, w.today)).toBe(1);
  });

  it("that fail leave the installment open, and tell the officer and the payer", async () => {
    const w = await world();
    await activeMandate(w);
    await collectDirectDebits(bed.db, gc(), w.org.id, w.today);
    const [c] = await collections(w.loan.id);
    const owedBefore = owed(await installment(w.loan.id, 1));
    const mailsBefore = (await mails(w.org.id)).length;
    expect((await post([{ id: eventId(), resource_type: "payments", action: "failed", links: { payment: c.provider_payment_id! }, details: { cause: "insufficient_funds", description: "The customer's account had insufficient funds to make this payment." } }])).outcomes).toEqual(["processed"]);
    expect(await ledger(w.loan.id)).toEqual([]);
    expect(owed(await installment(w.loan.id, 1))).toBe(owedBefore);
    expect((await collections(w.loan.id))[0]).toMatchObject({ status: "failed", failure: expect.stringContaining("insufficient funds") });
    const told = (await mails(w.org.id)).slice(mailsBefore);
    expect(told.map((m) => m.to_email).sort()).toEqual([w.officer.email, "ada@ribble.example"].sort());
    expect(told.find((m) => m.to_email === "ada@ribble.example")!.body).toContain(`L${String(w.loan.reference).padStart(5, "0")}`);
    expect(told.flatMap((m) => moneyProblems(m.body))).toEqual([]);
    // A confirmation arriving after the failure records nothing.
    expect((await post([{ id: eventId(), resource_type: "payments", action: "confirmed", links: { payment: c.provider_payment_id! } }])).outcomes).toEqual(["ignored"]);
    expect(await ledger(w.loan.id)).toEqual([]);
    // The installment is open again: the next run asks for it once more (its due date is still ahead).
    expect(await collectDirectDebits(bed.db, gc(), w.org.id, w.today)).toEqual({ scheduled: 1, submitted: 1, refused: 0, mandatesEnded: 0 });
    expect((await collections(w.loan.id)).map((r) => r.status)).toEqual(["failed", "pending_submission"]);
  });

  it("not yet taken are cancelled when the mandate is cancelled", async () => {
    const w = await world();
    const { md } = await activeMandate(w);
    await scheduleCollections(bed.db, w.org.id, w.today); // written, not yet asked of GoCardless
    expect((await collections(w.loan.id)).map((r) => r.status)).toEqual(["scheduled"]);
    const mailsBefore = (await mails(w.org.id)).length;
    expect((await post([{ id: eventId(), resource_type: "mandates", action: "cancelled", links: { mandate: md }, details: { cause: "bank_account_closed", description: "The customer's bank account was closed." } }])).outcomes).toEqual(["processed"]);
    expect((await collections(w.loan.id)).map((r) => r.status)).toEqual(["cancelled"]);
    expect((await bed.db.selectFrom("dd_mandates").select("status").where("provider_mandate_id", "=", md).executeTakeFirstOrThrow()).status).toBe("cancelled");
    expect((await mails(w.org.id)).slice(mailsBefore).map((m) => m.to_email)).toEqual([w.officer.email]);
    // Nothing more is asked for under it.
    expect(await collectDirectDebits(bed.db, gc(), w.org.id, w.today)).toEqual({ scheduled: 0, submitted: 0, refused: 0, mandatesEnded: 0 });
    expect(bed.gc.calls.filter((c) => c.path === "/payments" && c.body?.payments?.links?.mandate === md)).toEqual([]);
  });

  it("are not lost when the run stopped between asking GoCardless and writing down its answer", async () => {
    const w = await world();
    const { md } = await activeMandate(w);
    await scheduleCollections(bed.db, w.org.id, w.today);
    const [c] = await collections(w.loan.id);
    // What the stopped run had asked: GoCardless made the payment, this app never wrote its id.
    const made = await gc().createPayment({ mandateId: md, amount: BigInt(c.amount), currency: "GBP", chargeDate: null, description: "x", metadata: { collection: c.id } }, `dd-collection-${c.id}`);
    expect((await collections(w.loan.id))[0]).toMatchObject({ status: "scheduled", provider_payment_id: null });
    // Its confirmation arrives first: GoCardless is asked whose payment it is, and the repayment is recorded.
    expect((await post([{ id: eventId(), resource_type: "payments", action: "confirmed", links: { payment: made.id } }])).outcomes).toEqual(["processed"]);
    expect((await collections(w.loan.id))[0]).toMatchObject({ status: "confirmed", provider_payment_id: made.id });
    expect((await ledger(w.loan.id)).map((t) => t.kind)).toEqual(["repayment"]);
    // A retried create with the same key gets GoCardless's 409 and the first payment back, not a second one.
    const retried = await gc().createPayment({ mandateId: md, amount: BigInt(c.amount), currency: "GBP", chargeDate: null, description: "x", metadata: { collection: c.id } }, `dd-collection-${c.id}`);
    expect(retried.id).toBe(made.id);
    expect([...bed.gc.payments.values()].filter((p) => p.metadata.collection === c.id)).toHaveLength(1);
    expect(await submitCollections(bed.db, gc(), w.org.id, w.today)).toEqual({ submitted: 0, refused: 0 });
  });

  it("stop when the loan is no longer open (here written off): its mandate is cancelled, at GoCardless too", async () => {
    const w = await world();
    const { md } = await activeMandate(w);
    await scheduleCollections(bed.db, w.org.id, w.today);
    await writeOffLoan(bed.db, null, w.org.id, w.loan.id, w.today, "The business has ceased trading", w.today);
    expect(await collectDirectDebits(bed.db, gc(), w.org.id, w.today)).toEqual({ scheduled: 0, submitted: 0, refused: 0, mandatesEnded: 1 });
    expect(bed.gc.mandates.get(md)!.status).toBe("cancelled");
    expect((await collections(w.loan.id)).map((c) => c.status)).toEqual(["cancelled"]);
    expect((await bed.db.selectFrom("dd_mandates").select("status").where("provider_mandate_id", "=", md).executeTakeFirstOrThrow()).status).toBe("cancelled");
  });

  it("refused by GoCardless fail at once and tell the officer", async () => {
    const w = await world();
    const { md } = await activeMandate(w);
    await scheduleCollections(bed.db, w.org.id, w.today);
    bed.gc.mandates.get(md)!.status = "cancelled"; // cancelled at GoCardless; its webhook not yet here
    expect(await submitCollections(bed.db, gc(), w.org.id, w.today)).toEqual({ submitted: 0, refused: 1 });
    expect((await collections(w.loan.id))[0]).toMatchObject({ status: "failed", failure: expect.stringContaining("cancelled") });
    expect((await mails(w.org.id)).at(-1)).toMatchObject({ to_email: w.officer.email, subject: expect.stringContaining("not asked for") });
    expect(moneyProblems((await mails(w.org.id)).at(-1)!.body)).toEqual([]);
  });
});

describe("the daily Direct Debit run", () => {
  it("is queued once per organisation per day and asks GoCardless for what falls due", async () => {
    const w = await world();
    await activeMandate(w);
    const now = new Date();
    await scheduleDailyJobs(bed.db, now);
    await scheduleDailyJobs(bed.db, new Date(now.getTime() + 1000));
    const jobs = await bed.db.selectFrom("jobs").select(["id", "payload"]).where("organisation_id", "=", w.org.id).where("kind", "=", JOB_KINDS.collectDirectDebits).execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].payload).toEqual({ today: w.today });
    // The shared test database holds many organisations' jobs: put ours first in the queue.
    await bed.db.updateTable("jobs").set({ run_at: new Date("2000-01-01T00:00:00Z") }).where("id", "=", jobs[0].id).execute();
    await runJobsUntil(bed.db, async () => !((await getJob(bed.db, w.org.id, jobs[0].id))?.status !== "done"));
    expect(await getJob(bed.db, w.org.id, jobs[0].id)).toMatchObject({ status: "done", message: expect.stringContaining("1 Direct Debit collection(s) scheduled, 1 asked of GoCardless") });
    expect((await collections(w.loan.id)).map((c) => c.status)).toEqual(["pending_submission"]);
  });
});

describe("GoCardless webhooks", () => {
  it("refuse a bad signature with nothing stored or changed", async () => {
    const w = await world();
    await activeMandate(w);
    await collectDirectDebits(bed.db, gc(), w.org.id, w.today);
    const [c] = await collections(w.loan.id);
    const id = eventId();
    const body = webhookBody([{ id, resource_type: "payments", action: "confirmed", links: { payment: c.provider_payment_id! } }]);
    const { signBody } = await import("../fixtures/gocardless-fake");
    for (const signature of [signBody(body, "some_other_secret_0123456789"), "deadbeef", "", null, signBody(body.replace("confirmed", "failed"), SECRET)]) {
      const res = await bed.webhook(body, signature);
      expect(res.status).toBe(498);
    }
    // The body changed after signing.
    expect((await bed.webhook(body.replace("confirmed", "paid_out"), (await import("../fixtures/gocardless-fake")).signBody(body, SECRET))).status).toBe(498);
    expect(await bed.db.selectFrom("dd_webhook_events").select("provider_event_id").where("provider_event_id", "=", id).execute()).toEqual([]);
    expect(await ledger(w.loan.id)).toEqual([]);
    expect((await collections(w.loan.id))[0].status).toBe("pending_submission");
  });

  it("process the same body posted ten times at once exactly once: one repayment", async () => {
    const w = await world();
    await activeMandate(w);
    await collectDirectDebits(bed.db, gc(), w.org.id, w.today);
    const [c] = await collections(w.loan.id);
    const body = webhookBody([{ id: eventId(), resource_type: "payments", action: "confirmed", links: { payment: c.provider_payment_id! } }]);
    const responses = await simultaneously(10, () => bed.webhook(body));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const outcomes = (await Promise.all(responses.map((r) => r.json() as Promise<{ outcomes: string[] }>))).map((r) => r.outcomes[0]);
    expect(outcomes.filter((o) => o === "processed")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(9);
    expect((await ledger(w.loan.id)).filter((t) => t.kind === "repayment")).toHaveLength(1);
    // Ten different events confirming the same payment at once: still one.
    const many = await simultaneously(10, () => post([{ id: eventId(), resource_type: "payments", action: "confirmed", links: { payment: c.provider_payment_id! } }]));
    expect(many.every((r) => r.outcomes[0] === "ignored")).toBe(true);
    expect((await ledger(w.loan.id)).filter((t) => t.kind === "repayment")).toHaveLength(1);
  });
});

describe("Share instalments by Direct Debit", () => {
  it("collect each month once, issue the shares on confirmation, and cancel them when charged back", async () => {
    const { org, cls } = await setupClass(bed.db, { minHolding: "1", parValue: "2.50" });
    const member = await makeMember(bed.db, org.id, { email: "saver@example.org", name: "Sam Saver" });
    await makeUser(bed.db, { organisationId: org.id, roles: ["secretary"], email: `sec-${org.id}@example.test` });
    const started = await startShareMandate(bed.db, gc(), { organisationId: org.id, actorUserId: (await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id })).id, memberId: member.id, classId: cls.id, sharesPerMonth: 4, collectionDay: 15, idempotencyKey: crypto.randomUUID(), appUrl: "http://app.test" });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const row = await bed.db.selectFrom("dd_mandates").selectAll().where("id", "=", started.mandateId).executeTakeFirstOrThrow();
    const md = bed.gc.fulfil(row.provider_billing_request_id!);
    await post([{ id: eventId(), resource_type: "billing_requests", action: "fulfilled", links: { billing_request: row.provider_billing_request_id!, mandate_request_mandate: md } }]);
    await post([{ id: eventId(), resource_type: "mandates", action: "active", links: { mandate: md } }]);

    // Run on the 5th: the 15th is in the window; twice, one collection.
    await collectDirectDebits(bed.db, gc(), org.id, "2027-03-05");
    await collectDirectDebits(bed.db, gc(), org.id, "2027-03-05");
    const rows = await bed.db.selectFrom("dd_collections").selectAll().where("member_id", "=", member.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ period: "2027-03", shares: 4, amount: 1000n, status: "pending_submission" });
    expect(bed.gc.payments.get(rows[0].provider_payment_id!)).toMatchObject({ amount: 1000, charge_date: "2027-03-15" });

    const holding = async () => Number((await bed.db.selectFrom("share_holdings").select("shares").where("member_id", "=", member.id).where("class_id", "=", cls.id).executeTakeFirst())?.shares ?? 0);
    expect(await holding()).toBe(0);
    expect((await post([{ id: eventId(), resource_type: "payments", action: "confirmed", links: { payment: rows[0].provider_payment_id! } }])).outcomes).toEqual(["processed"]);
    expect(await holding()).toBe(4);
    const ledgerRows = () => bed.db.selectFrom("share_transactions").select(["id", "kind", "shares", "method", "reverses_id"]).where("member_id", "=", member.id).orderBy("id").execute();
    expect(await ledgerRows()).toEqual([{ id: expect.anything(), kind: "purchase", shares: 4, method: "direct_debit", reverses_id: null }]);

    expect((await post([{ id: eventId(), resource_type: "payments", action: "charged_back", links: { payment: rows[0].provider_payment_id! } }])).outcomes).toEqual(["processed"]);
    expect(await holding()).toBe(0);
    const after = await ledgerRows();
    expect(after[1]).toMatchObject({ kind: "reversal", reverses_id: after[0].id });
    const told = await mails(org.id);
    expect(told.some((m) => m.to_email === "saver@example.org" && m.subject.includes("not collected"))).toBe(true);
    expect(told.some((m) => m.to_email === `sec-${org.id}@example.test` && m.subject.includes("charged back"))).toBe(true);
    expect(told.filter((m) => /not collected|charged back/.test(m.subject)).flatMap((m) => moneyProblems(m.body))).toEqual([]);
  });
});

describe("Direct Debit pages", () => {
  it("let a loan officer set up and cancel, and refuse roles without loans:write", async () => {
    const w = await world();
    const officer = new Browser(bed.server.base);
    await officer.login(w.officer.email, w.officer.password);
    const loanPage = await (await officer.get(`/loans/${w.loan.id}`)).text();
    expect(loanPage).toContain("Direct Debit");
    expect(loanPage).toContain("Set up a Direct Debit");
    const path = `/loans/${w.loan.id}/direct-debit`;

    for (const role of ["credit_committee", "board", "auditor", "member", "secretary"] as const) {
      const u = await makeUser(bed.db, { organisationId: w.org.id, roles: [role] });
      const b = new Browser(bed.server.base);
      await b.login(u.email, u.password);
      const res = await b.post(path, { intent: "setup" });
      expect(res.status, role).toBe(403);
    }
    expect(await bed.db.selectFrom("dd_mandates").select("id").where("loan_id", "=", w.loan.id).execute()).toEqual([]);
    // A malformed mandate id: the field says why, nothing written.
    const bad = await officer.post(path, { intent: "record", providerMandateId: "12345" });
    expect(await bad.text()).toContain("starts with MD");

    const setup = await officer.post(path, { intent: "setup", submissionKey: await officer.formKey(path) });
    expect(setup.status).toBe(200);
    expect(await setup.text()).toContain("https://pay.gocardless.test/flow/BRF");
    const mandate = await bed.db.selectFrom("dd_mandates").select(["id", "status"]).where("loan_id", "=", w.loan.id).executeTakeFirstOrThrow();
    expect(mandate.status).toBe("setting_up");
    expect(await (await officer.get(path)).text()).toContain("Cancel the Direct Debit");

    // Roles without loans:write cannot cancel it either.
    const auditor = await makeUser(bed.db, { organisationId: w.org.id, roles: ["auditor"] });
    const ab = new Browser(bed.server.base);
    await ab.login(auditor.email, auditor.password);
    expect((await ab.post(path, { intent: "cancel", mandateId: mandate.id })).status).toBe(403);
    // Another organisation's officer cannot see or touch it.
    const outsiderOrg = await makeOrganisation(bed.db);
    const outsider = await makeUser(bed.db, { organisationId: outsiderOrg.id, roles: ["loan_officer"] });
    const ob = new Browser(bed.server.base);
    await ob.login(outsider.email, outsider.password);
    expect((await ob.post(path, { intent: "cancel", mandateId: mandate.id })).status).toBe(404);
    expect((await bed.db.selectFrom("dd_mandates").select("status").where("id", "=", mandate.id).executeTakeFirstOrThrow()).status).toBe("setting_up");

    const cancel = await officer.post(path, { intent: "cancel", mandateId: mandate.id, submissionKey: await officer.formKey(path) });
    expect(await cancel.text()).toContain("The Direct Debit is cancelled");
    expect((await bed.db.selectFrom("dd_mandates").select("status").where("id", "=", mandate.id).executeTakeFirstOrThrow()).status).toBe("cancelled");
  });

  it("let a member set up a monthly share instalment and send them to GoCardless", async () => {
    const { org, cls } = await setupClass(bed.db, { minHolding: "1" });
    const member = await makeMember(bed.db, org.id, { email: "monthly@example.org" });
    const user = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const b = new Browser(bed.server.base);
    await b.login(user.email, user.password);
    expect(await (await b.get("/my")).text()).toContain("/my/direct-debit");
    const bad = await b.post("/my/direct-debit", { intent: "setup", classId: cls.id, sharesPerMonth: "2", collectionDay: "31" });
    expect(await bad.text()).toContain("Choose a day from 1 to 28");
    expect(await bed.db.selectFrom("dd_mandates").select("id").where("member_id", "=", member.id).execute()).toEqual([]);
    const res = await b.post("/my/direct-debit", { intent: "setup", classId: cls.id, sharesPerMonth: "2", collectionDay: "10", submissionKey: await b.formKey("/my/direct-debit") });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^https:\/\/pay\.gocardless\.test\/flow\/BRF/);
    expect(await bed.db.selectFrom("dd_mandates").select(["purpose", "shares_per_month", "collection_day", "status"]).where("member_id", "=", member.id).execute()).toEqual([{ purpose: "shares", shares_per_month: 2, collection_day: 10, status: "setting_up" }]);
    expect(await (await b.get("/my/direct-debit")).text()).toContain("Finish setting it up with GoCardless");
    // Another member cannot cancel it: as if it did not exist.
    const mine = await bed.db.selectFrom("dd_mandates").select("id").where("member_id", "=", member.id).executeTakeFirstOrThrow();
    const otherMember = await makeMember(bed.db, org.id, { email: "other@example.org" });
    const otherUser = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: otherMember.id });
    const ob = new Browser(bed.server.base);
    await ob.login(otherUser.email, otherUser.password);
    expect(await (await ob.post("/my/direct-debit", { intent: "cancel", mandateId: mine.id })).text()).toContain("There is no such mandate.");
    expect((await bed.db.selectFrom("dd_mandates").select("status").where("id", "=", mine.id).executeTakeFirstOrThrow()).status).toBe("setting_up");
    // The member cancels it themselves.
    expect(await (await b.post("/my/direct-debit", { intent: "cancel", mandateId: mine.id })).text()).toContain("Your Direct Debit is cancelled");
    expect((await bed.db.selectFrom("dd_mandates").select("status").where("id", "=", mine.id).executeTakeFirstOrThrow()).status).toBe("cancelled");
  });
});
