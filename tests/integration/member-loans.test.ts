/**
 * The member's own loans page reads all of their loans in a fixed number of
 * queries (memberLoansPageData), and shows for each exactly what the loan
 * page's own reading (getLoan + loanPageData, one loan at a time) gives:
 * schedule with a prepayment, a reversed repayment, arrears as at the day,
 * a reversed pay-out, and nothing of a borrower not linked to the member.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getLoan, portfolioLoans, recordRepayment, reversePayout, reverseRepayment, type Loan } from "~/models/lending/loans.server";
import { borrowersOfMember } from "~/models/lending/borrowers.server";
import { loanPageData, memberLoansPageData } from "~/models/lending/loan-views.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";

let db: Database;
const TODAY = "2026-11-25";
beforeAll(async () => {
  db = await testDb();
});

/** What the page showed before: the member's loans from the portfolio list, then each loan's page data one by one. */
async function oneLoanAtATime(organisationId: string, memberId: string, asAt: string) {
  const borrowers = await borrowersOfMember(db, organisationId, memberId);
  const list = await portfolioLoans(db, organisationId, asAt, { borrowerIds: borrowers.map((b) => b.id) });
  const out = [];
  for (const l of list) {
    const d = await loanPageData(db, organisationId, (await getLoan(db, organisationId, l.id)) as Loan, asAt);
    out.push({ loan: d.loan, owed: d.owed, arrears: d.arrears, schedule: d.schedule, payments: d.transactions.filter((t) => t.rawKind === "repayment" || t.rawKind === "reversal").map((t) => ({ id: t.id, onDate: t.onDate, kind: t.kind, amount: t.amount })) });
  }
  return out;
}

describe("a member's own loans", () => {
  it("shows every linked loan as the loan page does, and no other", async () => {
    const org = await makeOrganisation(db, { legalForm: "community-bank" });
    const member = await makeMember(db, org.id, { name: "Borrowing Member" });
    const memberNumber = Number(member.member_number);
    const linked = { memberNumber, legalName: "Linked Workshop Co-op" };
    const paying = await makeLoan(db, org.id, { borrower: linked, disbursedOn: "2026-01-15" });
    await recordRepayment(db, null, org.id, paying.loan.id, { amount: 106_619n, onDate: "2026-02-15", method: "bank" }, TODAY);
    await recordRepayment(db, null, org.id, paying.loan.id, { amount: 300_000n, onDate: "2026-03-15", method: "bank", reschedule: "shorter-term" }, TODAY);
    const corrected = await makeLoan(db, org.id, { borrower: { ...linked, legalName: "Linked Bakery" }, amount: 600_000n, termPeriods: 6, disbursedOn: "2026-02-01" });
    const wrong = await recordRepayment(db, null, org.id, corrected.loan.id, { amount: 50_000n, onDate: "2026-03-01", method: "manual" }, TODAY);
    await reverseRepayment(db, null, org.id, corrected.loan.id, wrong.transactionId, "2026-03-02", "Posted to the wrong loan", TODAY);
    const reversed = await makeLoan(db, org.id, { borrower: { ...linked, legalName: "Linked Café" }, disbursedOn: "2026-04-01" });
    await reversePayout(db, null, org.id, reversed.loan.id, { onDate: "2026-04-02", note: "Paid out to the wrong borrower" }, TODAY);
    await makeLoan(db, org.id, { borrower: { legalName: "Someone Else Ltd" } });

    const shown = await memberLoansPageData(db, org.id, member.id, TODAY);
    expect(shown.map((l) => l.loan.borrower).sort()).toEqual(["Linked Bakery", "Linked Café", "Linked Workshop Co-op"]);
    expect(shown).toEqual(await oneLoanAtATime(org.id, member.id, TODAY));
    const workshop = shown.find((l) => l.loan.id === paying.loan.id)!;
    expect(workshop.schedule.some((r) => r.n === "Prepaid")).toBe(true);
    expect(workshop.payments).toHaveLength(2);
    expect(shown.find((l) => l.loan.id === corrected.loan.id)!.payments.map((p) => p.kind)).toEqual(["Repayment", "Reversal"]);
    expect(shown.find((l) => l.loan.id === reversed.loan.id)!.loan.status).toBe("reversed");
    // Arrears as at another day agree too (what was paid is read as at that day).
    expect(await memberLoansPageData(db, org.id, member.id, "2026-03-01")).toEqual(await oneLoanAtATime(org.id, member.id, "2026-03-01"));
  });

  it("is empty for a member with no linked borrower", async () => {
    const org = await makeOrganisation(db);
    const member = await makeMember(db, org.id);
    await makeLoan(db, org.id);
    expect(await memberLoansPageData(db, org.id, member.id, TODAY)).toEqual([]);
  });
});
