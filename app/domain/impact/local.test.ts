import { describe, expect, it } from "vitest";
import type { ShareTransaction } from "~/domain/shares/holdings";
import {
  breakdownBy,
  jobsSummary,
  lendingBreakdown,
  lendingByLeadership,
  localCapitalTrend,
  localShareOfCapital,
  localShareOfLending,
  monthlySeries,
  percentOf,
  procurementLocalShare,
  topNonLocalCategories,
  type LoanPosition,
  type SpendGroup,
  type SpendLine,
} from "./local";
import { prng } from "../../../tests/prng";

const pounds = (n: number) => BigInt(n) * 100n;
const localArea = ["PR1-PR3"];

describe("percentOf", () => {
  it("rounds half to even to 1 or 2 decimals", () => {
    expect(percentOf(1n, 3n)).toBe("33.3");
    expect(percentOf(2n, 3n, 2)).toBe("66.67");
    expect(percentOf(1n, 8n)).toBe("12.5");
    expect(percentOf(1n, 16n)).toBe("6.2"); // 6.25 -> 6.2
    expect(percentOf(3n, 16n)).toBe("18.8"); // 18.75 -> 18.8
    expect(percentOf(5n, 5n)).toBe("100.0");
    expect(percentOf(0n, 0n)).toBeNull();
  });
});

describe("localShareOfCapital", () => {
  const members = [
    { memberId: "a", postcode: "PR1 2AB" },
    { memberId: "b", postcode: "pr3 1zz" },
    { memberId: "c", postcode: "M1 1AE" },
    { memberId: "d", postcode: null },
    { memberId: "e", postcode: "not a postcode" },
  ];

  it("adds up local holdings against the total, keeping unknown postcodes visible", () => {
    const r = localShareOfCapital({
      holdings: [
        { memberId: "a", value: pounds(500) },
        { memberId: "a", value: pounds(100) }, // a second share class
        { memberId: "b", value: pounds(150) },
        { memberId: "c", value: pounds(200) },
        { memberId: "d", value: pounds(30) },
        { memberId: "e", value: pounds(20) },
        { memberId: "f", value: 0n },
      ],
      members,
      localArea,
    });
    expect(r).toEqual({
      localAmount: pounds(750),
      totalAmount: pounds(1000),
      unknownAmount: pounds(50),
      localPercent: "75.0",
      holders: 5,
      localHolders: 2,
    });
  });

  it("gives two decimals when asked and null with no capital", () => {
    const r = localShareOfCapital({ holdings: [{ memberId: "a", value: 2n }, { memberId: "c", value: 1n }], members, localArea, decimals: 2 });
    expect(r.localPercent).toBe("66.67");
    expect(localShareOfCapital({ holdings: [], members, localArea }).localPercent).toBeNull();
  });

  it("refuses a local area it cannot read", () => {
    expect(() => localShareOfCapital({ holdings: [], members, localArea: ["Preston"] })).toThrow(/Preston/);
  });
});

const loans: LoanPosition[] = [
  { loanId: "1", borrowerPostcode: "PR1 1AA", outstandingPrincipal: pounds(6000), sector: "Food", ownership: "Co-operative" },
  { loanId: "2", borrowerPostcode: "BB1 1AA", outstandingPrincipal: pounds(3000), sector: "Energy", ownership: "Community benefit society" },
  { loanId: "3", borrowerPostcode: "PR2 1AA", outstandingPrincipal: pounds(1000), sector: "Food", ownership: null },
  { loanId: "4", borrowerPostcode: "PR2 1AA", outstandingPrincipal: 0n, sector: "Retail", ownership: "Co-operative" },
];

describe("lending", () => {
  it("measures outstanding principal lent to local borrowers, ignoring repaid loans", () => {
    expect(localShareOfLending({ loans, localArea })).toEqual({
      localAmount: pounds(7000),
      totalAmount: pounds(10_000),
      unknownAmount: 0n,
      localPercent: "70.0",
      holders: 3,
      localHolders: 2,
    });
  });

  it("breaks lending down by sector and by ownership, largest first", () => {
    expect(lendingBreakdown(loans, "sector")).toEqual([
      { key: "Food", amount: pounds(7000), count: 2, percent: "70.0" },
      { key: "Energy", amount: pounds(3000), count: 1, percent: "30.0" },
    ]);
    expect(lendingBreakdown(loans, "ownership").map((l) => l.key)).toEqual(["Co-operative", "Community benefit society", "Not recorded"]);
  });

  it("breaks ties by name", () => {
    const lines = breakdownBy(["b", "a", "c"], (x) => x, () => 1n);
    expect(lines.map((l) => l.key)).toEqual(["a", "b", "c"]);
    expect(lines[0].percent).toBe("33.3");
  });
});

const spend: SpendLine[] = [
  { supplier: "Local Veg", postcode: "PR1 5XY", amount: pounds(4000), period: "2026-01", category: "Food" },
  { supplier: "County Dairy", postcode: "LA1 1AA", amount: pounds(2000), period: "2026-01", category: "Food" },
  { supplier: "Big Energy", postcode: "EC1A 1BB", amount: pounds(3000), period: "2026-01", category: "Energy" },
  { supplier: "Print Shop", postcode: "PR2 2AA", amount: pounds(1000), period: "2026-02", category: "Printing" },
  { supplier: "Web Host", postcode: null, amount: pounds(500), period: "2026-02", category: null },
  { supplier: "Insurer", postcode: "M1 1AE", amount: pounds(3000), period: "2026-02", category: "Insurance" },
];

describe("procurementLocalShare", () => {
  it("gives local and wider-area shares by period and overall", () => {
    const r = procurementLocalShare({ spend, localArea, widerArea: ["LA", "BB"] });
    expect(r.byPeriod).toEqual([
      { period: "2026-01", total: pounds(9000), local: pounds(4000), wider: pounds(6000), localPercent: "44.4", widerPercent: "66.7" },
      { period: "2026-02", total: pounds(4500), local: pounds(1000), wider: pounds(1000), localPercent: "22.2", widerPercent: "22.2" },
    ]);
    expect(r.overall).toEqual({
      total: pounds(13_500),
      local: pounds(5000),
      wider: pounds(7000),
      localPercent: "37.0",
      widerPercent: "51.9",
    });
  });
});

describe("topNonLocalCategories", () => {
  it("lists where non-local spend goes, largest first", () => {
    expect(topNonLocalCategories({ spend, localArea })).toEqual([
      { key: "Energy", amount: pounds(3000), count: 1, percent: "35.3" },
      { key: "Insurance", amount: pounds(3000), count: 1, percent: "35.3" },
      { key: "Food", amount: pounds(2000), count: 1, percent: "23.5" },
      { key: "Uncategorised", amount: pounds(500), count: 1, percent: "5.9" },
    ]);
    expect(topNonLocalCategories({ spend, localArea, limit: 2 }).map((l) => l.key)).toEqual(["Energy", "Insurance"]);
  });
});

describe("spend added up by postcode, period and category", () => {
  it("gives the same shares and categories as the lines one by one", () => {
    const random = prng(16);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const lines: SpendLine[] = Array.from({ length: 2_000 }, (_, i) => ({
      supplier: `Supplier ${i}`,
      postcode: pick(["PR1 5XY", "PR2 2AA", "LA1 1AA", "BB2 1AA", "EC1A 1BB", "M1 1AE", null]),
      amount: BigInt(Math.floor(random() * 5_000_000)),
      period: pick(["2026-01", "2026-02", "2026-Q2"]),
      category: pick(["Food", " Food ", "Energy", "Printing", null, "", "Insurance"]),
    }));
    const groups = new Map<string, SpendGroup & { lines: number }>();
    for (const l of lines) {
      const key = JSON.stringify([l.postcode, l.period, l.category]);
      const g = groups.get(key) ?? { postcode: l.postcode, period: l.period, category: l.category, amount: 0n, lines: 0 };
      g.amount += l.amount;
      g.lines += 1;
      groups.set(key, g);
    }
    const grouped = [...groups.values()];
    expect(grouped.length).toBeLessThan(lines.length / 10);
    for (const widerArea of [["LA", "BB"], []]) {
      expect(procurementLocalShare({ spend: grouped, localArea, widerArea })).toEqual(procurementLocalShare({ spend: lines, localArea, widerArea }));
    }
    const byLine = topNonLocalCategories({ spend: lines, localArea });
    expect(topNonLocalCategories({ spend: grouped, localArea })).toEqual(byLine);
    // The counts are of lines, not of groups.
    expect(byLine.reduce((n, l) => n + l.count, 0)).toBe(lines.filter((l) => !(l.postcode?.startsWith("PR1") || l.postcode?.startsWith("PR2"))).length);
  });
});

describe("jobsSummary", () => {
  it("totals jobs created and safeguarded, by sector and ownership", () => {
    const r = jobsSummary([
      { created: 3, safeguarded: 2, sector: "Food", ownership: "Co-operative" },
      { created: 1, safeguarded: 0, sector: "Energy", ownership: "Co-operative" },
      { created: 0, safeguarded: 5, sector: "Food", ownership: "Sole trader" },
      { created: 2, safeguarded: 0, sector: null },
    ]);
    expect(r.created).toBe(6);
    expect(r.safeguarded).toBe(7);
    expect(r.total).toBe(13);
    expect(r.bySector).toEqual([
      { key: "Food", created: 3, safeguarded: 7, total: 10 },
      { key: "Not recorded", created: 2, safeguarded: 0, total: 2 },
      { key: "Energy", created: 1, safeguarded: 0, total: 1 },
    ]);
    expect(r.byOwnership).toEqual([
      { key: "Co-operative", created: 4, safeguarded: 2, total: 6 },
      { key: "Sole trader", created: 0, safeguarded: 5, total: 5 },
      { key: "Not recorded", created: 2, safeguarded: 0, total: 2 },
    ]);
  });

  it("refuses fractional or negative job counts", () => {
    expect(() => jobsSummary([{ created: 1.5, safeguarded: 0 }])).toThrow(RangeError);
    expect(() => jobsSummary([{ created: 1, safeguarded: -1 }])).toThrow(RangeError);
  });
});

describe("monthly trends", () => {
  it("asks for a value at each finished month end, oldest first", () => {
    expect(monthlySeries("2026-03-15", 3, (d) => d.slice(5, 7))).toEqual([
      { monthEnd: "2025-12-31", value: "12" },
      { monthEnd: "2026-01-31", value: "01" },
      { monthEnd: "2026-02-28", value: "02" },
    ]);
  });

  it("tracks the local share of capital at month ends from the ledger", () => {
    const members = [
      { memberId: "a", postcode: "PR1 2AB" },
      { memberId: "b", postcode: "M1 1AE" },
    ];
    const t = (id: string, memberId: string, kind: ShareTransaction["kind"], pounds_: number, effectiveOn: string, classId = "community"): ShareTransaction => ({
      id,
      memberId,
      classId,
      kind,
      shares: pounds_,
      amount: pounds(pounds_),
      effectiveOn,
    });
    const transactions = [
      t("1", "a", "purchase", 100, "2025-11-15"),
      t("2", "b", "purchase", 300, "2025-12-31"),
      t("3", "a", "purchase", 200, "2026-01-01"),
      t("4", "b", "withdrawal", 300, "2026-02-10"),
      t("5", "b", "purchase", 999, "2026-01-05", "loan-stock"),
    ];
    const points = localCapitalTrend({ transactions, members, localArea, asAt: "2026-03-10", months: 4, classId: "community" });
    expect(points.map((p) => [p.monthEnd, p.localAmount, p.totalAmount, p.localPercent])).toEqual([
      ["2025-11-30", pounds(100), pounds(100), "100.0"],
      ["2025-12-31", pounds(100), pounds(400), "25.0"],
      ["2026-01-31", pounds(300), pounds(600), "50.0"],
      ["2026-02-28", pounds(300), pounds(300), "100.0"],
    ]);
    const allClasses = localCapitalTrend({ transactions, members, localArea, asAt: "2026-01-31", months: 1 });
    expect(allClasses[0]).toMatchObject({ totalAmount: pounds(1599), localPercent: "18.8" });
  });

  it("shows an empty month as null percent", () => {
    const points = localCapitalTrend({ transactions: [], members: [], localArea, asAt: "2026-01-31", months: 2 });
    expect(points.map((p) => p.localPercent)).toEqual([null, null]);
  });
});

describe("lendingByLeadership", () => {
  const book: LoanPosition[] = [
    { loanId: "1", borrowerPostcode: null, outstandingPrincipal: pounds(6000), leadership: ["women-led"] },
    { loanId: "2", borrowerPostcode: null, outstandingPrincipal: pounds(3000), leadership: ["women-led", "minority-ethnic-led"] },
    { loanId: "3", borrowerPostcode: null, outstandingPrincipal: pounds(1000), leadership: ["worker-owned"] },
    { loanId: "4", borrowerPostcode: null, outstandingPrincipal: 0n, leadership: ["minority-ethnic-led"] },
    { loanId: "5", borrowerPostcode: null, outstandingPrincipal: pounds(2000) },
  ];

  it("counts loans and principal to each group, a business led by both in both, against all lending", () => {
    const r = lendingByLeadership(book);
    expect(r.total).toBe(pounds(12000));
    // Women-led 9,000 of 12,000 = 75%; minority-ethnic-led 3,000 = 25% (loan 4 is repaid and counts for nothing).
    expect(r.lines.map((l) => [l.group, l.loans, l.amount, l.percent])).toEqual([
      ["women-led", 2, pounds(9000), "75.0"],
      ["minority-ethnic-led", 1, pounds(3000), "25.0"],
    ]);
  });

  it("has no percentage when nothing is lent", () => {
    expect(lendingByLeadership([]).lines.map((l) => [l.loans, l.amount, l.percent])).toEqual([[0, 0n, null], [0, 0n, null]]);
  });
});
