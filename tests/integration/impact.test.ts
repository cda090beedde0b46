/**
 * Community wealth figures against hand-computed fixtures, through the
 * models and the database (both PGlite and the real server).
 */
import { Refusal } from "~/domain/refusal";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSupplierSpendCsv } from "~/domain/impact/csv";
import { annualFigures, impactDashboard, impactHeadlines, publicOrganisation } from "~/models/impact/impact-figures.server";
import { memberImpactStatement } from "~/models/impact/impact-statements.server";
import { calculateLm3, listLm3Studies, saveLm3Study } from "~/models/impact/lm3.server";
import { createAnchor, getImpactSettings, procurementReport, recordSpendUpload, saveImpactSettings, withdrawUpload } from "~/models/impact/procurement.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan } from "../fixtures/lending";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

/*
 * Preston's story in one file: in 2025 5% of the council's spend went to
 * Preston suppliers and 39% to Lancashire ones; in 2026 18.2% and 79.2%.
 * Each period's spend is £100,000.00.
 *   2025-Q1: PR1 £5,000 | BB1 (Lancashire) £34,000 | M1 £61,000 (Facilities £40,000, Catering £21,000)
 *   2026-Q1: PR1 £18,200 | LA1 £61,000 | M1 £20,800 (Facilities)
 */
const PRESTON_CSV = [
  "supplier,postcode,amount,period,category",
  "Preston Print,PR1 2AB,5000.00,2025-Q1,Printing",
  "Blackburn Build,BB1 1AA,34000.00,2025-Q1,Construction",
  "Northern Facilities,M1 1AE,40000.00,2025-Q1,Facilities",
  "City Catering,M1 1AE,21000.00,2025-Q1,Catering",
  "Preston Print,PR1 2AB,18200.00,2026-Q1,Printing",
  "Lancaster Foods,LA1 1AA,61000.00,2026-Q1,Catering",
  "Northern Facilities,M1 1AE,20800.00,2026-Q1,Facilities",
].join("\n");

describe("anchor procurement", () => {
  it("reports local and wider-area share by period and the largest non-local categories", async () => {
    const org = await makeOrganisation(db, { localArea: ["PR1-PR5"] });
    const user = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
    await saveImpactSettings(db, user.id, org.id, { widerArea: ["PR", "BB", "FY", "LA"], publicPage: false, publicSummary: "" });
    const anchor = await createAnchor(db, user.id, org.id, { name: "Preston City Council", kind: "council" });
    const checked = parseSupplierSpendCsv(PRESTON_CSV);
    expect(checked.ok).toBe(true);
    const upload = await db.transaction().execute((trx) => recordSpendUpload(trx, user.id, org.id, anchor.id, "spend.csv", checked.rows));
    expect(upload).toMatchObject({ lines: 7, total: 20_000_000n });

    const settings = await getImpactSettings(db, org.id);
    const report = await procurementReport(db, org.id, anchor.id, ["PR1-PR5"], settings.widerArea);
    expect(report.byPeriod.map((p) => [p.period, p.total, p.local, p.localPercent, p.wider, p.widerPercent])).toEqual([
      ["2025-Q1", 10_000_000n, 500_000n, "5.0", 3_900_000n, "39.0"],
      ["2026-Q1", 10_000_000n, 1_820_000n, "18.2", 7_920_000n, "79.2"],
    ]);
    // Overall: local 23,200 of 200,000 = 11.6%; wider 118,200 of 200,000 = 59.1%.
    expect(report.overall).toMatchObject({ total: 20_000_000n, local: 2_320_000n, localPercent: "11.6", wider: 11_820_000n, widerPercent: "59.1" });
    // Non-local: Facilities 60,800; Catering 82,000; Construction 34,000 -> of 176,800.
    expect(report.opportunities.map((o) => [o.key, o.amount, o.percent])).toEqual([
      ["Catering", 8_200_000n, "46.4"],
      ["Facilities", 6_080_000n, "34.4"],
      ["Construction", 3_400_000n, "19.2"],
    ]);

    // Withdrawing the upload drops its spend; the lines themselves are kept.
    expect(await withdrawUpload(db, user.id, org.id, anchor.id, upload.id)).toBe(true);
    expect((await procurementReport(db, org.id, anchor.id, ["PR1-PR5"], settings.widerArea)).lines).toBe(0);
    const kept = await db.selectFrom("supplier_spend").select(sql<number>`count(*)::int`.as("n")).where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    expect(kept.n).toBe(7);
  });

  it("counts the same spend file once, even when it is uploaded twice at the same moment; withdrawn, it can be loaded again", async () => {
    const org = await makeOrganisation(db);
    const anchor = await createAnchor(db, null, org.id, { name: "Twice Council", kind: "council" });
    const rows = parseSupplierSpendCsv(PRESTON_CSV).rows;
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => db.transaction().execute((trx) => recordSpendUpload(trx, null, org.id, anchor.id, `copy-${i}.csv`, rows))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(Refusal);
    const uploads = await db.selectFrom("spend_uploads").select("id").where("organisation_id", "=", org.id).execute();
    expect(uploads).toHaveLength(1);
    expect(await withdrawUpload(db, null, org.id, anchor.id, uploads[0].id)).toBe(true);
    await expect(db.transaction().execute((trx) => recordSpendUpload(trx, null, org.id, anchor.id, "again.csv", rows))).resolves.toMatchObject({ lines: 7 });
  });

  it("keeps spend lines append-only", async () => {
    const org = await makeOrganisation(db);
    const anchor = await createAnchor(db, null, org.id, { name: "Royal Preston Hospital", kind: "hospital" });
    await recordSpendUpload(db, null, org.id, anchor.id, "a.csv", parseSupplierSpendCsv(PRESTON_CSV).rows);
    await expect(db.updateTable("supplier_spend").set({ amount: 1n }).where("organisation_id", "=", org.id).execute()).rejects.toThrow();
    await expect(db.deleteFrom("supplier_spend").where("organisation_id", "=", org.id).execute()).rejects.toThrow();
  });

  it("never shows one organisation's anchor spend to another", async () => {
    const a = await makeOrganisation(db);
    const b = await makeOrganisation(db);
    const anchor = await createAnchor(db, null, a.id, { name: "Lancashire County Council", kind: "council" });
    await recordSpendUpload(db, null, a.id, anchor.id, "a.csv", parseSupplierSpendCsv(PRESTON_CSV).rows);
    expect((await procurementReport(db, b.id, anchor.id, ["PR1"], [])).lines).toBe(0);
    expect(await withdrawUpload(db, null, b.id, anchor.id, anchor.id)).toBe(false);
  });
});

describe("LM3", () => {
  const base = { name: "Year to March 2026", periodFrom: "2025-04-01", periodTo: "2026-03-31" };

  it("gives 1.84 for R1 100,000, R2 60,000, R3 24,000 and stores the inputs and method", async () => {
    const org = await makeOrganisation(db);
    const saved = await saveLm3Study(db, null, org.id, { ...base, income: 10_000_000n, suppliers: 4_000_000n, staff: 2_000_000n, respend: { source: "entered", amount: 2_400_000n } });
    expect(saved.ok).toBe(true);
    const [study] = await listLm3Studies(db, org.id);
    expect(study).toMatchObject({ r1: 10_000_000n, r2_suppliers: 4_000_000n, r2_staff: 2_000_000n, r3: 2_400_000n, lm3: "1.84", r3_source: "entered" });
    expect(study.method).toContain("(£100,000.00 + £60,000.00 (suppliers £40,000.00 + staff £20,000.00) + £24,000.00) ÷ £100,000.00 = 1.84");
  });

  it("refuses round 1 of zero and stores nothing", async () => {
    const org = await makeOrganisation(db);
    const r = await saveLm3Study(db, null, org.id, { ...base, income: 0n, suppliers: 100n, staff: 0n, respend: { source: "entered", amount: 0n } });
    expect(r).toMatchObject({ ok: false, field: "income" });
    expect(await listLm3Studies(db, org.id)).toEqual([]);
    // The database refuses it too.
    await expect(
      db.insertInto("lm3_studies").values({ organisation_id: org.id, name: "x", period_from: "2025-01-01", period_to: "2025-12-31", r1: 0n, r2_suppliers: 0n, r2_staff: 0n, r3: 0n, r3_source: "entered", lm3: "1.00", method: "" }).execute(),
    ).rejects.toThrow();
  });

  it("works out R3 from survey answers", async () => {
    // Supplier 40,000 x 40% = 16,000; staff 20,000 x 40% = 8,000; R3 = 24,000 -> LM3 1.84.
    const outcome = calculateLm3({
      ...base,
      income: 10_000_000n,
      suppliers: 4_000_000n,
      staff: 2_000_000n,
      respend: {
        source: "survey",
        answers: [
          { line: 2, respondent: "Mill", recipient: "supplier", amountReceived: 4_000_000n, localSpendPercent: "40" },
          { line: 3, respondent: "Staff", recipient: "staff", amountReceived: 2_000_000n, localSpendPercent: "40" },
        ],
      },
    }, { currency: "GBP", locale: "en-GB" });
    expect(outcome.ok && [outcome.result.r3, outcome.result.lm3]).toEqual([2_400_000n, "1.84"]);
  });
});

/*
 * Dashboard fixture. Local area PR1-PR5.
 *   Members: Ann (PR1 1AA), Bob (M1 1AE), Cat (PR2 1AA, admitted 2026-02-01, ceased 2026-06-30).
 *   Shares (par £1): Ann 700 on 2026-01-10; Bob 300 on 2026-01-10; Cat 250 on 2026-02-01.
 *   Loans: £12,000 to a local worker co-op bakery (PR1 3BQ, SIC 10710, 2 jobs created + 6 safeguarded), 2026-01-15;
 *          £8,000 to a Blackburn company (BB1 1AA, SIC 56101, 1 + 3), 2026-03-01; £2,000 principal repaid on the first loan 2026-04-15.
 * As at 2026-04-30:
 *   capital 1,250.00, local 950.00 (Ann 700 + Cat 250) = 76.0%
 *   lending 18,000.00 outstanding, local 10,000.00 = 55.6%
 *   jobs 3 created, 9 safeguarded; members 3, local 2 = 66.7%
 *   sector: C Manufacturing 10,000 (55.6%), I Accommodation and food services 8,000 (44.4%)
 */
async function dashboardFixture() {
  const org = await makeOrganisation(db, { localArea: ["PR1-PR5"] });
  const ann = await makeMember(db, org.id, { name: "Ann", postcode: "PR1 1AA", on: "2025-06-01" });
  const bob = await makeMember(db, org.id, { name: "Bob", postcode: "M1 1AE", on: "2025-06-01" });
  const cat = await makeMember(db, org.id, { name: "Cat", postcode: "PR2 1AA", on: "2026-02-01" });
  const cls = await db.insertInto("share_classes").values({ organisation_id: org.id, name: "Ordinary", par_value: 100n }).returning("id").executeTakeFirstOrThrow();
  for (const [member, shares, on] of [[ann.id, 700, "2026-01-10"], [bob.id, 300, "2026-01-10"], [cat.id, 250, "2026-02-01"]] as const) {
    await db.insertInto("share_transactions").values({ organisation_id: org.id, member_id: member, class_id: cls.id, kind: "purchase", shares, amount: BigInt(shares) * 100n, effective_on: on }).execute();
  }
  // Ceased after buying: the share triggers refuse purchases by a ceased member.
  await db.updateTable("members").set({ status: "ceased", ceased_on: "2026-06-30" }).where("id", "=", cat.id).execute();
  const local = await makeLoan(db, org.id, {
    amount: 1_200_000n,
    disbursedOn: "2026-01-15",
    borrower: { legalName: "Fishergate Bakers", legalForm: "worker-co-op", sicCode: "10710", postcode: "PR1 3BQ", jobsToCreate: 2, jobsToSafeguard: 6 },
  });
  await makeLoan(db, org.id, {
    amount: 800_000n,
    disbursedOn: "2026-03-01",
    borrower: { legalName: "Blackburn Diner Ltd", legalForm: "company", sicCode: "56101", postcode: "BB1 1AA", jobsToCreate: 1, jobsToSafeguard: 3 },
  });
  const repayment = await db.insertInto("loan_transactions").values({ organisation_id: org.id, loan_id: local.loan.id, kind: "repayment", amount: 210_000n, principal_part: 200_000n, interest_part: 10_000n, on_date: "2026-04-15" }).returning("id").executeTakeFirstOrThrow();
  // The repayment lands on the installments as recordRepayment's would (allocation lines and paid columns), so the
  // installments as they stand agree with the ledger (ledger:verify): today's headline figures read them (ADR 0020).
  const left = { interest: 10_000n, principal: 200_000n };
  for (const i of await db.selectFrom("loan_installments").selectAll().where("organisation_id", "=", org.id).where("loan_id", "=", local.loan.id).orderBy("n").execute()) {
    const paid = { interest: left.interest < i.interest ? left.interest : i.interest, principal: left.principal < i.principal ? left.principal : i.principal };
    if (paid.interest + paid.principal === 0n) break;
    left.interest -= paid.interest;
    left.principal -= paid.principal;
    for (const component of ["interest", "principal"] as const) {
      if (paid[component] > 0n) await db.insertInto("loan_allocation_lines").values({ organisation_id: org.id, transaction_id: repayment.id, loan_id: local.loan.id, n: i.n, component, amount: paid[component] }).execute();
    }
    await db.updateTable("loan_installments").set({ paid_interest: paid.interest, paid_principal: paid.principal }).where("organisation_id", "=", org.id).where("loan_id", "=", local.loan.id).where("n", "=", i.n).execute();
  }
  return { org, cls };
}

describe("impact dashboard", () => {
  it("gives every figure as at a date", async () => {
    const { org } = await dashboardFixture();
    const d = await impactDashboard(db, org.id, "2026-04-30", "GBP");
    expect(d.capital).toMatchObject({ total: "£1,250.00", local: "£950.00", localPercent: "76.0" });
    expect(d.lending).toMatchObject({ total: "£18,000.00", local: "£10,000.00", localPercent: "55.6", holders: 2, localHolders: 1 });
    expect(d.jobs).toEqual({ created: 3, safeguarded: 9, total: 12 });
    expect(d.members).toEqual({ members: 3, localMembers: 2, localPercent: "66.7" });
    expect(d.bySector.map((l) => [l.key, l.plain, l.percent])).toEqual([
      ["C Manufacturing", "10000.00", "55.6"],
      ["I Accommodation and food services", "8000.00", "44.4"],
    ]);
    expect(d.byOwnership.map((l) => [l.key, l.plain])).toEqual([["Worker co-operative", "10000.00"], ["Company", "8000.00"]]);
    expect(d.trends).toHaveLength(24);
    const jan = d.trends.find((t) => t.monthEnd === "2026-01-31")!;
    expect(jan).toMatchObject({ capitalTotal: "1000.00", capitalLocal: "700.00", capitalLocalPercent: "70.0", lendingTotal: "12000.00", lendingLocalPercent: "100.0", members: 2, joined: 0 });
    const mar = d.trends.find((t) => t.monthEnd === "2026-03-31")!;
    expect(mar).toMatchObject({ lendingTotal: "20000.00", lendingLocal: "12000.00", lendingLocalPercent: "60.0", jobsCreated: 3, jobsSafeguarded: 9 });
    expect(d.trends[23].monthEnd).toBe("2026-04-30");
  });

  it("counts a ceased member out after they leave", async () => {
    const { org } = await dashboardFixture();
    const d = await impactDashboard(db, org.id, "2026-07-31", "GBP");
    expect(d.members).toEqual({ members: 2, localMembers: 1, localPercent: "50.0" });
    expect(d.trends.find((t) => t.monthEnd === "2026-06-30")).toMatchObject({ members: 2, left: 1 });
  });

  it("gives the annual return figures for a year", async () => {
    const { org, cls } = await dashboardFixture();
    const run = await db
      .insertInto("interest_runs")
      .values({ organisation_id: org.id, class_id: cls.id, period_from: "2026-01-01", period_to: "2026-06-30", rate_bp: 300, rounding: "half-even", pay_as: "cash", status: "posted", total_interest: 1_500n, posted_on: "2026-07-01" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const [ann] = await db.selectFrom("members").select("id").where("organisation_id", "=", org.id).where("name", "=", "Ann").execute();
    await db.insertInto("interest_lines").values({ organisation_id: org.id, run_id: run.id, member_id: ann.id, average_balance: 70_000n, interest: 1_500n, cash: 1_500n }).execute();
    const f = await annualFigures(db, org.id, "2026-12-31");
    expect(f).toMatchObject({
      yearStart: "2026-01-01",
      membersAtYearEnd: 2,
      membersJoined: 1,
      membersLeft: 1,
      shareCapitalAtYearEnd: 125_000n,
      sharesIssued: 125_000n,
      sharesWithdrawn: 0n,
      loansOutstandingAtYearEnd: 1_800_000n,
      loansOutstandingCount: 2,
      loansAdvanced: 2_000_000n,
      loansAdvancedCount: 2,
      principalRepaid: 200_000n,
      interestOnShares: 1_500n,
      interestOnSharesPaidInCash: 1_500n,
      interestOnSharesPaidAsShares: 0n,
    });
    const before = await annualFigures(db, org.id, "2025-12-31");
    expect(before).toMatchObject({ membersAtYearEnd: 2, shareCapitalAtYearEnd: 0n, loansOutstandingAtYearEnd: 0n, interestOnShares: 0n });
  });

  it("gives a member's annual statement from the ledger", async () => {
    const { org } = await dashboardFixture();
    const [ann] = await db.selectFrom("members").select("id").where("organisation_id", "=", org.id).where("name", "=", "Ann").execute();
    const s = await memberImpactStatement(db, org.id, ann.id, "2026-12-31");
    expect(s).toMatchObject({ yearStart: "2026-01-01", holdings: [{ className: "Ordinary", opening: 0n, closing: 70_000n }], interest: 0n });
    expect(s!.transactions).toEqual([{ on: "2026-01-10", kind: "purchase", className: "Ordinary", shares: 700, amount: 70_000n }]);
    const other = await makeOrganisation(db);
    expect(await memberImpactStatement(db, other.id, ann.id, "2026-12-31")).toBeNull();
  });

  it("shows a public page only after the society opts in", async () => {
    const { org } = await dashboardFixture();
    expect(await publicOrganisation(db, org.slug)).toBeUndefined();
    await saveImpactSettings(db, null, org.id, { widerArea: [], publicPage: true, publicSummary: "We bake." });
    expect(await publicOrganisation(db, org.slug)).toMatchObject({ id: org.id, public_summary: "We bake." });
    const h = await impactHeadlines(db, org.id, "2026-04-30", "GBP");
    expect(h).toMatchObject({ members: 3, capitalLocalPercent: "76.0", lendingLocalPercent: "55.6", jobsCreated: 3, jobsSafeguarded: 9, lm3: null });
  });
});
