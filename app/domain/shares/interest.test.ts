import { describe, expect, it } from "vitest";
import type { ShareTransaction } from "./holdings";
import { previewInterestRun } from "./interest";
import type { MoneyStyle } from "~/domain/money";

const cls = { id: "community", name: "Community Shares", parValue: 100n, interestRateBasisPoints: 300 };
const GBP: MoneyStyle = { currency: "GBP", locale: "en-GB" };

let seq = 0;
function buy(memberId: string, pounds: number, effectiveOn: string, kind: ShareTransaction["kind"] = "purchase", classId = "community"): ShareTransaction {
  seq += 1;
  return { id: `i${seq}`, memberId, classId, kind, shares: pounds, amount: BigInt(pounds) * 100n, effectiveOn };
}

const year2025 = { cls, from: "2025-01-01", to: "2025-12-31", money: GBP };

describe("previewInterestRun", () => {
  it("pays £30.00 on £1,000 held all year at 3%", () => {
    const run = previewInterestRun({ ...year2025, transactions: [buy("m1", 1000, "2024-06-01")] });
    expect(run.daysInYear).toBe(365);
    expect(run.periodDays).toBe(365);
    expect(run.members).toHaveLength(1);
    const m = run.members[0];
    expect(m).toMatchObject({ memberId: "m1", interest: 3000n, averageBalance: 100_000n, days: 365, balanceDays: 36_500_000n });
    expect(m.asShares).toEqual({ shares: 30, cash: 0n });
    expect(m.explain).toBe(
      "£1,000.00 held all 365 days of 2025-01-01 to 2025-12-31 = £365,000.00 balance-days; × 3.00% ÷ 365 = £30.000000; " +
        "rounded down to £30.00. As shares: 30 shares of £1.00 and £0.00 in cash.",
    );
  });

  it("pays £15.12 on £1,000 bought on 1 July (1000 × 0.03 × 184/365 = 15.1232…, truncated)", () => {
    const run = previewInterestRun({ ...year2025, transactions: [buy("m1", 1000, "2025-07-01")] });
    const m = run.members[0];
    expect(m.interest).toBe(1512n);
    expect(m.days).toBe(184);
    expect(m.asShares).toEqual({ shares: 15, cash: 12n });
    expect(m.spans).toEqual([
      { from: "2025-01-01", to: "2025-06-30", days: 181, balance: 0n },
      { from: "2025-07-01", to: "2025-12-31", days: 184, balance: 100_000n },
    ]);
    expect(m.explain).toBe(
      "£1,000.00 × 184 days (2025-07-01 to 2025-12-31) = £184,000.00 balance-days; × 3.00% ÷ 365 = £15.123287…; " +
        "rounded down to £15.12. As shares: 15 shares of £1.00 and £0.12 in cash.",
    );
  });

  it("rounds once, by the chosen rule", () => {
    const transactions = [buy("m1", 1000, "2025-07-01")];
    expect(previewInterestRun({ ...year2025, transactions, rounding: "up" }).members[0].interest).toBe(1513n);
    expect(previewInterestRun({ ...year2025, transactions, rounding: "half-up" }).members[0].interest).toBe(1512n);
    // £2.50 all year at 1% = 2.5p exactly: the modes differ only on the half.
    const half = [{ ...buy("m2", 0, "2024-01-01"), amount: 250n, shares: 1 }];
    const at1 = { ...year2025, transactions: half, rateBasisPoints: 100 };
    expect(previewInterestRun({ ...at1, rounding: "down" }).members[0].interest).toBe(2n);
    expect(previewInterestRun({ ...at1, rounding: "half-even" }).members[0].interest).toBe(2n);
    expect(previewInterestRun({ ...at1, rounding: "half-up" }).members[0].interest).toBe(3n);
    expect(previewInterestRun({ ...at1, rounding: "up" }).members[0].interest).toBe(3n);
  });

  it("adds up balances that change during the year", () => {
    // £500 all year + £500 more from 1 July: 500×181 + 1000×184 = 274,500 pound-days;
    // × 3% / 365 = £22.5616…
    const run = previewInterestRun({ ...year2025, transactions: [buy("m1", 500, "2024-03-01"), buy("m1", 500, "2025-07-01")] });
    const m = run.members[0];
    expect(m.balanceDays).toBe(27_450_000n);
    expect(m.interest).toBe(2256n);
    expect(m.averageBalance).toBe(75_205n); // £752.05
    expect(m.days).toBe(365);
    expect(m.explain).toContain("£500.00 × 181 days (2025-01-01 to 2025-06-30) + £1,000.00 × 184 days (2025-07-01 to 2025-12-31)");
  });

  it("stops interest on the day shares are withdrawn", () => {
    // Held 1 January to 30 September: 273 days; 1000 × 0.03 × 273/365 = 22.438…
    const run = previewInterestRun({ ...year2025, transactions: [buy("m1", 1000, "2024-01-01"), buy("m1", 1000, "2025-10-01", "withdrawal")] });
    expect(run.members[0]).toMatchObject({ interest: 2243n, days: 273 });
  });

  it("uses 366 days when the period contains 29 February, so a full leap year still earns the rate", () => {
    const run = previewInterestRun({ cls, money: GBP, from: "2024-01-01", to: "2024-12-31", transactions: [buy("m1", 1000, "2023-01-01")] });
    expect(run.daysInYear).toBe(366);
    expect(run.members[0].interest).toBe(3000n);
    expect(run.method).toContain("÷ 366 (the period contains 29 February)");
    // A year to 28 February 2025 does not contain a leap day.
    const after = previewInterestRun({ cls, money: GBP, from: "2024-03-01", to: "2025-02-28", transactions: [buy("m1", 1000, "2023-01-01")] });
    expect(after.daysInYear).toBe(365);
    expect(after.members[0].interest).toBe(3000n);
    // Half of a leap year: 1000 × 0.03 × 182/366 = 14.918… (1 Jan to 30 Jun 2024 is 182 days).
    const half = previewInterestRun({ cls, money: GBP, from: "2024-01-01", to: "2024-06-30", transactions: [buy("m1", 1000, "2023-01-01")] });
    expect(half.members[0].interest).toBe(1491n);
  });

  it("offers interest as whole shares with the rest in cash", () => {
    const dear = { ...cls, parValue: 2500n };
    const run = previewInterestRun({ ...year2025, cls: dear, transactions: [buy("m1", 1000, "2024-01-01")] });
    expect(run.members[0].asShares).toEqual({ shares: 1, cash: 500n });
    expect(run.members[0].explain).toContain("As shares: 1 share of £25.00 and £5.00 in cash.");
  });

  it("leaves out members who held nothing in the period and other share classes", () => {
    const run = previewInterestRun({
      ...year2025,
      transactions: [
        buy("gone", 100, "2023-01-01"),
        buy("gone", 100, "2024-12-31", "withdrawal"),
        buy("late", 100, "2026-01-01"),
        buy("other", 100, "2024-01-01", "purchase", "loan-stock"),
        buy("m1", 100, "2024-01-01"),
      ],
    });
    expect(run.members.map((m) => m.memberId)).toEqual(["m1"]);
  });

  it("follows reversals in the ledger", () => {
    const wrong = buy("m1", 1000, "2025-07-01");
    const fix: ShareTransaction = { ...wrong, id: "fix", kind: "reversal", reversesId: wrong.id, effectiveOn: "2025-07-01" };
    const run = previewInterestRun({ ...year2025, transactions: [buy("m1", 100, "2024-01-01"), wrong, fix] });
    expect(run.members[0].interest).toBe(300n);
  });

  it("totals the run and sorts members", () => {
    const run = previewInterestRun({
      ...year2025,
      transactions: [buy("m2", 1000, "2025-07-01"), buy("m1", 1000, "2024-01-01")],
    });
    expect(run.members.map((m) => m.memberId)).toEqual(["m1", "m2"]);
    expect(run.totalInterest).toBe(4512n);
    expect(run.totalShares).toBe(45);
    expect(run.totalCash).toBe(12n);
    expect(run.method).toBe(
      "Interest on Community Shares at 3.00% a year for 2025-01-01 to 2025-12-31 (365 days): each member's end-of-day balance × rate ÷ 365 " +
        "(no 29 February in the period), summed exactly and rounded down once per member.",
    );
  });

  it("uses a declared rate instead of the class rate", () => {
    const run = previewInterestRun({ ...year2025, rateBasisPoints: 150, transactions: [buy("m1", 1000, "2024-01-01")] });
    expect(run.members[0].interest).toBe(1500n);
    expect(run.rateBasisPoints).toBe(150);
  });

  it("refuses a period that is backwards or longer than a year, and a bad rate", () => {
    expect(() => previewInterestRun({ cls, money: GBP, from: "2025-12-31", to: "2025-01-01", transactions: [] })).toThrow(/before it starts/);
    expect(() => previewInterestRun({ cls, money: GBP, from: "2024-01-01", to: "2025-01-01", transactions: [] })).toThrow(/at most one year/);
    expect(() => previewInterestRun({ ...year2025, rateBasisPoints: 2.5, transactions: [] })).toThrow(/basis points/);
  });

  it("refuses a ledger in which the holding goes negative", () => {
    expect(() => previewInterestRun({ ...year2025, transactions: [buy("m1", 10, "2025-02-01"), buy("m1", 20, "2025-03-01", "withdrawal")] })).toThrow(
      /goes negative on 2025-03-01/,
    );
  });
});

describe("a member's explanation writes money as the organisation does (#17.3)", () => {
  const NBSP = "\u00a0";
  it("in euros in German, dollars in American English, yen with no minor unit", () => {
    const explain = (money: MoneyStyle) => previewInterestRun({ ...year2025, money, transactions: [buy("m1", 1000, "2025-07-01")] }).members[0].explain;
    expect(explain({ currency: "EUR", locale: "de-DE" })).toBe(
      `1.000,00${NBSP}€ × 184 days (2025-07-01 to 2025-12-31) = 184.000,00${NBSP}€ balance-days; × 3.00% ÷ 365 = 15,123287${NBSP}€…; ` +
        `rounded down to 15,12${NBSP}€. As shares: 15 shares of 1,00${NBSP}€ and 0,12${NBSP}€ in cash.`,
    );
    expect(explain({ currency: "USD", locale: "en-US" })).toBe(
      "$1,000.00 × 184 days (2025-07-01 to 2025-12-31) = $184,000.00 balance-days; × 3.00% ÷ 365 = $15.123287…; " +
        "rounded down to $15.12. As shares: 15 shares of $1.00 and $0.12 in cash.",
    );
    // Rounding to the nearest: the smallest amount named in the organisation's money, not "penny".
    const nearest = (money: MoneyStyle) =>
      previewInterestRun({ ...year2025, money, rounding: "half-even", transactions: [buy("m1", 1000, "2025-07-01")] }).members[0].explain;
    expect(nearest({ currency: "EUR", locale: "de-DE" })).toContain(`rounded to the nearest 0,01${NBSP}€ (halves to even) to 15,12${NBSP}€.`);
    expect(nearest({ currency: "GBP", locale: "en-GB" })).toContain("rounded to the nearest penny (halves to even) to £15.12.");
    // A yen is its own minor unit: the exact fraction still shows 4 places beyond it.
    expect(explain({ currency: "JPY", locale: "en-GB" })).toContain("= ¥1,512.3287…; rounded down to ¥1,512.");
  });
});
