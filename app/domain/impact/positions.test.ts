import { describe, expect, it } from "vitest";
import { memberGrowth, outstandingByLoan, type LoanLedgerRow } from "./positions";

describe("outstandingByLoan", () => {
  const rows: LoanLedgerRow[] = [
    { loanId: "a", kind: "disbursement", principalPart: 1_000_000n, onDate: "2025-01-10" },
    { loanId: "a", kind: "repayment", principalPart: 80_000n, onDate: "2025-02-10" },
    { loanId: "a", kind: "repayment", principalPart: 81_000n, onDate: "2025-03-10" },
    // The March repayment bounced: reversed with negated parts.
    { loanId: "a", kind: "reversal", principalPart: -81_000n, onDate: "2025-03-20", reversesKind: "repayment" },
    { loanId: "b", kind: "disbursement", principalPart: 500_000n, onDate: "2025-02-01" },
    { loanId: "b", kind: "write_off", principalPart: 500_000n, onDate: "2025-06-30" },
    { loanId: "b", kind: "recovery", principalPart: 20_000n, onDate: "2025-08-01" },
  ];
  it("adds disbursements and takes away repayments and write-offs, as at a day", () => {
    expect(outstandingByLoan(rows, "2025-01-31")).toEqual(new Map([["a", 1_000_000n]]));
    expect(outstandingByLoan(rows, "2025-03-15")).toEqual(new Map([["a", 839_000n], ["b", 500_000n]]));
    // 1,000,000 - 80,000 - 81,000 + 81,000 = 920,000
    expect(outstandingByLoan(rows, "2025-03-31").get("a")).toBe(920_000n);
    expect(outstandingByLoan(rows, "2025-09-30").get("b")).toBe(0n);
  });
});

describe("memberGrowth", () => {
  it("counts members at each month end and the month's joiners and leavers", () => {
    const members = [
      { admittedOn: "2025-01-05", ceasedOn: null },
      { admittedOn: "2025-01-31", ceasedOn: "2025-02-14" },
      { admittedOn: "2025-02-01", ceasedOn: null },
      { admittedOn: null, ceasedOn: null }, // applied, never admitted
    ];
    expect(memberGrowth(members, ["2025-01-31", "2025-02-28"])).toEqual([
      { monthEnd: "2025-01-31", members: 2, joined: 2, left: 0 },
      { monthEnd: "2025-02-28", members: 2, joined: 1, left: 1 },
    ]);
  });
});
