/**
 * Lending models against the database: borrowers, products and the rate
 * cap, the application workflow with the credit committee, servicing
 * (allocation, partial payments, prepayment, reversal, refusals that write
 * nothing), write-off and recovery, and PAR checked against a portfolio
 * worked out by hand.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createBorrower } from "~/models/lending/borrowers.server";
import { castCommitteeVote } from "../../app/models/lending/committee.server";
import { createApplication, getApplication, offerSchedule, stepApplication } from "../../app/models/lending/applications.server";
import { createProduct, getProduct } from "../../app/models/lending/products.server";
import {
  ageLoans, getLoan, installmentsAsAt, loanArrears, loanInstallments, loanTransactions, portfolioArrears,
  recordRecovery, recordRepayment, reverseRepayment, writeOffLoan, type Loan,
} from "~/models/lending/loans.server";
import { daysPastDue } from "~/domain/lending/arrears";
import type { Database } from "~/utils/db.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { PRODUCT, borrowerInput, makeLoan } from "../fixtures/lending";
import { refusalOf } from "../refusal";

let db: Database;
const TODAY = "2026-11-25";
beforeAll(async () => {
  db = await testDb();
});

const count = async (table: "loan_transactions" | "loan_allocation_lines", orgId: string) =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", orgId).executeTakeFirstOrThrow()).n);
const loanOf = async (orgId: string, id: string) => (await getLoan(db, orgId, id)) as Loan;
const refusal = refusalOf;

describe("borrowers and products", () => {
  it("flags a borrower local from the organisation's local area and links a member", async () => {
    const org = await makeOrganisation(db, { localArea: ["PR1", "PR2"] });
    const local = await createBorrower(db, null, org.id, borrowerInput({ postcode: "pr1 3bq" }));
    const away = await createBorrower(db, null, org.id, borrowerInput({ legalName: "Blackburn Tools", postcode: "BB1 1AA" }));
    expect(local.is_local).toBe(true);
    expect(local.postcode).toBe("PR1 3BQ");
    expect(away.is_local).toBe(false);
    expect(await refusal(createBorrower(db, null, org.id, borrowerInput({ memberNumber: 999 })))).toBe("There is no member number 999 in the register.");
  });

  it("refuses a product whose highest rate is above the organisation's cap, with the reason", async () => {
    const org = await makeOrganisation(db);
    const msg = await refusal(createProduct(db, null, org.id, { ...PRODUCT, maxRate: "40", annualRate: "20" }));
    expect(msg).toContain("The highest rate 40% a year is above this organisation's cap of 36% a year (3% a month).");
    const ok = await createProduct(db, null, org.id, { ...PRODUCT, maxRate: "36" });
    expect(ok.max_rate).toMatch(/^36/);
    expect(await db.selectFrom("loan_products").select("id").where("organisation_id", "=", org.id).execute()).toHaveLength(1);
  });
});

describe("application workflow and credit committee", () => {
  it("runs draft -> committee (with a recusal) -> approved -> offer -> accepted -> disbursed", async () => {
    const org = await makeOrganisation(db, { legalForm: "community-bank" });
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    const c = await Promise.all([1, 2, 3].map(() => makeUser(db, { organisationId: org.id, roles: ["credit_committee"] })));
    const product = await createProduct(db, null, org.id, { ...PRODUCT, arrangementFee: "100" });
    const borrower = await createBorrower(db, null, org.id, borrowerInput());
    const input = { borrowerId: borrower.id, productId: product.id, amount: "10000", termPeriods: 12, annualRate: "12", purpose: "Second oven" };
    expect(await refusal(createApplication(db, officer.id, org.id, { ...input, annualRate: "30" }, TODAY))).toContain("outside this product's range of 6% to 24% a year");
    expect(await refusal(createApplication(db, officer.id, org.id, { ...input, termPeriods: 90 }, TODAY))).toContain("The term of 90 months is outside");
    const app = await createApplication(db, officer.id, org.id, input, TODAY);
    const step = (s: Parameters<typeof stepApplication>[4]) => stepApplication(db, officer.id, org.id, app.id, s, TODAY);
    expect(await refusal(step({ intent: "refer" }))).toContain('"Draft" cannot be sent to the committee');
    await step({ intent: "submit" });
    await step({ intent: "review", officerNotes: "Trading three years, accounts seen.", monthlyIncome: "8000", monthlyOutgoings: "5500" });
    await step({ intent: "refer" });
    expect(await refusal(castCommitteeVote(db, officer.id, org.id, app.id, { vote: "approve", comment: "yes" }))).toBe("Only members of the credit committee vote on applications.");
    expect((await castCommitteeVote(db, c[0].id, org.id, app.id, { vote: "recuse", comment: "My cousin runs it" })).status).toBe("pending");
    expect((await castCommitteeVote(db, c[1].id, org.id, app.id, { vote: "approve", comment: "Sound plan" })).status).toBe("pending");
    expect(await refusal(castCommitteeVote(db, c[1].id, org.id, app.id, { vote: "decline", comment: "changed my mind" }))).toBe("You have already voted on this application.");
    // The deciding vote, on 2026-11-18 (noon in London): the earliest day the loan may be paid out.
    const outcome = await castCommitteeVote(db, c[2].id, org.id, app.id, { vote: "approve", comment: "Agreed" }, new Date("2026-11-18T12:00:00Z"));
    expect(outcome.status).toBe("approved");
    expect(outcome.reason).toBe("Approved by 2 to 0, 1 recused.");
    expect((await getApplication(db, org.id, app.id))!.status).toBe("approved");
    // The first installment falls within two months of a monthly loan's pay-out (here: a pay-out today).
    expect(await refusal(step({ intent: "offer", firstDue: "2027-01-26" }))).toBe("The first installment on 2027-01-26 is more than two months after a pay-out today (2026-11-25); it must fall by 2027-01-25.");
    expect((await getApplication(db, org.id, app.id))!.status).toBe("approved");
    await step({ intent: "offer" });
    const offered = (await getApplication(db, org.id, app.id))!;
    expect(offered.status).toBe("offered");
    // 12 x 888.49 against £9,900 advanced (the £100 fee is taken at pay-out).
    const shown = offerSchedule((await getProduct(db, org.id, product.id))!, offered, TODAY);
    expect(shown.installments[0].total).toBe("888.49");
    expect(offered.offer_apr).toBe(shown.apr);
    expect(Number(offered.offer_apr)).toBeGreaterThan(12.7);
    const mail = await db.selectFrom("email_outbox").select(["subject", "body"]).where("organisation_id", "=", org.id).execute();
    expect(mail.some((m) => m.subject.includes("Your loan offer") && m.body.includes(`APR ${offered.offer_apr}%`))).toBe(true);
    // Amounts in the email carry the currency.
    const offerMail = mail.find((m) => m.subject.includes("Your loan offer"))!;
    expect(offerMail.body).toContain("First installment £888.49;");
    expect(offerMail.body).toMatch(/total to repay £[\d,]+\.\d{2}\./);
    await step({ intent: "accept" });
    expect(await refusal(step({ intent: "disburse", disbursedOn: "2027-01-01" }))).toBe("A loan cannot be paid out on a future date.");
    expect(await refusal(step({ intent: "disburse", disbursedOn: "2024-11-20" }))).toBe("The pay-out date 2024-11-20 is before the loan was approved on 2026-11-18.");
    expect(await refusal(step({ intent: "disburse", disbursedOn: "2026-11-17" }))).toBe("The pay-out date 2026-11-17 is before the loan was approved on 2026-11-18.");
    expect(await count("loan_transactions", org.id)).toBe(0);
    const paid = await step({ intent: "disburse", disbursedOn: "2026-11-20" });
    const loan = await loanOf(org.id, (paid as { loanId: string }).loanId);
    expect(loan.principal).toBe(1_000_000n);
    expect(loan.status).toBe("active");
    expect(await loanInstallments(db, org.id, loan.id)).toHaveLength(12);
    const tx = await loanTransactions(db, org.id, loan.id);
    expect(tx.map((t) => [t.kind, t.amount])).toEqual([["disbursement", 1_000_000n], ["fee", 10_000n]]);
    const audit = await db.selectFrom("audit_events").select("action").where("organisation_id", "=", org.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["loan_application.approved", "credit_vote.cast", "loan.disbursed", "loan_application.disbursed"]));
  });

  it("declines when the committee votes against, and refuses a step from the wrong status", async () => {
    const org = await makeOrganisation(db);
    const c = await makeUser(db, { organisationId: org.id, roles: ["credit_committee"] });
    const product = await createProduct(db, null, org.id, PRODUCT);
    const borrower = await createBorrower(db, null, org.id, borrowerInput());
    const app = await createApplication(db, null, org.id, { borrowerId: borrower.id, productId: product.id, amount: "2000", termPeriods: 6, annualRate: "10", purpose: "Van" }, TODAY);
    await stepApplication(db, c.id, org.id, app.id, { intent: "submit" }, TODAY);
    await stepApplication(db, c.id, org.id, app.id, { intent: "review", officerNotes: "Thin file" }, TODAY);
    await stepApplication(db, c.id, org.id, app.id, { intent: "refer" }, TODAY);
    expect((await castCommitteeVote(db, c.id, org.id, app.id, { vote: "decline", comment: "Cash flow too thin" })).status).toBe("declined");
    expect(await refusal(stepApplication(db, c.id, org.id, app.id, { intent: "offer" }, TODAY))).toContain('"Declined"');
  });
});

describe("a committee with recusals is never stuck", () => {
  async function referred(committee: number) {
    const org = await makeOrganisation(db);
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer"] });
    const c = await Promise.all(Array.from({ length: committee }, () => makeUser(db, { organisationId: org.id, roles: ["credit_committee"] })));
    const product = await createProduct(db, null, org.id, PRODUCT);
    const borrower = await createBorrower(db, null, org.id, borrowerInput());
    const app = await createApplication(db, officer.id, org.id, { borrowerId: borrower.id, productId: product.id, amount: "2000", termPeriods: 6, annualRate: "10", purpose: "Van" }, TODAY);
    const step = (s: Parameters<typeof stepApplication>[4]) => stepApplication(db, officer.id, org.id, app.id, s, TODAY);
    await step({ intent: "submit" });
    await step({ intent: "review", officerNotes: "Accounts seen" });
    await step({ intent: "refer" });
    return { org, c, app, step };
  }

  it("lets the one member left after a recusal decide", async () => {
    const { org, c, app } = await referred(2);
    const after = await castCommitteeVote(db, c[0].id, org.id, app.id, { vote: "recuse", comment: "Conflict" });
    expect(after.status).toBe("pending");
    expect(after.quorum).toBe(1);
    expect((await castCommitteeVote(db, c[1].id, org.id, app.id, { vote: "approve", comment: "Fine" })).status).toBe("approved");
    expect((await getApplication(db, org.id, app.id))!.status).toBe("approved");
  });

  it("when everyone recuses, a new committee member can decide, or the officer can withdraw the application", async () => {
    const { org, c, app } = await referred(1);
    const stuck = await castCommitteeVote(db, c[0].id, org.id, app.id, { vote: "recuse", comment: "Conflict" });
    expect(stuck.status).toBe("no-quorum");
    expect(stuck.reason).toMatch(/withdraw/);
    // A committee member added now makes a quorum of one (not a higher quorum nobody can reach).
    const added = await makeUser(db, { organisationId: org.id, roles: ["credit_committee"] });
    expect((await castCommitteeVote(db, added.id, org.id, app.id, { vote: "decline", comment: "Too thin" })).status).toBe("declined");

    const second = await referred(1);
    await castCommitteeVote(db, second.c[0].id, second.org.id, second.app.id, { vote: "recuse", comment: "Conflict" });
    await second.step({ intent: "withdraw", confirmed: "yes" });
    expect((await getApplication(db, second.org.id, second.app.id))!.status).toBe("withdrawn");
  });
});

describe("servicing", () => {
  it("allocates partial payments interest first, then treats an overpayment as a prepayment for a shorter term", async () => {
    const org = await makeOrganisation(db);
    const { loan: l } = await makeLoan(db, org.id, { amount: 1_200_000n, termPeriods: 12, annualRate: "12", disbursedOn: "2026-01-15" });
    const loan = await loanOf(org.id, l.id);
    const first = (await loanInstallments(db, org.id, loan.id))[0];
    expect([first.due_on, first.interest, first.principal]).toEqual(["2026-02-15", 12_000n, 94_619n]);
    await recordRepayment(db, null, org.id, loan.id, { amount: 50_000n, onDate: "2026-02-15", method: "bank" }, TODAY);
    let inst = await loanInstallments(db, org.id, loan.id);
    expect([inst[0].paid_interest, inst[0].paid_principal]).toEqual([12_000n, 38_000n]);
    await recordRepayment(db, null, org.id, loan.id, { amount: 56_619n, onDate: "2026-02-20", method: "manual" }, TODAY);
    inst = await loanInstallments(db, org.id, loan.id);
    expect(inst[0].paid_principal).toBe(94_619n);
    const r = await recordRepayment(db, null, org.id, loan.id, { amount: 300_000n, onDate: "2026-03-01", method: "bank", reschedule: "shorter-term" }, TODAY);
    // 1,066.19 pays the installment running on 1 March (due 15 March) early; 1,933.81 is prepaid,
    // leaving 8,164.35 to repay at 1,066.19 a month: 9 more installments instead of 10.
    expect(r.prepaid).toBe(193_381n);
    expect(r.rescheduled).toBe("shorter-term");
    inst = await loanInstallments(db, org.id, loan.id);
    expect(inst).toHaveLength(11);
    expect(inst[1].paid_principal + inst[1].paid_interest).toBe(106_619n);
    expect(inst.reduce((s, i) => s + i.principal, 0n)).toBe(1_200_000n - 193_381n);
    expect(inst[2].principal + inst[2].interest).toBe(106_619n);
    const tx = await loanTransactions(db, org.id, loan.id);
    expect(tx.filter((t) => t.kind === "repayment").map((t) => t.amount)).toEqual([50_000n, 56_619n, 300_000n]);
  });

  it("lowers the installment instead when asked", async () => {
    const org = await makeOrganisation(db);
    const { loan: l } = await makeLoan(db, org.id, { disbursedOn: "2026-01-15" });
    const loan = await loanOf(org.id, l.id);
    await recordRepayment(db, null, org.id, loan.id, { amount: 406_619n, onDate: "2026-02-15", method: "bank", reschedule: "lower-installment" }, TODAY);
    const inst = await loanInstallments(db, org.id, loan.id);
    expect(inst).toHaveLength(12);
    expect(inst[2].principal + inst[2].interest).toBeLessThan(106_619n);
    // 1,066.19 pays installment 1, the next 1,066.19 installment 2 (running), 1,933.81 is prepaid.
    expect(inst.reduce((s, i) => s + i.principal, 0n)).toBe(1_200_000n - 193_381n);
  });

  it("reverses a wrong repayment exactly, and refuses bad input without writing anything", async () => {
    const org = await makeOrganisation(db);
    const { loan: l } = await makeLoan(db, org.id, { disbursedOn: "2026-01-15" });
    let loan = await loanOf(org.id, l.id);
    const r = await recordRepayment(db, null, org.id, loan.id, { amount: 106_619n, onDate: "2026-02-15", method: "bank" }, TODAY);
    await reverseRepayment(db, null, org.id, loan.id, r.transactionId, "2026-02-16", "Posted to the wrong loan", TODAY);
    const inst = await loanInstallments(db, org.id, loan.id);
    expect(inst.every((i) => i.paid_principal === 0n && i.paid_interest === 0n)).toBe(true);
    const lines = await db.selectFrom("loan_allocation_lines").select("amount").where("organisation_id", "=", org.id).execute();
    expect(lines.reduce((s, x) => s + x.amount, 0n)).toBe(0n);
    expect(await refusal(reverseRepayment(db, null, org.id, loan.id, r.transactionId, "2026-02-16", "again", TODAY))).toBe("That repayment has already been reversed.");
    const before = [await count("loan_transactions", org.id), await count("loan_allocation_lines", org.id)];
    expect(await refusal(recordRepayment(db, null, org.id, loan.id, { amount: 1000n, onDate: "2026-01-10", method: "bank" }, TODAY))).toBe("The date 2026-01-10 is before the loan was paid out on 2026-01-15.");
    expect(await refusal(recordRepayment(db, null, org.id, loan.id, { amount: 0n, onDate: "2026-02-10", method: "bank" }, TODAY))).toBe("The amount must be more than zero.");
    expect(await refusal(recordRepayment(db, null, org.id, loan.id, { amount: 5_000_000n, onDate: "2026-02-10", method: "bank" }, TODAY))).toBe("The payment of £50,000.00 is more than the £12,120.00 that repays the loan in full on 2026-02-10.");
    expect([await count("loan_transactions", org.id), await count("loan_allocation_lines", org.id)]).toEqual(before);
    // Repaid in full, the loan closes; a further repayment is refused.
    // On 20 Feb: installment 1 (due), installment 2 (running, with its interest) and the rest's principal.
    expect(await refusal(recordRepayment(db, null, org.id, loan.id, { amount: 1_300_000n, onDate: "2026-02-20", method: "bank" }, TODAY))).toContain("£12,230.54");
    await recordRepayment(db, null, org.id, loan.id, { amount: 1_223_054n, onDate: "2026-02-20", method: "bank" }, TODAY);
    loan = await loanOf(org.id, l.id);
    expect(loan.status).toBe("closed");
    expect(await refusal(recordRepayment(db, null, org.id, loan.id, { amount: 100n, onDate: "2026-03-01", method: "bank" }, TODAY))).toContain("is repaid and closed: a repayment cannot be recorded on it");
  });

  it("writes off with the outstanding principal and takes recoveries up to it", async () => {
    const org = await makeOrganisation(db);
    const { loan: l } = await makeLoan(db, org.id, { disbursedOn: "2026-01-15" });
    let loan = await loanOf(org.id, l.id);
    await recordRepayment(db, null, org.id, loan.id, { amount: 106_619n, onDate: "2026-02-15", method: "bank" }, TODAY);
    const w = await writeOffLoan(db, null, org.id, loan.id, "2026-09-30", "Board minute 2026/41", TODAY);
    expect(w.principal).toBe(1_200_000n - 94_619n);
    loan = await loanOf(org.id, l.id);
    expect(loan.status).toBe("written_off");
    expect(await refusal(recordRepayment(db, null, org.id, loan.id, { amount: 100n, onDate: "2026-10-01", method: "bank" }, TODAY))).toContain("record a recovery instead");
    await recordRecovery(db, null, org.id, loan.id, 50_000n, "2026-10-10", "Sale of equipment", TODAY);
    expect(await refusal(recordRecovery(db, null, org.id, loan.id, 2_000_000n, "2026-10-11", "", TODAY))).toBe("Only £10,553.81 written off is still to recover.");
    await expect(db.updateTable("loan_transactions").set({ note: "x" }).where("organisation_id", "=", org.id).execute()).rejects.toThrow(/append-only/);
  });
});

describe("arrears and PAR", () => {
  /*
   * Five loans of £12,000 over 12 months, equal principal (£1,000 a month),
   * paid out 15 January 2026; installments due on the 15th. As at 1 July
   * 2026 five installments have fallen due (Feb-Jun).
   *   A paid 5: current, owes 7,000      B paid 4: oldest unpaid 15 Jun, 16 days, owes 8,000
   *   E paid 3: 15 May, 47 days, 9,000   C paid 2: 15 Apr, 77 days, owes 10,000
   *   D paid 0: 15 Feb, 136 days, 12,000
   * Total 46,000. PAR30 = C+D+E = 31,000 / 46,000 = 0.6739; PAR60 = C+D =
   * 22,000 / 46,000 = 0.4783; PAR90 = D = 12,000 / 46,000 = 0.2609.
   */
  it("matches the hand-computed portfolio (computed in the database)", async () => {
    const org = await makeOrganisation(db);
    const ids: Record<string, string> = {};
    for (const [name, paid] of [["A", 5], ["B", 4], ["C", 2], ["D", 0], ["E", 3]] as const) {
      const { loan: l } = await makeLoan(db, org.id, { amount: 1_200_000n, product: { amortization: "equal-principal" }, borrower: { legalName: `Borrower ${name}`, contactEmail: `${name.toLowerCase()}@example.test` } });
      ids[name] = l.id;
      const loan = await loanOf(org.id, l.id);
      const inst = await loanInstallments(db, org.id, l.id);
      expect(inst[0].principal).toBe(100_000n);
      if (paid > 0) {
        const amount = inst.slice(0, paid).reduce((s, i) => s + i.principal + i.interest, 0n);
        await recordRepayment(db, null, org.id, loan.id, { amount, onDate: inst[paid - 1].due_on, method: "bank" }, TODAY);
      }
    }
    const p = await portfolioArrears(db, org.id, "2026-07-01", { dpdOf: "late" });
    expect(p.totalOutstanding).toBe(4_600_000n);
    expect([p.par30.ratio, p.par60.ratio, p.par90.ratio]).toEqual(["0.6739", "0.4783", "0.2609"]);
    expect([p.par30.atRisk, p.par60.atRisk, p.par90.atRisk]).toEqual([3_100_000n, 2_200_000n, 1_200_000n]);
    expect(p.loans).toBe(5);
    expect(Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, p.dpdByLoan.get(id) ?? 0]))).toEqual({ A: 0, B: 16, C: 77, D: 136, E: 47 });
    expect(p.dpdByLoan.has(ids.A)).toBe(false);
    // Only the loans late by the days asked for.
    expect([...(await portfolioArrears(db, org.id, "2026-07-01", { dpdOf: [16, 136] })).dpdByLoan].sort()).toEqual([[ids.B, 16], [ids.D, 136]].sort());
    expect(p.buckets["1-30"]).toEqual({ loans: 1, principal: 800_000n });
    // As at an earlier date, from the ledger: D was 14 days late on 1 March 2026, and B was current.
    expect((await loanArrears(db, org.id, await loanOf(org.id, ids.D), "2026-03-01")).dpd).toBe(14);
    expect(daysPastDue(await installmentsAsAt(db, org.id, ids.B, "2026-03-01"), "2026-03-01")).toBe(14);
    expect(daysPastDue(await installmentsAsAt(db, org.id, ids.B, "2026-06-01"), "2026-06-01")).toBe(0);
  });

  it("records a daily snapshot and emails a reminder on the first late day only", async () => {
    const org = await makeOrganisation(db);
    const { loan: l } = await makeLoan(db, org.id, { borrower: { contactEmail: "late@example.test" } });
    const age = await ageLoans(db, org.id, "2026-02-16");
    expect(age.reminders).toBe(1);
    expect(age.par30.atRisk).toBe(0n);
    const again = await ageLoans(db, org.id, "2026-02-16");
    expect(again.reminders).toBe(0);
    await ageLoans(db, org.id, "2026-02-17");
    const snaps = await db.selectFrom("loan_arrears_snapshots").select(["as_at", "total_outstanding"]).where("organisation_id", "=", org.id).orderBy("as_at").execute();
    expect(snaps).toEqual([{ as_at: "2026-02-16", total_outstanding: 1_200_000n }, { as_at: "2026-02-17", total_outstanding: 1_200_000n }]);
    const mail = await db.selectFrom("email_outbox").select(["to_email", "subject"]).where("organisation_id", "=", org.id).execute();
    expect(mail).toEqual([{ to_email: "late@example.test", subject: `Loan ${(await loanOf(org.id, l.id)).reference}: a repayment is 1 day late` }]);
  });
});
