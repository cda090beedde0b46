/**
 * Lending's money actions under concurrency, over HTTP as the officers, the
 * board and Stripe use them: 20-50 requests released together at one action
 * on one loan, then the ledger is checked. On PostgreSQL (npm run test:pg)
 * the requests really race; PGlite runs one transaction at a time.
 *
 * After each burst: the accepted requests never take a loan past what was
 * lent (no over-repayment, never more recovered than written off), nothing
 * is posted twice, the installments hold exactly what the ledger's
 * allocation lines say they were paid, and every refused request got a
 * clear sentence back, never a server error.
 */
import { CONFIRMATION_MISSING } from "~/schemas/common";
import { describe, expect, it } from "vitest";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { castCommitteeVote } from "../../app/models/lending/committee.server";
import { createApplication, stepApplication } from "../../app/models/lending/applications.server";
import { loanInstallments, payoffAmount, recordRepayment, writeOffLoan } from "~/models/lending/loans.server";
import { proposeWriteOff } from "~/models/lending/write-offs.server";
import { organisationToday } from "~/models/core/organisations.server";
import { formatMinor } from "~/domain/money";
import { JOB_KINDS } from "../../server/jobs";
import { simultaneously, statusCounts } from "../concurrency";
import { makeLoan } from "../fixtures/lending";
import { Browser } from "../http";
import { completedCheckoutEvent, stripeTestBed } from "../stripe-fake";
import { runJobsUntil } from "../run-jobs";

const bed = stripeTestBed("whsec_lending_concurrency", "cs_lendconc_");
const N = 25;

/*
 * Posts go to the routes' data URLs (`/loans/:id.data?index`), as the
 * page's own script sends a form: the action's answer (its message, or a
 * redirect as 202 with Location) without the page around it. A full page
 * render waits behind the other 24 requests on a loaded machine and is cut
 * off after 5 seconds (entry.server's abort), which would blur what this
 * suite is about: the action's own answer.
 */
type Answer = { status: number; text: string; location: string | null };
const answer = async (res: Response): Promise<Answer> => ({ status: res.status, text: await res.text(), location: res.headers.get("location") });
/** The message as the page would show it (the answer is JSON-encoded). */
const shown = (a: Answer) => a.text.replace(/\\"/g, '"');
const redirected = (a: Answer) => a.status === 202 && a.location !== null;

async function setUp() {
  const org = await makeOrganisation(bed.db, { legalForm: "community-bank" });
  const officer = await makeUser(bed.db, { organisationId: org.id, roles: ["loan_officer"] });
  const b = new Browser(bed.server.base);
  await b.login(officer.email, officer.password);
  const today = await organisationToday(bed.db, org.id);
  return { org, officer, b, today };
}

/**
 * `simultaneously`, after a pause: the server and PGlite share this process,
 * so a long set-up can hold the event loop past the server's keep-alive
 * timeout, and a request sent before the loop has seen that socket close
 * would be reset. The pause lets it.
 */
async function atOnce<T>(count: number, send: (i: number) => Promise<T>) {
  await new Promise((r) => setTimeout(r, 250));
  return simultaneously(count, send);
}

/** Every refusal is a page with its reason (or a redirect), never a server error. */
function expectNoServerError(answers: readonly Answer[]) {
  expect(statusCounts(answers)).not.toHaveProperty("500");
  for (const a of answers) expect(a.status).toBeLessThan(500);
}

/**
 * The ledger of one loan, checked: at most what was lent repaid, one
 * disbursement, at most one write-off, no more recovered than written off,
 * each reversal of a different row, and the installments holding exactly
 * the sum of the allocation lines (a lost update would break that).
 */
async function checkLedger(organisationId: string, loanId: string) {
  const db = bed.db;
  const loan = await db.selectFrom("loans").select(["principal", "status"]).where("organisation_id", "=", organisationId).where("id", "=", loanId).executeTakeFirstOrThrow();
  const tx = await db.selectFrom("loan_transactions").select(["id", "kind", "amount", "principal_part", "reverses_id"]).where("organisation_id", "=", organisationId).where("loan_id", "=", loanId).execute();
  const sum = (rows: typeof tx, f: (r: (typeof tx)[number]) => bigint) => rows.reduce((s, r) => s + f(r), 0n);
  const byId = new Map(tx.map((t) => [t.id, t]));
  const repaymentReversals = tx.filter((t) => t.kind === "reversal" && byId.get(t.reverses_id!)?.kind === "repayment");
  const principalRepaid = sum(tx.filter((t) => t.kind === "repayment"), (t) => t.principal_part) + sum(repaymentReversals, (t) => t.principal_part);
  expect(tx.filter((t) => t.kind === "disbursement")).toHaveLength(1);
  expect(principalRepaid).toBeGreaterThanOrEqual(0n);
  expect(principalRepaid).toBeLessThanOrEqual(loan.principal);
  expect(tx.filter((t) => t.kind === "write_off").length).toBeLessThanOrEqual(1);
  expect(sum(tx.filter((t) => t.kind === "recovery"), (t) => t.amount)).toBeLessThanOrEqual(sum(tx.filter((t) => t.kind === "write_off"), (t) => t.amount));
  const reversed = tx.filter((t) => t.reverses_id !== null).map((t) => t.reverses_id!.toString());
  expect(new Set(reversed).size).toBe(reversed.length);

  const lines = await db.selectFrom("loan_allocation_lines").select(["n", "component", "amount"]).where("organisation_id", "=", organisationId).where("loan_id", "=", loanId).execute();
  const fromLines = new Map<string, bigint>();
  for (const l of lines) fromLines.set(`${l.n}:${l.component}`, (fromLines.get(`${l.n}:${l.component}`) ?? 0n) + BigInt(l.amount));
  const inst = await loanInstallments(db, organisationId, loanId);
  for (const i of inst) {
    expect(i.paid_principal, `installment ${i.n} principal`).toBe(fromLines.get(`${i.n}:principal`) ?? 0n);
    expect(i.paid_interest, `installment ${i.n} interest`).toBe(fromLines.get(`${i.n}:interest`) ?? 0n);
    expect(i.paid_fees, `installment ${i.n} fees`).toBe(fromLines.get(`${i.n}:fees`) ?? 0n);
    expect(i.paid_principal <= i.principal && i.paid_interest <= i.interest && i.paid_fees <= i.fees).toBe(true);
  }
  return { loan, tx, principalRepaid };
}

async function payoffOn(organisationId: string, loanId: string, onDate: string) {
  const rows = await loanInstallments(bed.db, organisationId, loanId);
  return payoffAmount(
    rows.map((r) => ({ n: r.n, due: r.due_on, owed: { fees: r.fees, interest: r.interest, principal: r.principal }, paid: { fees: r.paid_fees, interest: r.paid_interest, principal: r.paid_principal } })),
    onDate,
  );
}

const repaymentForm = (amount: bigint, onDate: string) => ({ intent: "repayment", amount: formatMinor(amount), onDate, method: "bank", order: "fees,interest,principal", reschedule: "shorter-term", note: "" });

describe("lending money actions fired at once", () => {
  it(`accepts exactly one of ${N} simultaneous full pay-offs of one loan`, async () => {
    const { org, b, today } = await setUp();
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15" });
    const onDate = "2026-01-20";
    expect(onDate <= today).toBe(true);
    const payoff = await payoffOn(org.id, loan.id, onDate);
    const answers = await atOnce(N, () => b.post(`/loans/${loan.id}.data?index`, repaymentForm(payoff, onDate)).then(answer));
    expectNoServerError(answers);
    const accepted = answers.filter((a) => shown(a).includes("Repayment recorded"));
    expect(accepted).toHaveLength(1);
    expect(shown(accepted[0])).toContain("The loan is repaid in full.");
    for (const a of answers.filter((x) => !accepted.includes(x))) expect(shown(a)).toMatch(/is repaid and closed: a repayment cannot be recorded on it|more than the .* that repays the loan in full/);
    const ledger = await checkLedger(org.id, loan.id);
    expect(ledger.tx.filter((t) => t.kind === "repayment")).toHaveLength(1);
    expect(ledger.principalRepaid).toBe(loan.principal);
    expect(ledger.loan.status).toBe("closed");
  });

  it(`takes ${N} simultaneous part-payments as it would one after another, never past what was lent`, async () => {
    const { org, b, today } = await setUp();
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15" });
    const onDate = "2026-01-20";
    const payoff = await payoffOn(org.id, loan.id, onDate);
    const part = payoff / 8n + 1n; // about eight fit: 25 of them would repay the loan three times over
    // The same payments one after another on a twin loan: how many the rules take (each takes the running installment's interest too).
    const twin = (await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15" })).loan;
    let fit = 0;
    while (await recordRepayment(bed.db, null, org.id, twin.id, { amount: part, onDate, method: "bank" }, today).then(() => true, () => false)) fit++;
    expect(fit).toBeGreaterThan(1);
    const answers = await atOnce(N, () => b.post(`/loans/${loan.id}.data?index`, repaymentForm(part, onDate)).then(answer));
    expectNoServerError(answers);
    const accepted = answers.filter((a) => shown(a).includes("Repayment recorded"));
    for (const a of answers.filter((x) => !accepted.includes(x))) expect(shown(a)).toMatch(/more than the .* that repays the loan in full/);
    const ledger = await checkLedger(org.id, loan.id);
    const repayments = ledger.tx.filter((t) => t.kind === "repayment");
    expect(repayments).toHaveLength(accepted.length);
    expect(accepted.length).toBe(fit);
    const alone = await checkLedger(org.id, twin.id);
    expect(ledger.principalRepaid).toBe(alone.principalRepaid);
    expect(ledger.loan.status).toBe(alone.loan.status);
  });

  it(`reverses one repayment once, whatever ${N} simultaneous reversals ask`, async () => {
    const { org, b } = await setUp();
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15" });
    const first = await b.post(`/loans/${loan.id}.data?index`, repaymentForm(106_619n, "2026-02-15")).then(answer);
    expect(shown(first)).toContain("Repayment recorded.");
    const repayment = await bed.db.selectFrom("loan_transactions").select("id").where("loan_id", "=", loan.id).where("kind", "=", "repayment").executeTakeFirstOrThrow();
    const answers = await atOnce(N, () => b.post(`/loans/${loan.id}.data?index`, { intent: "reversal", transactionId: repayment.id.toString(), onDate: "2026-02-16", note: "Posted to the wrong loan", confirmed: "yes" }).then(answer));
    expectNoServerError(answers);
    const accepted = answers.filter((a) => shown(a).includes("Repayment reversed."));
    expect(accepted).toHaveLength(1);
    for (const a of answers.filter((x) => !accepted.includes(x))) expect(shown(a)).toContain("That repayment has already been reversed.");
    const ledger = await checkLedger(org.id, loan.id);
    expect(ledger.tx.filter((t) => t.kind === "reversal")).toHaveLength(1);
    expect(ledger.principalRepaid).toBe(0n);
  });

  it(`never recovers more than was written off, whatever ${N} simultaneous recoveries ask`, async () => {
    const { org, b, today } = await setUp();
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15" });
    const written = (await bed.db.transaction().execute((trx) => writeOffLoan(trx, null, org.id, loan.id, "2026-09-30", "Board minute 2026/41", today))).principal;
    const each = written / 10n + 1n; // nine fit
    const answers = await atOnce(N, () => b.post(`/loans/${loan.id}.data?index`, { intent: "recovery", amount: formatMinor(each), onDate: "2026-10-10", note: "Sale of equipment" }).then(answer));
    expectNoServerError(answers);
    const accepted = answers.filter((a) => shown(a).includes("Recovery recorded."));
    for (const a of answers.filter((x) => !accepted.includes(x))) expect(shown(a)).toMatch(/written off is still to recover/);
    expect(accepted.length).toBe(Number(written / each));
    const ledger = await checkLedger(org.id, loan.id);
    expect(ledger.tx.filter((t) => t.kind === "recovery")).toHaveLength(accepted.length);
  });

  it(`writes a loan off once when ${N} approvals of one proposal arrive together`, async () => {
    const { org, today } = await setUp();
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15" });
    const proposer = await makeUser(bed.db, { organisationId: org.id, roles: ["board"] });
    const approvers = await Promise.all([0, 1, 2, 3, 4].map(async () => {
      const u = await makeUser(bed.db, { organisationId: org.id, roles: ["board"] });
      const br = new Browser(bed.server.base);
      await br.login(u.email, u.password);
      return br;
    }));
    const proposal = await bed.db.transaction().execute((trx) => proposeWriteOff(trx, proposer.id, org.id, loan.id, { onDate: "2026-10-31", note: "Board minute 2026/52" }, today));
    const answers = await atOnce(N, (i) => approvers[i % approvers.length].post(`/loans/${loan.id}/write-off.data`, { intent: "approve", proposalId: proposal.id, note: "", confirmed: "yes" }).then(answer));
    expectNoServerError(answers);
    expect(answers.filter(redirected)).toHaveLength(1);
    for (const a of answers.filter((x) => !redirected(x))) expect(shown(a)).toMatch(/already been decided or withdrawn|already written off/);
    const ledger = await checkLedger(org.id, loan.id);
    expect(ledger.tx.filter((t) => t.kind === "write_off")).toHaveLength(1);
    expect(ledger.loan.status).toBe("written_off");
  });

  it(`pays an approved application out once when ${N} pay-outs arrive together`, async () => {
    const { org, officer, b, today } = await setUp();
    const committee = await makeUser(bed.db, { organisationId: org.id, roles: ["credit_committee"] });
    const { product, borrower } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15" });
    const app = await bed.db.transaction().execute(async (trx) => {
      const a = await createApplication(trx, officer.id, org.id, { borrowerId: borrower.id, productId: product.id, amount: "5000", termPeriods: 12, annualRate: "12", purpose: "A new oven" }, today);
      await stepApplication(trx, officer.id, org.id, a.id, { intent: "submit" }, today);
      await stepApplication(trx, officer.id, org.id, a.id, { intent: "review", officerNotes: "Sound", monthlyIncome: undefined, monthlyOutgoings: undefined }, today);
      await stepApplication(trx, officer.id, org.id, a.id, { intent: "refer" }, today);
      return a;
    });
    await bed.db.transaction().execute((trx) => castCommitteeVote(trx, committee.id, org.id, app.id, { vote: "approve", comment: "Good plan" }));
    await bed.db.transaction().execute((trx) => stepApplication(trx, officer.id, org.id, app.id, { intent: "offer" }, today));
    await bed.db.transaction().execute((trx) => stepApplication(trx, officer.id, org.id, app.id, { intent: "accept" }, today));
    const answers = await atOnce(N, () => b.post(`/applications/${app.id}.data?index`, { intent: "disburse", disbursedOn: today }).then(answer));
    expectNoServerError(answers);
    const paid = answers.filter((a) => redirected(a) && a.location!.startsWith("/loans/"));
    expect(paid).toHaveLength(1);
    for (const a of answers.filter((x) => !paid.includes(x))) expect(shown(a)).toContain("cannot be given this step (disburse)");
    const loans = await bed.db.selectFrom("loans").select("id").where("organisation_id", "=", org.id).where("application_id", "=", app.id).execute();
    expect(loans).toHaveLength(1);
    expect(paid[0].location).toBe(`/loans/${loans[0].id}`);
    await checkLedger(org.id, loans[0].id);
  });

  it(`reverses a pay-out recorded in error once when ${N} reversals arrive together; the application can then be paid out again`, async () => {
    const { org, officer, b, today } = await setUp();
    const committee = await makeUser(bed.db, { organisationId: org.id, roles: ["credit_committee"] });
    const { product, borrower } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15", product: { arrangementFee: "50" } });
    const app = await createApplication(bed.db, officer.id, org.id, { borrowerId: borrower.id, productId: product.id, amount: "5000", termPeriods: 12, annualRate: "12", purpose: "A van" }, today);
    for (const step of [{ intent: "submit" }, { intent: "review", officerNotes: "Sound" }, { intent: "refer" }] as const) await stepApplication(bed.db, officer.id, org.id, app.id, step, today);
    await castCommitteeVote(bed.db, committee.id, org.id, app.id, { vote: "approve", comment: "Good plan" });
    for (const step of [{ intent: "offer" }, { intent: "accept" }] as const) await stepApplication(bed.db, officer.id, org.id, app.id, step, today);
    const paidOut = await b.post(`/applications/${app.id}.data?index`, { intent: "disburse", disbursedOn: today }).then(answer);
    expect(redirected(paidOut)).toBe(true);
    const loanId = paidOut.location!.slice("/loans/".length);

    const page = await (await b.get(`/loans/${loanId}`)).text();
    expect(page).toContain("Reverse the pay-out");
    expect(page).toContain("I confirm this pay-out was recorded in error");
    // Not while a repayment stands on it, and not without the reason and the tick.
    const repaid = await b.post(`/loans/${loanId}.data?index`, repaymentForm(10_000n, today)).then(answer);
    expect(shown(repaid)).toContain("Repayment recorded.");
    const reversal = { intent: "payout-reversal", onDate: today, note: "Paid to the wrong borrower", confirm: "on", confirmed: "yes" };
    expect(shown(await b.post(`/loans/${loanId}.data?index`, reversal).then(answer))).toContain("has been repaid on loan");
    const repayment = await bed.db.selectFrom("loan_transactions").select("id").where("loan_id", "=", loanId).where("kind", "=", "repayment").executeTakeFirstOrThrow();
    // Reversing cannot be undone: without the confirmation (the dialog's, or the ticked box) it is refused.
    const repaymentReversal = { intent: "reversal", transactionId: repayment.id.toString(), onDate: today, note: "Not ours" };
    expect(shown(await b.post(`/loans/${loanId}.data?index`, repaymentReversal).then(answer))).toContain(CONFIRMATION_MISSING);
    expect(shown(await b.post(`/loans/${loanId}.data?index`, { ...reversal, confirmed: "" }).then(answer))).toContain(CONFIRMATION_MISSING);
    expect(await bed.db.selectFrom("loan_transactions").select("id").where("loan_id", "=", loanId).where("kind", "=", "reversal").execute()).toEqual([]);
    expect(shown(await b.post(`/loans/${loanId}.data?index`, { ...repaymentReversal, confirmed: "yes" }).then(answer))).toContain("Repayment reversed.");
    expect(shown(await b.post(`/loans/${loanId}.data?index`, { ...reversal, confirm: "" }).then(answer))).toContain("Tick the box to confirm");
    expect(shown(await b.post(`/loans/${loanId}.data?index`, { ...reversal, note: "" }).then(answer))).toContain("Say why the pay-out is reversed");

    const answers = await atOnce(N, () => b.post(`/loans/${loanId}.data?index`, reversal).then(answer));
    expectNoServerError(answers);
    const accepted = answers.filter((a) => shown(a).includes("Pay-out reversed."));
    expect(accepted).toHaveLength(1);
    for (const a of answers.filter((x) => !accepted.includes(x))) expect(shown(a)).toContain("its pay-out cannot be reversed");
    const ledger = await checkLedger(org.id, loanId);
    expect(ledger.loan.status).toBe("reversed");
    const byId = new Map(ledger.tx.map((t) => [t.id.toString(), t.kind]));
    const payoutReversals = ledger.tx.filter((t) => t.kind === "reversal" && ["disbursement", "fee"].includes(byId.get(t.reverses_id!.toString())!));
    expect(payoutReversals.map((t) => byId.get(t.reverses_id!.toString())).sort()).toEqual(["disbursement", "fee"]);
    expect(payoutReversals.find((t) => byId.get(t.reverses_id!.toString()) === "disbursement")!.principal_part).toBe(-500_000n);
    const audit = await bed.db.selectFrom("audit_events").select(["action", "body"]).where("organisation_id", "=", org.id).where("action", "=", "loan.payout_reversed").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].body).toContain("Paid to the wrong borrower");
    // Back at "offer accepted": paid out again, a second loan; the reversed one stays, out of the portfolio.
    expect((await bed.db.selectFrom("loan_applications").select("status").where("id", "=", app.id).executeTakeFirstOrThrow()).status).toBe("accepted");
    const again = await b.post(`/applications/${app.id}.data?index`, { intent: "disburse", disbursedOn: today }).then(answer);
    expect(redirected(again)).toBe(true);
    expect(again.location).not.toBe(paidOut.location);
    const loans = await bed.db.selectFrom("loans").select(["id", "status"]).where("application_id", "=", app.id).orderBy("reference").execute();
    expect(loans.map((l) => l.status)).toEqual(["reversed", "active"]);
    expect(await (await b.get(`/applications/${app.id}`)).text()).toContain(`href="/loans/${loans[1].id}"`);
    const reversedPage = (await (await b.get(`/loans/${loanId}?asAt=2027-06-01`)).text()).replace(/<!-- -->/g, "");
    expect(reversedPage).toContain("Reverses the pay-out.");
    expect(reversedPage).toContain("This loan is reversed: repayments cannot be recorded on it.");
    expect(reversedPage).toMatch(/Principal owed<\/div><div class="value">£0\.00</);
    expect(reversedPage).toMatch(/Days past due<\/div><div class="value">0</);
  });

  it(`numbers ${N} simultaneous pay-outs of different applications without a clash`, async () => {
    const { org, officer, b, today } = await setUp();
    const committee = await makeUser(bed.db, { organisationId: org.id, roles: ["credit_committee"] });
    const { product, borrower } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15" });
    const apps: string[] = [];
    for (let i = 0; i < N; i++) {
      const a = await createApplication(bed.db, officer.id, org.id, { borrowerId: borrower.id, productId: product.id, amount: "5000", termPeriods: 12, annualRate: "12", purpose: `Oven ${i}` }, today);
      await stepApplication(bed.db, officer.id, org.id, a.id, { intent: "submit" }, today);
      await stepApplication(bed.db, officer.id, org.id, a.id, { intent: "review", officerNotes: "Sound", monthlyIncome: undefined, monthlyOutgoings: undefined }, today);
      await stepApplication(bed.db, officer.id, org.id, a.id, { intent: "refer" }, today);
      await castCommitteeVote(bed.db, committee.id, org.id, a.id, { vote: "approve", comment: "Good plan" });
      await stepApplication(bed.db, officer.id, org.id, a.id, { intent: "offer" }, today);
      await stepApplication(bed.db, officer.id, org.id, a.id, { intent: "accept" }, today);
      apps.push(a.id);
    }
    const answers = await atOnce(N, (i) => b.post(`/applications/${apps[i]}.data?index`, { intent: "disburse", disbursedOn: today }).then(answer));
    expectNoServerError(answers);
    expect(answers.filter((a) => redirected(a) && a.location!.startsWith("/loans/"))).toHaveLength(N);
    const refs = await bed.db.selectFrom("loans").select("reference").where("organisation_id", "=", org.id).execute();
    expect(new Set(refs.map((r) => r.reference)).size).toBe(N + 1);
  });

  it(`never over-repays a loan when ${N} card payments' webhooks arrive together`, async () => {
    const { org, today } = await setUp();
    const member = await makeMember(bed.db, org.id, { name: "Owner of the Bakery" });
    const { loan } = await makeLoan(bed.db, org.id, { disbursedOn: "2026-01-15", borrower: { memberNumber: member.member_number } });
    const user = await makeUser(bed.db, { organisationId: org.id, roles: ["member"], memberId: member.id });
    const payer = new Browser(bed.server.base);
    await payer.login(user.email, user.password);
    const payoff = await payoffOn(org.id, loan.id, today);
    const each = payoff / 5n + 1n; // four fit
    const keys: string[] = [];
    for (let i = 0; i < N; i++) {
      const key = crypto.randomUUID();
      const started = await payer.post("/my/loans", { loanId: loan.id, amount: formatMinor(each), submissionKey: key });
      expect(started.status).toBe(302);
      keys.push(key);
    }
    const results = await atOnce(N, (i) => bed.webhook(completedCheckoutEvent(`evt_lendconc_${loan.id}_${i}`, bed.fake.sessions.get(keys[i])!)));
    for (const r of results) expect(r.status).toBe(200);
    const outcomes = await Promise.all(results.map((r) => r.json() as Promise<{ outcome: string }>));
    const processed = outcomes.filter((o) => o.outcome === "processed").length;
    expect(processed).toBe(Number(payoff / each));
    expect(outcomes.filter((o) => o.outcome === "refused")).toHaveLength(N - processed);
    const ledger = await checkLedger(org.id, loan.id);
    const repayments = ledger.tx.filter((t) => t.kind === "repayment");
    expect(repayments).toHaveLength(processed);
    expect(repayments.reduce((s, t) => s + t.amount, 0n)).toBeLessThanOrEqual(payoff);
    const payments = await bed.db.selectFrom("loan_card_payments").select(["id", "status", "refund_status"]).where("loan_id", "=", loan.id).execute();
    expect(payments.filter((p) => p.status === "paid")).toHaveLength(processed);
    expect(payments.filter((p) => p.status === "failed" && p.refund_status === "needed")).toHaveLength(N - processed);
    // The background job refunds each refused payment once (and leaves no queued job behind for other files sharing this database).
    const queued = () => bed.db.selectFrom("jobs").select("id").where("unique_key", "in", payments.map((p) => `${JOB_KINDS.refundCardPayment}:${p.id}`)).where("status", "=", "queued").execute();
    await runJobsUntil(bed.db, async () => (await queued()).length === 0);
    expect(await queued()).toEqual([]);
    const refunded = await bed.db.selectFrom("loan_card_payments").select("refund_status").where("loan_id", "=", loan.id).where("refund_status", "=", "refunded").execute();
    expect(refunded).toHaveLength(N - processed);
  });
});
