import { join } from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeApr, expandPayments, type AprInput } from "./apr";
import { LOAN_VECTORS } from "../../../tests/fixtures/vectors/paths";

const vectors = JSON.parse(readFileSync(join(LOAN_VECTORS, "apr.json"), "utf8")) as {
  cases: { name: string; flows: AprInput; expect: { apr: string } }[];
};

describe("APR: published vectors", () => {
  it("has vectors to check", () => expect(vectors.cases.length).toBeGreaterThanOrEqual(3));
  for (const c of vectors.cases) {
    it(c.name, () => expect(computeApr(c.flows)).toEqual(c.expect));
  }
});

describe("APR: EU / UK (CONC App 1.1)", () => {
  it("one payment a year later: 1000 -> 1100 is 10.0%, on either time basis", () => {
    // 1000 = 1100 (1+X)^-1 -> X = 0.1. 2023 is not a leap year, so 365 days is exactly one year.
    const flows: AprInput = { convention: "eu", advances: [{ date: "2023-01-01", amount: "1000.00" }], payments: [{ date: "2024-01-01", amount: "1100.00" }] };
    expect(computeApr({ ...flows, timeBasis: "days" })).toEqual({ apr: "10.0" });
    expect(computeApr({ ...flows, timeBasis: "months" })).toEqual({ apr: "10.0" });
  });

  it("a nominal 1% a month compounds to 12.7% (1.01^12 - 1 = 12.68%)", () => {
    // 100 lent, 101.00 repaid one month later: (1+X)^(1/12) = 1.01, X = 1.01^12 - 1 = 0.126825 -> 12.7.
    const flows: AprInput = { convention: "eu", advances: [{ date: "2024-01-15", amount: "100.00" }], payments: [{ date: "2024-02-15", amount: "101.00" }] };
    expect(computeApr(flows)).toEqual({ apr: "12.7" });
  });

  it("defaults to whole months when every flow falls on a monthly date, else days", () => {
    const monthly: AprInput = {
      convention: "eu",
      advances: [{ date: "2012-10-10", amount: "500.00" }],
      payments: [
        { date: "2012-11-10", amount: "270.00" },
        { date: "2012-12-10", amount: "270.00" },
      ],
    };
    expect(computeApr(monthly)).toEqual({ apr: "85.6" }); // as the vector with timeBasis "months"
    // Move the last payment off the monthly date: now measured in days.
    const shifted = { ...monthly, payments: [{ date: "2012-11-10", amount: "270.00" }, { date: "2012-12-11", amount: "270.00" }] };
    expect(computeApr(shifted)).toEqual(computeApr({ ...shifted, timeBasis: "days" }));
  });

  it("a payment series gives the same answer as the payments listed out", () => {
    const series: AprInput = {
      convention: "eu",
      advances: [{ date: "2024-01-01", amount: "5000.00" }],
      payments: { count: 24, every: 1, unit: "month", first: "2024-02-01", amount: "230.00" },
    };
    const listed = { ...series, payments: expandPayments(series.payments) };
    expect(listed.payments).toHaveLength(24);
    expect(computeApr(listed)).toEqual(computeApr(series));
  });

  it("a fee taken from the advance raises the APR", () => {
    const base: AprInput = { convention: "eu", advances: [{ date: "2024-01-01", amount: "1000.00" }], payments: { count: 12, every: 1, unit: "month", first: "2024-02-01", amount: "90.00" } };
    const withFee = { ...base, advances: [{ date: "2024-01-01", amount: "950.00" }] };
    expect(Number(computeApr(withFee).apr)).toBeGreaterThan(Number(computeApr(base).apr));
  });

  it("handles several advances and a rate below zero", () => {
    const twoAdvances: AprInput = {
      convention: "eu",
      advances: [
        { date: "2024-01-01", amount: "500.00" },
        { date: "2024-07-01", amount: "500.00" },
      ],
      payments: [{ date: "2025-01-01", amount: "1100.00" }],
    };
    // Half the money is out for a year and half for six months, so the rate is well above 10%.
    expect(Number(computeApr(twoAdvances).apr)).toBeGreaterThan(13);
    expect(computeApr({ convention: "eu", advances: [{ date: "2023-01-01", amount: "1000.00" }], payments: [{ date: "2024-01-01", amount: "900.00" }] })).toEqual({ apr: "-10.0" });
  });
});

describe("APR: US Regulation Z Appendix J", () => {
  it("single advance, single payment: the unit period is the whole term", () => {
    // 1000 -> 1100 after 3 whole months: i = 10% per 3-month unit period, 4 a year -> 40.00%.
    expect(computeApr({ convention: "us-regz", advances: [{ date: "2024-01-01", amount: "1000.00" }], payments: [{ date: "2024-04-01", amount: "1100.00" }] })).toEqual({ apr: "40.00" });
    // After 101 days: i = 10% per 101-day period, 365/101 a year -> 36.1386 -> 36.14%.
    expect(computeApr({ convention: "us-regz", advances: [{ date: "2024-01-01", amount: "1000.00" }], payments: [{ date: "2024-04-11", amount: "1100.00" }] })).toEqual({ apr: "36.14" });
  });

  it("odd first period: simple interest on the odd days, 1/((1+f i)(1+i)^t)", () => {
    // Advanced 10 Jan, first of 24 payments of 230 on 1 Mar: counting back from 1 Mar gives 1 whole
    // month to 1 Feb and 22 odd days, f = 22/30. A float bisection of
    // 5000 = sum_k 230 / ((1 + 22/30 i)(1 + i)^k) gives 9.1307%, so 9.13.
    expect(
      computeApr({
        convention: "us-regz",
        advances: [{ date: "2024-01-10", amount: "5000.00" }],
        payments: { count: 24, every: 1, unit: "month", first: "2024-03-01", amount: "230.00" },
      }),
    ).toEqual({ apr: "9.13" });
  });

  it("irregular final payment raises the rate over the regular case", () => {
    const regular = computeApr(vectors.cases.find((c) => c.flows.convention === "us-regz")!.flows).apr;
    const irregular = computeApr({
      convention: "us-regz",
      advances: [{ date: "2024-01-01", amount: "5000.00" }],
      payments: { count: 24, every: 1, unit: "month", first: "2024-02-01", amount: "230.00", finalAmount: "300.00" },
    }).apr;
    expect(regular).toBe("9.69");
    expect(irregular).toBe("10.82");
  });

  it("payments on month ends are measured month end to month end", () => {
    // 31 Jan, then 29 Feb, 31 Mar, 30 Apr, 31 May: each payment is a whole number of months after
    // the advance (no odd days), so this equals the same flows on the 1st of each month.
    const monthEnds = computeApr({
      convention: "us-regz",
      advances: [{ date: "2024-01-31", amount: "1000.00" }],
      payments: ["2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"].map((date) => ({ date, amount: "260.00" })),
    });
    const firsts = computeApr({
      convention: "us-regz",
      advances: [{ date: "2024-01-01", amount: "1000.00" }],
      payments: ["2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"].map((date) => ({ date, amount: "260.00" })),
    });
    expect(monthEnds).toEqual(firsts);
  });

  it("weekly payments use a weekly unit period, 52 a year", () => {
    const weekly: AprInput = {
      convention: "us-regz",
      advances: [{ date: "2024-01-01", amount: "1000.00" }],
      payments: { count: 52, every: 1, unit: "week", first: "2024-01-08", amount: "20.00" },
    };
    expect(computeApr(weekly)).toEqual({ apr: "7.75" });
    expect(computeApr({ ...weekly, unitPeriod: "week" })).toEqual({ apr: "7.75" });
  });

  it("refuses flows that cannot have a rate", () => {
    expect(() => computeApr({ convention: "eu", advances: [], payments: [{ date: "2024-01-01", amount: "1.00" }] })).toThrow(/advances/);
    expect(() => computeApr({ convention: "eu", advances: [{ date: "2024-02-01", amount: "1.00" }], payments: [{ date: "2024-01-01", amount: "1.00" }] })).toThrow(/before the first advance/);
  });
});
