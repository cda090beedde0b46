import { describe, expect, it } from "vitest";
import { validateOffer } from "./products";
import type { MoneyStyle } from "~/domain/money";

const GBP: MoneyStyle = { currency: "GBP", locale: "en-GB" };
import { generateSchedule } from "./schedule";
import { aprOfSchedule, capOf, committeeOutcome, loanTerms, plainRate, productForValidation, type ProductRow } from "./terms";

const product: ProductRow = {
  name: "Small business loan",
  amortization: "equal-installments",
  interest_method: "declining",
  min_rate: "6.0000",
  max_rate: "24.0000",
  min_principal: 100_000n,
  max_principal: 5_000_000n,
  min_term: 6,
  max_term: 60,
  frequency: "monthly",
  days_in_year: "360",
  days_in_month: "30",
  installment_multiple: 1n,
  grace_on_principal: 0,
  grace_on_interest: 0,
  arrangement_fee: 0n,
};

describe("committeeOutcome", () => {
  it("approves once a quorum votes and the rest cannot overturn it", () => {
    expect(committeeOutcome(3, ["approve"]).status).toBe("pending");
    expect(committeeOutcome(3, ["approve", "approve"]).status).toBe("approved");
    expect(committeeOutcome(3, ["approve", "decline"]).status).toBe("pending");
    expect(committeeOutcome(3, ["approve", "decline", "decline"]).status).toBe("declined");
  });
  it("does not count a recusal toward the quorum", () => {
    const o = committeeOutcome(3, ["recuse", "approve"]);
    expect(o.status).toBe("pending");
    expect(o.quorum).toBe(2);
    expect(committeeOutcome(3, ["recuse", "approve", "approve"]).status).toBe("approved");
  });
  it("counts only the members able to vote in the quorum: a recusal never leaves the application stuck", () => {
    // Two members, one recuses: the other alone is the quorum and decides.
    const one = committeeOutcome(2, ["recuse"]);
    expect(one.status).toBe("pending");
    expect(one.quorum).toBe(1);
    expect(committeeOutcome(2, ["recuse", "approve"]).status).toBe("approved");
    expect(committeeOutcome(2, ["recuse", "decline"]).status).toBe("declined");
    expect(committeeOutcome(3, ["recuse", "recuse"]).quorum).toBe(1);
    expect(committeeOutcome(3, ["recuse", "recuse", "approve"]).status).toBe("approved");
    // Adding a member after a recusal lets the committee decide, rather than raising a quorum nobody can reach.
    expect(committeeOutcome(2, ["recuse"]).status).not.toBe("no-quorum");
    expect(committeeOutcome(2, ["recuse", "approve"]).status).toBe("approved");
    // Everyone recused: nobody can decide, and the reason says what to do.
    const none = committeeOutcome(2, ["recuse", "recuse"]);
    expect(none.status).toBe("no-quorum");
    expect(none.reason).toMatch(/add a committee member|withdraw/);
  });
  it("declines a tie once everyone has voted", () => {
    expect(committeeOutcome(4, ["approve", "approve", "decline"]).status).toBe("pending");
    expect(committeeOutcome(4, ["approve", "approve", "decline", "decline"]).status).toBe("declined");
  });
  it("lets a one-person committee decide alone", () => {
    expect(committeeOutcome(1, ["approve"]).status).toBe("approved");
    expect(committeeOutcome(1, ["recuse"]).status).toBe("no-quorum");
  });
});

describe("loan terms from a product", () => {
  it("counts quarterly terms in months and refuses a rate above the cap with the reason", () => {
    const q = { ...product, frequency: "quarterly" as const, min_term: 2, max_term: 8 };
    const v = productForValidation(q);
    expect(v.minTermPeriods).toBe(6);
    expect(v.maxTermPeriods).toBe(24);
    const terms = loanTerms(product, { amount: 1_000_000n, termPeriods: 12, annualRate: "40", disbursed: "2026-01-10" });
    const d = validateOffer(productForValidation({ ...product, max_rate: "48" }), terms, capOf({ rateCapMonthlyPercent: 3 }), GBP);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toContain("above this organisation's cap of 36% a year (3% a month)");
  });
  it("gives the APR of 12 monthly installments on £10,000 at 12%", () => {
    const s = generateSchedule(loanTerms(product, { amount: 1_000_000n, termPeriods: 12, annualRate: "12.0000", disbursed: "2026-01-01" }));
    expect(s.installments).toHaveLength(12);
    expect(s.installments[0].due).toBe("2026-02-01");
    expect(aprOfSchedule(s)).toBe("12.7");
  });
  it("writes numeric rates plainly", () => {
    expect(plainRate("12.5000")).toBe("12.5");
    expect(plainRate("36.0000")).toBe("36");
    expect(plainRate("7")).toBe("7");
  });
});
