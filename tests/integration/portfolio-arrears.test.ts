/**
 * The portfolio's arrears, PAR and loan lists are computed in the database
 * (app/models/lending/portfolio.server.ts); the pure rules in
 * app/domain/lending/arrears.ts are the reference. On a generated book —
 * random schedules, part and full payments, due dates either side of the
 * as-at date, closed, written-off and reversed loans beside active ones —
 * the SQL must give exactly what the domain gives, on PGlite and on
 * PostgreSQL (`npm run test:pg -- tests/integration/portfolio-arrears.test.ts`).
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { daysPastDue, portfolioArrears as agePortfolio, toColumns, type LoanArrearsInput } from "~/domain/lending/arrears";
import { fromDay, toDay } from "~/domain/calendar";
import { formatMinor } from "~/domain/money";
import { portfolioHeadline } from "~/models/core/headline-figures.server";
import { portfolioArrears, portfolioCsvRows, portfolioLoans, portfolioLoansPage } from "~/models/lending/portfolio.server";
import { recordRepayment, reverseRepayment, writeOffLoan } from "~/models/lending/loans.server";
import type { Database } from "~/utils/db.server";
import { makeOrganisation } from "../../db/factories";
import { testDb } from "../db";
import { makeLoan, payInstallments } from "../fixtures/lending";
import { prng } from "../prng";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});


interface Inst { n: number; due: string; principal: bigint; interest: bigint; fees: bigint; paidPrincipal: bigint; paidInterest: bigint; paidFees: bigint }
interface GenLoan { id: string; reference: number; status: "active" | "closed" | "written_off" | "reversed"; installments: Inst[] }

async function generateBook(seed: number, count: number) {
  const rand = prng(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const org = await makeOrganisation(db);
  const borrower = await sql<{ id: string }>`INSERT INTO borrowers (organisation_id, legal_name, legal_form, sic_code) VALUES (${org.id}, 'Generated borrower', 'company', '10710') RETURNING id`.execute(db);
  const product = await sql<{ id: string }>`INSERT INTO loan_products (organisation_id, name, amortization, interest_method, annual_rate, min_rate, max_rate, min_principal, max_principal, min_term, max_term, frequency, days_in_year, days_in_month)
    VALUES (${org.id}, 'Generated product', 'equal-principal', 'declining', 12, 0, 36, 100, 100000000, 1, 120, 'monthly', '360', '30') RETURNING id`.execute(db);
  const loans: GenLoan[] = [];
  const base = toDay("2025-06-01");
  for (let k = 1; k <= count; k++) {
    const status = rand() < 0.8 ? "active" : pick(["closed", "written_off", "reversed"] as const);
    const start = base + Math.floor(rand() * 540);
    const step = pick([7, 14, 30, 91]);
    const installments: Inst[] = [];
    const terms = 1 + Math.floor(rand() * 24);
    for (let n = 1; n <= terms; n++) {
      const principal = BigInt(1 + Math.floor(rand() * 200_000));
      const interest = BigInt(Math.floor(rand() * 3_000));
      const fees = rand() < 0.2 ? BigInt(1 + Math.floor(rand() * 500)) : 0n;
      // Paid in full, not at all, or in part (any component short): what DPD turns on.
      const how = rand();
      const part = (x: bigint) => (x === 0n ? 0n : BigInt(Math.floor(rand() * Number(x))));
      const [paidPrincipal, paidInterest, paidFees] = how < 0.45 ? [principal, interest, fees] : how < 0.8 ? [0n, 0n, 0n] : [part(principal), rand() < 0.5 ? interest : part(interest), rand() < 0.5 ? fees : part(fees)];
      installments.push({ n, due: fromDay(start + n * step + (rand() < 0.1 ? -3 : 0)), principal, interest, fees, paidPrincipal, paidInterest, paidFees });
    }
    const row = await sql<{ id: string }>`
      INSERT INTO loans (organisation_id, reference, borrower_id, product_id, principal, annual_rate, terms, apr, disbursed_on, status, closed_on, written_off_on, reversed_on)
      VALUES (${org.id}, ${k}, ${borrower.rows[0].id}, ${product.rows[0].id}, 100000, 12, '{}'::jsonb, '12.7', ${fromDay(start)},
              ${status}, ${status === "closed" ? fromDay(start + 1) : null}, ${status === "written_off" ? fromDay(start + 1) : null}, ${status === "reversed" ? fromDay(start + 1) : null})
      RETURNING id`.execute(db);
    const id = row.rows[0].id;
    await db
      .insertInto("loan_installments")
      .values(installments.map((i) => ({ organisation_id: org.id, loan_id: id, n: i.n, due_on: i.due, principal: i.principal, interest: i.interest, fees: i.fees, paid_principal: i.paidPrincipal, paid_interest: i.paidInterest, paid_fees: i.paidFees })))
      .execute();
    loans.push({ id, reference: k, status, installments });
  }
  return { org, loans };
}

const dueOf = (i: Inst) => ({ due: i.due, amountDue: i.principal + i.interest + i.fees, amountPaid: i.paidPrincipal + i.paidInterest + i.paidFees });
const owedOf = (l: GenLoan) => l.installments.reduce((s, i) => s + i.principal - i.paidPrincipal, 0n);

describe("portfolio arrears in the database against the domain's rules", () => {
  it("gives the domain's buckets, PAR and days past due on a generated book, as at several dates", async () => {
    const { org, loans } = await generateBook(20261202, 240);
    const active = loans.filter((l) => l.status === "active");
    expect(active.length).toBeGreaterThan(150);
    for (const asAt of ["2025-05-01", "2025-12-31", "2026-03-15", "2026-11-25", "2028-01-01"]) {
      const reference = agePortfolio(toColumns(active.map((l): LoanArrearsInput => ({ installments: l.installments.map(dueOf), outstandingPrincipal: owedOf(l) }))), asAt);
      const inDb = await portfolioArrears(db, org.id, asAt, { dpdOf: "late" });
      expect({ asAt, buckets: inDb.buckets, total: inDb.totalOutstanding, loans: inDb.loans }).toEqual({ asAt, buckets: reference.buckets, total: reference.totalOutstanding, loans: active.length });
      expect([inDb.par30, inDb.par60, inDb.par90]).toEqual([reference.par30, reference.par60, reference.par90]);
      const lateRef = new Map(active.map((l, k) => [l.id, reference.dpd[k]]).filter(([, d]) => (d as number) > 0) as [string, number][]);
      expect(new Map([...inDb.dpdByLoan].sort())).toEqual(new Map([...lateRef].sort()));
      // The reminder days: only loans late by exactly those days.
      const days = [1, 7, 30, 60, ...[...lateRef.values()].slice(0, 3)];
      const some = await portfolioArrears(db, org.id, asAt, { dpdOf: days });
      expect(new Map([...some.dpdByLoan].sort())).toEqual(new Map([...lateRef].filter(([, d]) => days.includes(d)).sort()));
    }
    // The book had late loans in every bucket on the date the job ages it, or the comparison proved little.
    const today = await portfolioArrears(db, org.id, "2026-11-25");
    for (const b of ["current", "1-30", "31-60", "61-90", "90+"] as const) expect(today.buckets[b].loans).toBeGreaterThan(0);
  });

  it("lists loans with the domain's days past due, a page at a time, the latest first in arrears, and all of them in batches", async () => {
    const { org, loans } = await generateBook(7, 130);
    const asAt = "2026-06-30";
    const all = await portfolioLoans(db, org.id, asAt);
    expect(all.map((l) => l.reference)).toEqual(loans.map((l) => l.reference));
    for (const l of loans) {
      const row = all.find((r) => r.id === l.id)!;
      const live = l.status === "active";
      expect({ ref: l.reference, dpd: row.dpd, owed: row.outstanding }).toEqual({ ref: l.reference, dpd: live ? daysPastDue(l.installments.map(dueOf), asAt) : 0, owed: l.status === "reversed" ? 0n : owedOf(l) });
    }
    // Pages of 50: together they are the whole list, in order, and the last says no page follows.
    const pages = [];
    for (let p = 1; ; p++) {
      const page = await portfolioLoansPage(db, org.id, asAt, {}, p, 50);
      pages.push(...page.rows);
      if (!page.hasNext) break;
    }
    expect(pages.map((r) => r.id)).toEqual(all.map((r) => r.id));
    // In arrears: the active late loans, most days late first.
    const late = [];
    for (let p = 1; ; p++) {
      const page = await portfolioLoansPage(db, org.id, asAt, { late: true }, p, 20);
      late.push(...page.rows);
      if (!page.hasNext) break;
    }
    const expected = all.filter((r) => r.status === "active" && r.dpd > 0);
    expect(late.length).toBe(expected.length);
    expect(new Set(late.map((r) => r.id))).toEqual(new Set(expected.map((r) => r.id)));
    expect(late.map((r) => r.dpd)).toEqual([...late.map((r) => r.dpd)].sort((a, b) => b - a));
    // The CSV's batches: every loan once, by reference, each cell what the list's row says, written out.
    const asCells = (l: (typeof all)[number]) => [String(l.reference), l.legal_name, l.is_local ? "yes" : "no", l.status, l.disbursed_on, formatMinor(l.principal), l.annual_rate, l.apr, formatMinor(l.outstanding), formatMinor(l.overdue), l.nextDue, String(l.dpd), l.bucket, l.officer_name];
    const batched = [];
    for await (const batch of portfolioCsvRows(db, org.id, asAt, 17)) batched.push(batch);
    expect(batched.map((b) => b.length)).toEqual([...Array(Math.floor(all.length / 17)).fill(17), all.length % 17].filter(Boolean));
    expect(batched.flat()).toEqual(all.map(asCells));
    // A download stopped part way (the reader cancels) closes the cursor and its transaction: the next export reads
    // the whole book again and other queries are not held up.
    const stopped = [];
    for await (const batch of portfolioCsvRows(db, org.id, asAt, 17)) {
      stopped.push(...batch);
      if (stopped.length >= 20) break;
    }
    expect(stopped).toEqual(all.slice(0, 34).map(asCells));
    expect(await portfolioLoans(db, org.id, asAt, { limit: 3 })).toEqual(all.slice(0, 3));
    const again = [];
    for await (const batch of portfolioCsvRows(db, org.id, asAt)) again.push(...batch);
    expect(again).toEqual(all.map(asCells));
  });
});

describe("the headline figures for today", () => {
  it("read from the installments' paid columns when nothing is dated later, and agree with the allocation lines", async () => {
    const TODAY = "2026-11-25";
    const org = await makeOrganisation(db);
    // Paid on time, paid part, paid then reversed, prepaid (schedule regenerated), written off, never paid.
    const loans = [];
    for (let k = 0; k < 6; k++) loans.push((await makeLoan(db, org.id, { disbursedOn: "2026-01-15", amount: 1_200_000n + BigInt(k) * 10_000n })).loan);
    const payFirst = (loanId: string, count: number, onDate: string) => payInstallments(db, org.id, loanId, count, onDate, TODAY);
    await payFirst(loans[0].id, 10, "2026-11-15");
    await recordRepayment(db, null, org.id, loans[1].id, { amount: 250_000n, onDate: "2026-05-20", method: "bank" }, TODAY);
    const wrong = await payFirst(loans[2].id, 6, "2026-07-15");
    await reverseRepayment(db, null, org.id, loans[2].id, wrong.transactionId, "2026-08-01", "Wrong loan", TODAY);
    await recordRepayment(db, null, org.id, loans[3].id, { amount: 600_000n, onDate: "2026-03-10", method: "bank", reschedule: "shorter-term" }, TODAY);
    await payFirst(loans[4].id, 2, "2026-03-15");
    await writeOffLoan(db, null, org.id, loans[4].id, "2026-09-30", "Board minute", TODAY);
    const fast = await portfolioHeadline(db, org.id, TODAY);
    const lines = await portfolioHeadline(db, org.id, TODAY, { fromLedger: true });
    expect(fast).toEqual(lines);
    expect(fast.loans).toBe(5);
    expect(fast.buckets.current.loans).toBeGreaterThan(0);
    expect(fast.par90.atRisk).toBeGreaterThan(0n);
    // And both agree with the ageing job's figures (the installments as they stand) for today.
    const aged = await portfolioArrears(db, org.id, TODAY);
    expect([fast.outstanding, fast.par30.atRisk, fast.par60.atRisk, fast.par90.atRisk]).toEqual([aged.totalOutstanding, aged.par30.atRisk, aged.par60.atRisk, aged.par90.atRisk]);
    // Before the last payment the lines decide (a payment dated after the date must not count).
    const before = await portfolioHeadline(db, org.id, "2026-11-01");
    expect(before).toEqual(await portfolioHeadline(db, org.id, "2026-11-01", { fromLedger: true }));
    expect(before.par30.atRisk).toBeGreaterThan(fast.par30.atRisk);
  });
});
