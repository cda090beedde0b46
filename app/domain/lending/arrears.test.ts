import { describe, expect, it } from "vitest";
import { bucketOf, daysPastDue, portfolioArrears, ratioString, toColumns, type InstallmentDue, type LoanArrearsInput, type PortfolioColumns } from "./arrears";
import { mulberry32 } from "../voting/stv/common";
import { fromDay, toDay } from "../calendar";

const inst = (due: string, amountDue: bigint, amountPaid: bigint): InstallmentDue => ({ due, amountDue, amountPaid });

describe("days past due", () => {
  it("counts from the oldest installment not fully paid", () => {
    const schedule = [inst("2024-03-01", 10000n, 10000n), inst("2024-04-01", 10000n, 9999n), inst("2024-05-01", 10000n, 0n)];
    // 1 Apr is the oldest short (by a penny): 1 Apr -> 10 May = 30 + 9 = 39 days.
    expect(daysPastDue(schedule, "2024-05-10")).toBe(39);
  });

  it("an installment due today is not late; due yesterday is 1 day late", () => {
    const schedule = [inst("2024-05-01", 10000n, 0n)];
    expect(daysPastDue(schedule, "2024-05-01")).toBe(0);
    expect(daysPastDue(schedule, "2024-05-02")).toBe(1);
    expect(daysPastDue(schedule, "2024-04-01")).toBe(0);
  });

  it("fully paid (or overpaid) loans are current whatever the date", () => {
    expect(daysPastDue([inst("2024-01-01", 100n, 100n), inst("2024-02-01", 100n, 150n)], "2025-01-01")).toBe(0);
  });

  it("does not rely on the installments being sorted", () => {
    expect(daysPastDue([inst("2024-05-01", 1n, 0n), inst("2024-03-01", 1n, 0n)], "2024-03-11")).toBe(10);
  });

  it("buckets: current, 1-30, 31-60, 61-90, 90+ (more than 90)", () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91, 400].map(bucketOf)).toEqual(["current", "1-30", "1-30", "31-60", "31-60", "61-90", "61-90", "90+", "90+"]);
  });
});

describe("portfolio at risk", () => {
  it("five loans computed by hand", () => {
    // As at 30 June 2024:
    //   A  due 30 Jun unpaid (due today)           DPD   0  current   1000.00
    //   B  due 31 May part-paid, 30 Jun unpaid     DPD  30  1-30      2000.00
    //   C  due 15 May unpaid: 16 + 30              DPD  46  31-60     3000.00
    //   D  due  1 Apr unpaid: 29 + 31 + 30         DPD  90  61-90     1500.00
    //   E  due  1 Mar unpaid: 30 + 30 + 31 + 30    DPD 121  90+        500.00
    // Total outstanding 8000.00.
    // PAR30 = (C + D + E) / total = 5000 / 8000 = 0.6250 (6250 bp): B at exactly 30 days is not "more than 30".
    // PAR60 = (D + E) / total     = 2000 / 8000 = 0.2500 (2500 bp)
    // PAR90 = E / total           =  500 / 8000 = 0.0625 ( 625 bp): D at exactly 90 days is not "more than 90".
    const loans: LoanArrearsInput[] = [
      { outstandingPrincipal: 100000n, installments: [inst("2024-04-30", 5000n, 5000n), inst("2024-05-31", 5000n, 5000n), inst("2024-06-30", 5000n, 0n)] },
      { outstandingPrincipal: 200000n, installments: [inst("2024-05-31", 5000n, 2500n), inst("2024-06-30", 5000n, 0n)] },
      { outstandingPrincipal: 300000n, installments: [inst("2024-04-15", 5000n, 5000n), inst("2024-05-15", 5000n, 0n), inst("2024-06-15", 5000n, 0n)] },
      { outstandingPrincipal: 150000n, installments: [inst("2024-04-01", 5000n, 0n), inst("2024-05-01", 5000n, 0n), inst("2024-06-01", 5000n, 0n)] },
      { outstandingPrincipal: 50000n, installments: [inst("2024-03-01", 5000n, 0n)] },
    ];
    const r = portfolioArrears(toColumns(loans), "2024-06-30");
    expect(Array.from(r.dpd)).toEqual([0, 30, 46, 90, 121]);
    expect(r.totalOutstanding).toBe(800000n);
    expect(r.buckets).toEqual({
      current: { loans: 1, principal: 100000n },
      "1-30": { loans: 1, principal: 200000n },
      "31-60": { loans: 1, principal: 300000n },
      "61-90": { loans: 1, principal: 150000n },
      "90+": { loans: 1, principal: 50000n },
    });
    expect(r.par30).toEqual({ atRisk: 500000n, basisPoints: 6250n, ratio: "0.6250" });
    expect(r.par60).toEqual({ atRisk: 200000n, basisPoints: 2500n, ratio: "0.2500" });
    expect(r.par90).toEqual({ atRisk: 50000n, basisPoints: 625n, ratio: "0.0625" });
    // Explicit rounding: PAR30 = 0.625 is a tie at two places: half-even gives 0.62, half-up 0.63.
    expect(portfolioArrears(toColumns(loans), "2024-06-30", { places: 2 }).par30.ratio).toBe("0.62");
    expect(portfolioArrears(toColumns(loans), "2024-06-30", { places: 2, rounding: "half-up" }).par30.ratio).toBe("0.63");
  });

  it("ratio strings round explicitly and an empty portfolio is zero", () => {
    expect(ratioString(1n, 3n)).toBe("0.3333");
    expect(ratioString(2n, 3n)).toBe("0.6667");
    expect(ratioString(1n, 8n, 2)).toBe("0.12");
    expect(ratioString(1n, 8n, 2, "half-up")).toBe("0.13");
    expect(ratioString(5n, 0n)).toBe("0.0000");
    const empty = portfolioArrears({ offsets: new Int32Array([0]), dueDay: new Int32Array(0), amountDue: new BigInt64Array(0), amountPaid: new BigInt64Array(0), outstandingPrincipal: new BigInt64Array(0) }, "2024-01-01");
    expect(empty.par30).toEqual({ atRisk: 0n, basisPoints: 0n, ratio: "0.0000" });
  });
});

// mulberry32 (a small seeded PRNG) keeps the big portfolio the same on every run.

describe("portfolio speed", () => {
  it("ages 100,000 loans with 12 installments each well inside the 2 s target", () => {
    const random = mulberry32(42);
    const loans = 100_000;
    const per = 12;
    const rows = loans * per;
    const asAt = toDay("2024-06-30");
    const cols: PortfolioColumns = {
      offsets: new Int32Array(loans + 1),
      dueDay: new Int32Array(rows),
      amountDue: new BigInt64Array(rows),
      amountPaid: new BigInt64Array(rows),
      outstandingPrincipal: new BigInt64Array(loans),
    };
    for (let i = 0; i < loans; i++) {
      cols.offsets[i] = i * per;
      const start = asAt - 200 + Math.floor(random() * 150); // first due 50-200 days ago
      const missedFrom = random() < 0.7 ? per : Math.floor(random() * per); // 30% miss from some installment on
      const due = BigInt(5_000 + Math.floor(random() * 50_000));
      for (let k = 0; k < per; k++) {
        const j = i * per + k;
        cols.dueDay[j] = start + 30 * k;
        cols.amountDue[j] = due;
        cols.amountPaid[j] = k < missedFrom ? due : 0n;
      }
      cols.outstandingPrincipal[i] = due * BigInt(per - Math.min(missedFrom, per - 1));
    }
    cols.offsets[loans] = rows;

    const started = performance.now();
    const r = portfolioArrears(cols, "2024-06-30");
    const ms = performance.now() - started;
    console.log(`arrears + PAR over 100,000 loans (1,200,000 installments): ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(4000);

    // The columns agree with the one-loan function on a sample, and the buckets add up.
    for (let i = 0; i < loans; i += 997) {
      const installments: InstallmentDue[] = [];
      for (let j = cols.offsets[i]; j < cols.offsets[i + 1]; j++) installments.push(inst(fromDay(cols.dueDay[j]), cols.amountDue[j], cols.amountPaid[j]));
      expect(r.dpd[i]).toBe(daysPastDue(installments, "2024-06-30"));
    }
    const counted = Object.values(r.buckets).reduce((s, b) => s + b.loans, 0);
    expect(counted).toBe(loans);
    expect(r.par30.atRisk >= r.par60.atRisk && r.par60.atRisk >= r.par90.atRisk).toBe(true);
    expect(r.par30.atRisk).toBeGreaterThan(0n);
  });
});
