/**
 * Demo data for the community wealth area: each organisation's wider area
 * (Lancashire), an anchor institution with two years of quarterly supplier
 * spend telling Preston's story (the share going to local firms rising from
 * 5% to 18.2%, to Lancashire firms from 39% to 79.2%), and an LM3 history.
 * The bank publishes its public impact page; the bakery does not.
 */
import { allocate } from "../../app/domain/money";
import type { SupplierSpendRow } from "../../app/domain/impact/procurement";
import { saveLm3Study } from "../../app/models/impact/lm3.server";
import { createAnchor, recordSpendUpload, saveImpactSettings } from "../../app/models/impact/procurement.server";
import type { SeedContext } from "./context";

const LANCASHIRE = ["PR", "BB", "FY", "LA"];

/** Local suppliers (Preston), the rest of Lancashire, and elsewhere in the UK, each with a category. */
const LOCAL = [
  ["Preston Print Co-operative", "PR1 2HE", "Printing"],
  ["Fishergate Facilities Ltd", "PR1 4AS", "Facilities management"],
  ["Ribble Catering CIC", "PR2 8DY", "Catering"],
  ["Deepdale Build Co-op", "PR1 6NL", "Construction"],
  ["Walton Care Workers' Co-op", "PR5 6BE", "Social care"],
] as const;
const COUNTY = [
  ["Blackburn Construction Ltd", "BB1 5QH", "Construction"],
  ["Lancaster Food Partnership", "LA1 4XQ", "Catering"],
  ["Fylde IT Services", "FY1 3AB", "IT services"],
  ["Chorley Waste Recycling", "PR7 1DP", "Waste"],
] as const;
const ELSEWHERE = [
  ["National Facilities Group plc", "M1 1AE", "Facilities management"],
  ["Leeds Consulting LLP", "LS1 4DY", "Consultancy"],
  ["Midlands Construction plc", "B2 4QA", "Construction"],
  ["City IT Outsourcing Ltd", "EC1A 1BB", "IT services"],
  ["Scottish Catering Contracts", "G1 1XQ", "Catering"],
] as const;

/** Quarter by quarter the local and Lancashire shares rise (percent, one decimal). */
const QUARTERS = ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"];
const LOCAL_PERCENT = ["5.0", "6.9", "8.8", "10.7", "12.6", "14.5", "16.4", "18.2"];
const COUNTY_PERCENT = ["39.0", "44.7", "50.5", "56.2", "62.0", "67.7", "73.5", "79.2"];

function tenthsOfPercent(p: string): bigint {
  return BigInt(p.replace(".", ""));
}

/** Spend lines for one quarter: exactly the given local and county shares of `total`. */
function quarterLines(period: string, total: bigint, localPct: string, countyPct: string, scale: number, startLine: number): SupplierSpendRow[] {
  const local = (total * tenthsOfPercent(localPct)) / 1000n;
  const county = (total * tenthsOfPercent(countyPct)) / 1000n;
  const rows: SupplierSpendRow[] = [];
  const add = (list: readonly (readonly [string, string, string])[], amount: bigint, weights: bigint[]) => {
    allocate(amount, weights).forEach((a, i) => {
      const [supplier, postcode, category] = list[i];
      rows.push({ line: startLine + rows.length, supplier, postcode, postcodeAsWritten: postcode, nonUk: false, amount: a, period, category });
    });
  };
  add(LOCAL, local, [5n, 3n, 4n, 6n, 2n].map((w) => w * BigInt(scale)));
  add(COUNTY, county - local, [6n, 3n, 2n, 2n]);
  add(ELSEWHERE, total - county, [7n, 2n, 6n, 4n, 3n]);
  return rows;
}

async function seedAnchor(ctx: SeedContext, organisationId: string, actor: string | null, name: string, kind: "council" | "hospital", quarterTotal: bigint) {
  const anchor = await createAnchor(ctx.db, actor, organisationId, { name, kind });
  // Two uploads, one a year, as an anchor's finance team would send them.
  for (const [file, quarters] of [["spend-2024-25.csv", QUARTERS.slice(0, 4)], ["spend-2025-26.csv", QUARTERS.slice(4)]] as const) {
    const rows: SupplierSpendRow[] = [];
    for (const q of quarters) {
      const i = QUARTERS.indexOf(q);
      rows.push(...quarterLines(q, quarterTotal, LOCAL_PERCENT[i], COUNTY_PERCENT[i], 1, rows.length + 2));
    }
    await recordSpendUpload(ctx.db, actor, organisationId, anchor.id, file, rows);
  }
  return anchor;
}

export async function seedImpact(ctx: SeedContext) {
  const { bakery, bank } = ctx;
  await saveImpactSettings(ctx.db, bakery.users.secretary ?? null, bakery.id, { widerArea: LANCASHIRE, publicPage: false, publicSummary: "" });
  await saveImpactSettings(ctx.db, bank.users.secretary ?? null, bank.id, {
    widerArea: LANCASHIRE,
    publicPage: true,
    publicSummary: "Lancashire Community Bank is owned by its members and lends to local businesses, so savings made in Preston are put to work in Preston.",
  });
  await seedAnchor(ctx, bank.id, bank.users.secretary ?? null, "Preston City Council", "council", 250_000_000n);
  await seedAnchor(ctx, bakery.id, bakery.users.secretary ?? null, "Royal Preston Hospital", "hospital", 40_000_000n);

  // LM3 history: the bakery buys more from local millers and growers each year.
  const bakeryStudies = [
    { name: "Year to March 2024", periodFrom: "2023-04-01", periodTo: "2024-03-31", income: 8_500_000n, suppliers: 2_550_000n, staff: 1_700_000n, r3: 1_190_000n },
    { name: "Year to March 2025", periodFrom: "2024-04-01", periodTo: "2025-03-31", income: 9_200_000n, suppliers: 3_220_000n, staff: 1_840_000n, r3: 1_656_000n },
    // The worked example: R1 100,000, R2 60,000, R3 24,000 -> 1.84.
    { name: "Year to March 2026", periodFrom: "2025-04-01", periodTo: "2026-03-31", income: 10_000_000n, suppliers: 4_000_000n, staff: 2_000_000n, r3: 2_400_000n },
  ];
  for (const s of bakeryStudies) {
    const r = await saveLm3Study(ctx.db, bakery.users.secretary ?? null, bakery.id, { ...s, respend: { source: "entered", amount: s.r3 } });
    if (!r.ok) throw new Error(`seed LM3 refused: ${r.reason}`);
  }
  const bankStudy = await saveLm3Study(ctx.db, bank.users.secretary ?? null, bank.id, {
    name: "Year to March 2026",
    periodFrom: "2025-04-01",
    periodTo: "2026-03-31",
    income: 42_000_000n,
    suppliers: 9_000_000n,
    staff: 12_000_000n,
    respend: {
      source: "survey",
      answers: [
        { line: 2, respondent: "Preston Print Co-operative", recipient: "supplier", amountReceived: 3_000_000n, localSpendPercent: "55" },
        { line: 3, respondent: "Fishergate Facilities Ltd", recipient: "supplier", amountReceived: 6_000_000n, localSpendPercent: "40" },
        { line: 4, respondent: "Staff survey (12 staff)", recipient: "staff", amountReceived: 12_000_000n, localSpendPercent: "62.5" },
      ],
    },
  });
  if (!bankStudy.ok) throw new Error(`seed LM3 refused: ${bankStudy.reason}`);
}
