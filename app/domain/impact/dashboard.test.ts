import { describe, expect, it } from "vitest";
import { impactFiguresAsAt, impactTrends, type ImpactBase } from "./dashboard";

/*
 * Hand-computed fixture. Local area PR1.
 * Members: A (PR1, local), B (M1, elsewhere), C (no postcode; ceased 20 Mar).
 * Shares: A buys 600.00 (10 Jan), B 300.00 (20 Jan), C 100.00 (5 Feb), A withdraws 100.00 (15 Mar).
 * Loans: L1 to a local worker co-op café, 10,000.00 (15 Jan), 1,000.00 principal repaid 1 Mar;
 *        L2 to a Blackburn manufacturer, 5,000.00 (10 Feb).
 */
const base: ImpactBase = {
  localArea: ["PR1"],
  members: [
    { memberId: "A", postcode: "PR1 1AA", admittedOn: "2024-12-01", ceasedOn: null },
    { memberId: "B", postcode: "M1 1AE", admittedOn: "2025-01-20", ceasedOn: null },
    { memberId: "C", postcode: null, admittedOn: "2025-02-05", ceasedOn: "2025-03-20" },
  ],
  shareTransactions: [
    { id: "1", memberId: "A", classId: "c", kind: "purchase", shares: 600, amount: 60_000n, effectiveOn: "2025-01-10" },
    { id: "2", memberId: "B", classId: "c", kind: "purchase", shares: 300, amount: 30_000n, effectiveOn: "2025-01-20" },
    { id: "3", memberId: "C", classId: "c", kind: "purchase", shares: 100, amount: 10_000n, effectiveOn: "2025-02-05" },
    { id: "4", memberId: "A", classId: "c", kind: "withdrawal", shares: 100, amount: 10_000n, effectiveOn: "2025-03-15" },
  ],
  loans: [
    { loanId: "L1", borrowerId: "X", postcode: "PR1 2AB", sector: "I Accommodation and food services", ownership: "Worker co-operative", leadership: ["women-led", "worker-owned"], disbursedOn: "2025-01-15", jobsToCreate: 3, jobsToSafeguard: 2 },
    { loanId: "L2", borrowerId: "Y", postcode: "BB1 1AA", sector: "C Manufacturing", ownership: "Company", leadership: ["minority-ethnic-led"], disbursedOn: "2025-02-10", jobsToCreate: 1, jobsToSafeguard: 4 },
  ],
  loanLedger: [
    { loanId: "L1", kind: "disbursement", principalPart: 1_000_000n, onDate: "2025-01-15" },
    { loanId: "L2", kind: "disbursement", principalPart: 500_000n, onDate: "2025-02-10" },
    { loanId: "L1", kind: "repayment", principalPart: 100_000n, onDate: "2025-03-01" },
  ],
};

describe("impactFiguresAsAt", () => {
  it("gives every figure at 28 February", () => {
    const f = impactFiguresAsAt(base, "2025-02-28");
    expect(f.capital).toMatchObject({ totalAmount: 100_000n, localAmount: 60_000n, unknownAmount: 10_000n, localPercent: "60.0", holders: 3, localHolders: 1 });
    // 10,000 of 15,000 local = 66.666...% -> 66.7
    expect(f.lending).toMatchObject({ totalAmount: 1_500_000n, localAmount: 1_000_000n, localPercent: "66.7" });
    expect(f.members).toEqual({ members: 3, localMembers: 1, localPercent: "33.3" });
  });

  it("gives every figure at 31 March", () => {
    const f = impactFiguresAsAt(base, "2025-03-31");
    // 500 of 900 = 55.555...% -> 55.6
    expect(f.capital).toMatchObject({ totalAmount: 90_000n, localAmount: 50_000n, localPercent: "55.6" });
    // 9,000 of 14,000 = 64.2857% -> 64.3
    expect(f.lending).toMatchObject({ totalAmount: 1_400_000n, localAmount: 900_000n, localPercent: "64.3", holders: 2, localHolders: 1 });
    expect(f.jobs).toMatchObject({ created: 4, safeguarded: 6, total: 10 });
    expect(f.bySector.map((l) => [l.key, l.amount, l.percent])).toEqual([
      ["I Accommodation and food services", 900_000n, "64.3"],
      ["C Manufacturing", 500_000n, "35.7"],
    ]);
    expect(f.byOwnership.map((l) => [l.key, l.percent])).toEqual([["Worker co-operative", "64.3"], ["Company", "35.7"]]);
    // L1 (women-led) 9,000 and L2 (minority-ethnic-led) 5,000 of 14,000.
    expect(f.byLeadership.map((l) => [l.group, l.loans, l.amount, l.percent])).toEqual([
      ["women-led", 1, 900_000n, "64.3"],
      ["minority-ethnic-led", 1, 500_000n, "35.7"],
    ]);
    expect(f.members).toEqual({ members: 2, localMembers: 1, localPercent: "50.0" });
  });

  it("reports no lending to minority-ethnic-led businesses before the first such loan is paid out", () => {
    expect(impactFiguresAsAt(base, "2025-01-31").byLeadership.map((l) => [l.group, l.loans, l.amount, l.percent])).toEqual([
      ["women-led", 1, 1_000_000n, "100.0"],
      ["minority-ethnic-led", 0, 0n, "0.0"],
    ]);
  });

  it("counts a borrower's jobs only once a loan has been paid out", () => {
    expect(impactFiguresAsAt(base, "2025-01-31").jobs).toMatchObject({ created: 3, safeguarded: 2 });
  });
});

describe("impactTrends", () => {
  it("gives one point per month end, oldest first", () => {
    const t = impactTrends(base, "2025-03-31", 3);
    expect(t.map((p) => [p.monthEnd, p.capitalTotal, p.capitalLocalPercent, p.lendingTotal, p.lendingLocalPercent, p.jobsCreated, p.jobsSafeguarded, p.members, p.localMembers, p.joined, p.left])).toEqual([
      ["2025-01-31", 90_000n, "66.7", 1_000_000n, "100.0", 3, 2, 2, 1, 1, 0],
      ["2025-02-28", 100_000n, "60.0", 1_500_000n, "66.7", 4, 6, 3, 1, 1, 0],
      ["2025-03-31", 90_000n, "55.6", 1_400_000n, "64.3", 4, 6, 2, 1, 0, 1],
    ]);
  });
  it("leaves out a month not yet finished", () => {
    expect(impactTrends(base, "2025-04-15", 2).map((p) => p.monthEnd)).toEqual(["2025-02-28", "2025-03-31"]);
  });
});
