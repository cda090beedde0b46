import { describe, expect, it } from "vitest";
import { firstDueProblem, firstDueWindow, payoutDateProblem, postingDateProblem } from "./date-rules";

describe("lending date rules", () => {
  it("pays out on or after the approval and never in the future", () => {
    expect(payoutDateProblem({ disbursedOn: "2026-11-20", approvedOn: "2026-11-20", today: "2026-12-02" })).toBeNull();
    expect(payoutDateProblem({ disbursedOn: "2026-12-02", approvedOn: "2026-11-20", today: "2026-12-02" })).toBeNull();
    // The case: a pay-out dated two years before the approval.
    expect(payoutDateProblem({ disbursedOn: "2024-11-20", approvedOn: "2026-11-20", today: "2026-12-02" })).toBe("The pay-out date 2024-11-20 is before the loan was approved on 2026-11-20.");
    expect(payoutDateProblem({ disbursedOn: "2026-11-19", approvedOn: "2026-11-20", today: "2026-12-02" })).toContain("before the loan was approved");
    expect(payoutDateProblem({ disbursedOn: "2026-12-03", approvedOn: "2026-11-20", today: "2026-12-02" })).toBe("A loan cannot be paid out on a future date.");
    expect(payoutDateProblem({ disbursedOn: "2026-01-01", approvedOn: null, today: "2026-12-02" })).toBeNull();
  });

  it("puts the first installment after the pay-out and within two periods of the product's frequency", () => {
    expect(firstDueWindow("monthly", "2026-01-31")).toEqual({ earliest: "2026-02-01", latest: "2026-03-31" });
    expect(firstDueWindow("weekly", "2026-12-02")).toEqual({ earliest: "2026-12-03", latest: "2026-12-16" });
    expect(firstDueWindow("fortnightly", "2026-12-02")).toEqual({ earliest: "2026-12-03", latest: "2026-12-30" });
    expect(firstDueWindow("quarterly", "2026-11-30")).toEqual({ earliest: "2026-12-01", latest: "2027-05-30" });
    expect(firstDueProblem("monthly", "2026-12-02", "2027-02-02")).toBeNull();
    expect(firstDueProblem("monthly", "2026-12-02", "2026-12-03")).toBeNull();
    expect(firstDueProblem("monthly", "2026-12-02", "2027-02-03")).toBe("The first installment on 2027-02-03 is more than two months after the pay-out on 2026-12-02; it must fall by 2027-02-02.");
    expect(firstDueProblem("monthly", "2026-12-02", "2026-12-02")).toBe("The first installment must fall after the pay-out on 2026-12-02.");
    expect(firstDueProblem("weekly", "2026-12-02", "2026-12-17")).toContain("more than two weeks");
  });

  it("dates a posting between the loan's start and today, both included", () => {
    expect(postingDateProblem("2026-01-15", "2026-01-15", "2026-12-02")).toBeNull();
    expect(postingDateProblem("2026-12-02", "2026-01-15", "2026-12-02")).toBeNull();
    expect(postingDateProblem("2026-01-14", "2026-01-15", "2026-12-02")).toBe("The date 2026-01-14 is before the loan was paid out on 2026-01-15.");
    expect(postingDateProblem("2026-12-03", "2026-01-15", "2026-12-02")).toBe("The date 2026-12-03 is in the future.");
    expect(postingDateProblem("2026-09-01", "2026-09-30", "2026-12-02", "the write-off")).toBe("The date 2026-09-01 is before the write-off on 2026-09-30.");
  });
});
