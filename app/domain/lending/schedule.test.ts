import { join } from "node:path";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMinor, parseMoney } from "../money";
import { generateSchedule, generateSchedules, reschedule, scheduleToJson, type LoanTerms } from "./schedule";
import { LOAN_VECTORS } from "../../../tests/fixtures/vectors/paths";

interface ScheduleCase {
  name: string;
  terms: LoanTerms;
  expect: {
    installments: Record<string, { principal: string; interest: string; total: string }>;
    totalInterest: string;
  };
}
const vectors = JSON.parse(readFileSync(join(LOAN_VECTORS, "schedules.json"), "utf8")) as { cases: ScheduleCase[] };

const base: LoanTerms = {
  principal: "5000.00",
  annualRate: "12",
  termPeriods: 18,
  every: 1,
  unit: "month",
  amortization: "equal-installments",
  interest: "declining",
  daysInYear: "360",
  daysInMonth: "30",
  installmentMultiple: "1",
  rounding: "half-even",
};

function rows(terms: LoanTerms) {
  return scheduleToJson(generateSchedule(terms)).installments.map(({ principal, interest, total, balance }) => [principal, interest, total, balance]);
}

describe("schedule: Fineract vectors", () => {
  it("has vectors to check", () => expect(vectors.cases.length).toBeGreaterThanOrEqual(3));

  for (const c of vectors.cases) {
    it(c.name, () => {
      const s = scheduleToJson(generateSchedule(c.terms));
      expect(s.installments).toHaveLength(c.terms.termPeriods);
      for (const [n, want] of Object.entries(c.expect.installments)) {
        const got = s.installments[Number(n) - 1];
        expect({ n: got.n, principal: got.principal, interest: got.interest, total: got.total }).toEqual({ n: Number(n), ...want });
      }
      expect(s.totalInterest).toBe(c.expect.totalInterest);
      // Remainder in the last installment: principal adds up to the loan, balance ends at zero.
      const paid = s.installments.reduce((sum, i) => sum + parseMoney(i.principal), 0n);
      expect(formatMinor(paid)).toBe(c.terms.principal);
      expect(s.installments.at(-1)!.balance).toBe("0.00");
    });
  }
});

describe("schedule: other rules", () => {
  it("defaults disbursement to a fixed date and the first due date to one period later", () => {
    const s = generateSchedule(base);
    expect(s.disbursed).toBe("2024-01-01");
    expect(s.installments[0].due).toBe("2024-02-01");
    expect(s.installments[17].due).toBe("2025-07-01");
  });

  it("keeps due dates on the anchor day after short months (31st -> 29 Feb -> 31 Mar)", () => {
    const s = generateSchedule({ ...base, termPeriods: 3, disbursed: "2023-12-31" });
    expect(s.installments.map((i) => i.due)).toEqual(["2024-01-31", "2024-02-29", "2024-03-31"]);
  });

  it("flat interest: 1200 at 12% flat over 12 months", () => {
    // Total interest 1200 x 12% x 1 year = 144.00, i.e. 12.00 a month; principal 100.00 a month.
    const s = rows({ ...base, principal: "1200.00", termPeriods: 12, interest: "flat", installmentMultiple: "0.01" });
    expect(s).toHaveLength(12);
    expect(s[0]).toEqual(["100.00", "12.00", "112.00", "1100.00"]);
    expect(s[11]).toEqual(["100.00", "12.00", "112.00", "0.00"]);
    expect(generateSchedule({ ...base, principal: "1200.00", termPeriods: 12, interest: "flat" }).totalInterest).toBe(14400n);
  });

  it("flat interest with an uneven split puts the remainder in the last installment", () => {
    // 1000 at 10% flat for 3 months = 25.00 interest: 8.33, 8.33, 8.34; principal 333.33, 333.33, 333.34.
    const s = rows({ ...base, principal: "1000.00", annualRate: "10", termPeriods: 3, interest: "flat", amortization: "equal-principal", installmentMultiple: "0.01" });
    expect(s).toEqual([
      ["333.33", "8.33", "341.66", "666.67"],
      ["333.33", "8.33", "341.66", "333.34"],
      ["333.34", "8.34", "341.68", "0.00"],
    ]);
  });

  it("grace on principal: interest only first, then the annuity over the remaining periods", () => {
    // 1000 at 1% a month; EMI over 3 periods = 1000 x 0.01 / (1 - 1.01^-3) = 340.022 -> 340.02.
    // P2: 10.00 interest, 330.02 principal -> 669.98; P3: 6.6998 -> 6.70, 333.32 -> 336.66;
    // P4: 3.3666 -> 3.37, last takes the 336.66 left.
    const s = rows({ ...base, principal: "1000.00", termPeriods: 4, graceOnPrincipal: 1, installmentMultiple: "0.01" });
    expect(s).toEqual([
      ["0.00", "10.00", "10.00", "1000.00"],
      ["330.02", "10.00", "340.02", "669.98"],
      ["333.32", "6.70", "340.02", "336.66"],
      ["336.66", "3.37", "340.03", "0.00"],
    ]);
  });

  it("grace on interest: interest accrues and is collected with the first installment after the grace", () => {
    // Same loan over 3 periods (EMI 340.02). P1's 10.00 is deferred: the borrower pays 330.02
    // principal only; P2 collects 6.70 + 10.00. The balance path and total interest are unchanged.
    const terms: LoanTerms = { ...base, principal: "1000.00", termPeriods: 3, graceOnInterest: 1, installmentMultiple: "0.01" };
    expect(rows(terms)).toEqual([
      ["330.02", "0.00", "330.02", "669.98"],
      ["333.32", "16.70", "350.02", "336.66"],
      ["336.66", "3.37", "340.03", "0.00"],
    ]);
    expect(generateSchedule(terms).totalInterest).toBe(generateSchedule({ ...terms, graceOnInterest: 0 }).totalInterest);
  });

  it("weekly, actual days over 365: interest = balance x rate x 7/365", () => {
    // 1000 at 10%, 4 weeks, equal principal 250: 1000 x .1 x 7/365 = 1.9178 -> 1.92; 750 -> 1.4384 -> 1.44;
    // 500 -> 0.9589 -> 0.96; 250 -> 0.4795 -> 0.48. Total 4.80.
    const terms: LoanTerms = { ...base, principal: "1000.00", annualRate: "10", termPeriods: 4, unit: "week", amortization: "equal-principal", daysInYear: "365", daysInMonth: "actual", installmentMultiple: "0.01" };
    expect(rows(terms).map((r) => r[1])).toEqual(["1.92", "1.44", "0.96", "0.48"]);
    expect(rows(terms).map((r) => r[0])).toEqual(["250.00", "250.00", "250.00", "250.00"]);
  });

  it("actual/actual splits a period across the year end", () => {
    // 15 Dec 2023 -> 15 Jan 2024: 17 days of 2023 /365 + 14 days of 2024 /366.
    // 1000 x 12% x (17/365 + 14/366) = 120 x 0.0848267 = 10.1792 -> 10.18.
    const s = rows({ ...base, principal: "1000.00", termPeriods: 1, daysInYear: "actual", daysInMonth: "actual", disbursed: "2023-12-15", installmentMultiple: "0.01" });
    expect(s).toEqual([["1000.00", "10.18", "1010.18", "0.00"]]);
  });

  it("actual days in the month over 365: each month charges its own number of days", () => {
    // 1000 at 12%, disbursed 1 Feb 2023: Feb has 28 days -> 1000 x .12 x 28/365 = 9.2055 -> 9.21.
    const s = rows({ ...base, principal: "1000.00", termPeriods: 2, daysInYear: "365", daysInMonth: "actual", disbursed: "2023-02-01", installmentMultiple: "0.01" });
    expect(s[0][1]).toBe("9.21");
  });

  it("a broken first period is charged pro rata (30/360)", () => {
    // Disbursed 1 Jan, first due 16 Feb: 1 month + 15 days = 45/360 of a year; 1000 x 12% x 45/360 = 15.00.
    const s = rows({ ...base, principal: "1000.00", termPeriods: 1, disbursed: "2024-01-01", firstDue: "2024-02-16", installmentMultiple: "0.01" });
    expect(s).toEqual([["1000.00", "15.00", "1015.00", "0.00"]]);
  });

  it("zero rate: principal split evenly, no interest", () => {
    const s = rows({ ...base, principal: "100.00", annualRate: "0", termPeriods: 3, installmentMultiple: "0.01" });
    expect(s).toEqual([
      ["33.33", "0.00", "33.33", "66.67"],
      ["33.33", "0.00", "33.33", "33.34"],
      ["33.34", "0.00", "33.34", "0.00"],
    ]);
  });

  it("refuses impossible terms with the field named", () => {
    expect(() => generateSchedule({ ...base, principal: "0.00" })).toThrow(/principal/);
    expect(() => generateSchedule({ ...base, termPeriods: 0 })).toThrow(/termPeriods/);
    expect(() => generateSchedule({ ...base, graceOnPrincipal: 18 })).toThrow(/graceOnPrincipal/);
    expect(() => generateSchedule({ ...base, disbursed: "2024-03-01", firstDue: "2024-02-01" })).toThrow(/firstDue/);
    expect(() => generateSchedule({ ...base, disbursed: "2023-02-30" })).toThrow(/calendar date/);
  });

  it("property: principal always adds up to the loan, balances fall to zero, totals agree", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 5_000_000 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom<LoanTerms["unit"]>("day", "week", "month", "year"),
        fc.constantFrom<LoanTerms["amortization"]>("equal-installments", "equal-principal"),
        fc.constantFrom<LoanTerms["interest"]>("declining", "flat"),
        fc.constantFrom<LoanTerms["daysInYear"]>("360", "365", "actual"),
        fc.constantFrom<LoanTerms["daysInMonth"]>("30", "actual"),
        fc.constantFrom("0.01", "1.00", "5.00"),
        (pence, bp, n, unit, amortization, interest, daysInYear, daysInMonth, multiple) => {
          const terms: LoanTerms = {
            ...base,
            principal: formatMinor(BigInt(pence)),
            annualRate: formatMinor(BigInt(bp)),
            termPeriods: n,
            unit,
            amortization,
            interest,
            daysInYear,
            daysInMonth,
            installmentMultiple: multiple,
          };
          const s = generateSchedule(terms);
          let balance = BigInt(pence);
          let interestSum = 0n;
          for (const i of s.installments) {
            expect(i.principal >= 0n && i.interest >= 0n).toBe(true);
            expect(i.total).toBe(i.principal + i.interest);
            balance -= i.principal;
            expect(i.balance).toBe(balance);
            interestSum += i.interest;
          }
          expect(balance).toBe(0n);
          expect(s.installments.length).toBeLessThanOrEqual(n);
          expect(s.totalInterest).toBe(interestSum);
          expect(s.totalRepayment).toBe(BigInt(pence) + interestSum);
        },
      ),
      { numRuns: 300, seed: 20240601 },
    );
  });
});

describe("reschedule after a prepayment", () => {
  // Vector 1 after installment 6 (balance 3431.23) with a 1000.00 prepayment: 2431.23 left, 12 periods.
  const remaining = { ...base, termPeriods: 12, disbursed: "2024-07-01", firstDue: "2024-08-01" };

  it("lower installment: same 12 periods, installment recomputed on the reduced principal", () => {
    // 2431.23 x 0.01 / (1 - 1.01^-12) = 24.3123 / 0.112551 = 216.01 -> 216 (multiples of 1).
    const s = reschedule(243123n, remaining, "lower-installment");
    expect(s.installments).toHaveLength(12);
    expect(s.installments[0]).toMatchObject({ due: "2024-08-01", interest: 2431n, principal: 19169n, total: 21600n });
    expect(s.installments.reduce((a, i) => a + i.principal, 0n)).toBe(243123n);
  });

  it("shorter term: keep paying 305.00, so the loan ends sooner with a smaller last installment", () => {
    // 2431.23 = 305 x a(n, 1%): a(8) = 7.65 < 7.97 < a(9) = 8.57, so 9 installments, the 9th smaller.
    const s = reschedule(243123n, { ...remaining, currentInstallment: "305.00" }, "shorter-term");
    expect(s.installments).toHaveLength(9);
    expect(s.installments.slice(0, 8).every((i) => i.total === 30500n)).toBe(true);
    expect(s.installments[8].total < 30500n).toBe(true);
    expect(s.installments[8].balance).toBe(0n);
    expect(s.installments.reduce((a, i) => a + i.principal, 0n)).toBe(243123n);
  });

  it("shorter term with equal principal keeps the principal part", () => {
    const s = reschedule(100000n, { ...remaining, amortization: "equal-principal", currentInstallment: "300.00" }, "shorter-term");
    expect(s.installments.map((i) => formatMinor(i.principal))).toEqual(["300.00", "300.00", "300.00", "100.00"]);
  });

  it("shorter term with flat interest picks the shortest term whose installment fits", () => {
    // 1000 at 12% flat: over 4 months 250 + 10 = 260.00, over 3 months 333.33 + 10 = 343.33.
    const s = reschedule(100000n, { ...remaining, interest: "flat", installmentMultiple: "0.01", currentInstallment: "300.00" }, "shorter-term");
    expect(s.installments).toHaveLength(4);
    expect(s.installments[0].total).toBe(26000n);
  });

  it("shorter term needs the installment being paid", () => {
    expect(() => reschedule(100000n, remaining, "shorter-term")).toThrow(/currentInstallment/);
  });
});

describe("schedule speed", () => {
  it("generates 10,000 schedules of 36 monthly installments in well under a second", () => {
    const batch: LoanTerms[] = [];
    for (let i = 0; i < 10_000; i++) {
      batch.push({
        ...base,
        principal: formatMinor(BigInt(100_000 + ((i * 7919) % 2_000_000))),
        annualRate: formatMinor(BigInt(300 + (i % 2500))),
        termPeriods: 36,
        amortization: i % 2 === 0 ? "equal-installments" : "equal-principal",
        installmentMultiple: "0.01",
      });
    }
    generateSchedules(batch.slice(0, 200)); // warm up the JIT so the figure is the steady state
    const started = performance.now();
    const out = generateSchedules(batch);
    const ms = performance.now() - started;
    console.log(`10,000 schedules x 36 installments: ${ms.toFixed(0)} ms`);
    expect(out).toHaveLength(10_000);
    expect(out.every((s) => s.installments.length === 36)).toBe(true);
    expect(ms).toBeLessThan(3000);
  });
});
