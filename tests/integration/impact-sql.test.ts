/**
 * The community wealth figures worked out in SQL (impactDashboardSql and
 * impactHeadlineSql in impact-sql.server.ts)
 * against the hand-checked domain rules (impactFiguresAsAt, impactTrends)
 * over the same rows: two societies with varied ledgers (purchases,
 * withdrawals, transfers, bonus and interest shares, reversals, two share
 * classes, members ceased and not yet admitted, postcodes local, elsewhere,
 * BFPO, missing and invalid; loans repaid, written off and recovered,
 * repayments reversed, a pay-out reversed), as at several days.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { impactFiguresAsAt, impactTrends } from "~/domain/impact/dashboard";
import { LedgerError } from "~/domain/shares/holdings";
import { impactDashboardSql, impactHeadlineSql } from "~/models/impact/impact-sql.server";
import type { Database } from "~/utils/db.server";
import { makeOrganisation } from "../../db/factories";
import { testDb } from "../db";
import { loadImpactBase } from "../fixtures/impact-base";

let db: Database;
const orgs: { id: string; localArea: string[] }[] = [];

const MEMBER_POSTCODES = ["PR1 2AB", "pr3 1aa", "PR5  1QZ", "BB1 1AD", "BB1 2AA", "EC1A 1BB", "M1 1AE", "LS1 4DY", "BFPO 12", "", "NOT A CODE", "AA1 1AA", "PR1 2AC", "GIR 0AA"];
const BORROWER_POSTCODES = ["PR1 3BQ", "PR2 6AA", "BB1 1ZZ", "M60 1NW", "BFPO 7", "", "nonsense", "EC1M 6BB", "LS1 4DY"];
// 00000 and 04000 are no SIC section ("Not recorded").
const SIC_CODES = ["10710", "56101", "47110", "86900", "00000", "04000", "99000"];
const LEGAL_FORMS = ["worker-co-op", "co-operative", "company", "sole-trader", "charity", "person"];
const OWNERSHIP = [[], ["women-led"], ["minority-ethnic-led"], ["women-led", "minority-ethnic-led"], ["worker-owned"]];

function prng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
}

const day = (base: string, plus: number) => {
  const d = new Date(`${base}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + plus);
  return d.toISOString().slice(0, 10);
};

/** A society's register, share ledger and loan book, drawn from `seed`. */
async function buildSociety(seed: number, localArea: string[]) {
  const rnd = prng(seed);
  const org = await makeOrganisation(db, { localArea });
  const o = org.id;
  const classes = await Promise.all(
    [100n, 2500n].map(async (par, i) =>
      (await db.insertInto("share_classes").values({ organisation_id: o, name: `Class ${i}`, par_value: par, min_holding: 0 }).returning("id").executeTakeFirstOrThrow()).id,
    ),
  );
  const par = [100n, 2500n];

  // Members: admitted between mid 2023 and late 2026; some still applicants, some ceased.
  const members: { id: string; admitted: string | null; ceased: string | null }[] = [];
  for (let i = 1; i <= 120; i++) {
    const applied = day("2023-06-01", rnd(1250));
    const admitted = rnd(12) === 0 ? null : day(applied, rnd(30));
    const ceased = admitted !== null && rnd(6) === 0 ? day(admitted, 20 + rnd(500)) : null;
    const postcode = MEMBER_POSTCODES[rnd(MEMBER_POSTCODES.length)];
    const { rows } = await sql<{ id: string }>`
      INSERT INTO members (organisation_id, member_number, kind, name, postcode, status, applied_on, admitted_on)
      VALUES (${o}, ${i}, 'person', ${`Member ${i}`}, ${postcode}, ${admitted === null ? "applied" : "admitted"}, ${applied}, ${admitted}) RETURNING id`.execute(db);
    members.push({ id: rows[0].id, admitted, ceased });
  }

  // Share ledger, in date order so no holding is ever below zero on any day.
  type Row = { member: number; cls: number; kind: string; shares: number; amount: bigint; on: string; reverses?: bigint };
  const events: Row[] = [];
  members.forEach((m, idx) => {
    if (m.admitted === null) return;
    let on = m.admitted;
    const n = 1 + rnd(4);
    for (let k = 0; k < n; k++) {
      const cls = rnd(4) === 0 ? 1 : 0;
      const shares = 1 + rnd(40);
      events.push({ member: idx, cls, kind: rnd(8) === 0 ? "interest_shares" : "purchase", shares, amount: BigInt(shares) * par[cls], on });
      if (rnd(7) === 0) events.push({ member: idx, cls, kind: "bonus", shares: 2, amount: 0n, on });
      on = day(on, 10 + rnd(200));
    }
  });
  events.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  const balance = new Map<string, { shares: number; amount: bigint }>();
  const key = (m: number, c: number) => `${m}/${c}`;
  const inserted: (Row & { id: bigint })[] = [];
  const insert = async (r: Row) => {
    const m = members[r.member];
    const { rows } = await sql<{ id: string }>`
      INSERT INTO share_transactions (organisation_id, member_id, class_id, kind, shares, amount, effective_on, reverses_id)
      VALUES (${o}, ${m.id}, ${classes[r.cls]}, ${r.kind}, ${r.shares}, ${r.amount}, ${r.on}, ${r.reverses ?? null}) RETURNING id`.execute(db);
    inserted.push({ ...r, id: BigInt(rows[0].id) });
    const b = balance.get(key(r.member, r.cls)) ?? { shares: 0, amount: 0n };
    const inward = ["purchase", "transfer_in", "interest_shares", "bonus"];
    const sign = r.kind === "reversal" ? (inward.includes(inserted.find((x) => x.id === r.reverses)!.kind) ? -1 : 1) : inward.includes(r.kind) ? 1 : -1;
    b.shares += sign * r.shares;
    b.amount += BigInt(sign) * r.amount;
    balance.set(key(r.member, r.cls), b);
  };
  for (const e of events) {
    await insert(e);
    const b = balance.get(key(e.member, e.cls))!;
    const later = day(e.on, 5 + rnd(120));
    const pick = rnd(10);
    if (pick === 0 && e.kind === "purchase") {
      // Put right a purchase recorded in error, the same day or later.
      await insert({ ...e, kind: "reversal", on: rnd(2) === 0 ? e.on : later, reverses: inserted[inserted.length - 1].id });
    } else if (pick === 1 && b.shares >= 2 && e.cls === 0) {
      const shares = 1 + rnd(Math.floor(b.shares / 2));
      await insert({ member: e.member, cls: 0, kind: "withdrawal", shares, amount: BigInt(shares) * par[0], on: later });
      if (rnd(3) === 0) await insert({ member: e.member, cls: 0, kind: "reversal", shares, amount: BigInt(shares) * par[0], on: day(later, rnd(40)), reverses: inserted[inserted.length - 1].id });
    } else if (pick === 2 && b.shares >= 2 && e.cls === 0) {
      // A transfer to another admitted member, the same day.
      const to = members.findIndex((m, i) => i > e.member && m.admitted !== null && m.admitted <= later);
      if (to >= 0) {
        const shares = 1 + rnd(Math.floor(b.shares / 2));
        await insert({ member: e.member, cls: 0, kind: "transfer_out", shares, amount: BigInt(shares) * par[0], on: later });
        await insert({ member: to, cls: 0, kind: "transfer_in", shares, amount: BigInt(shares) * par[0], on: later });
      }
    } else if (pick === 3 && b.shares >= 1 && e.cls === 1) {
      await insert({ member: e.member, cls: 1, kind: "forfeit", shares: 1, amount: par[1], on: later });
    }
  }
  // Members cease once their ledger is written (a ceased member may not buy).
  for (const m of members) {
    if (m.ceased) await sql`UPDATE members SET status = 'ceased', ceased_on = ${m.ceased} WHERE organisation_id = ${o} AND id = ${m.id}`.execute(db);
  }

  // Loan book.
  const product = await sql<{ id: string }>`
    INSERT INTO loan_products (organisation_id, name, amortization, interest_method, annual_rate, min_rate, max_rate, min_principal, max_principal, min_term, max_term, frequency, days_in_year, days_in_month)
    VALUES (${o}, 'Test product', 'equal-principal', 'declining', 12, 0, 36, 100, 100000000, 1, 120, 'monthly', '360', '30') RETURNING id`.execute(db);
  let reference = 0;
  for (let b = 0; b < 30; b++) {
    const borrower = await sql<{ id: string }>`
      INSERT INTO borrowers (organisation_id, legal_name, legal_form, sic_code, postcode, jobs_to_create, jobs_to_safeguard, ownership)
      VALUES (${o}, ${`Borrower ${b}`}, ${LEGAL_FORMS[rnd(LEGAL_FORMS.length)]}, ${SIC_CODES[rnd(SIC_CODES.length)]}, ${BORROWER_POSTCODES[rnd(BORROWER_POSTCODES.length)]},
              ${rnd(6)}, ${rnd(9)}, ${OWNERSHIP[rnd(OWNERSHIP.length)]}::text[]) RETURNING id`.execute(db);
    const loans = 1 + rnd(2);
    for (let k = 0; k < loans; k++) {
      const fate = rnd(6); // 0 repaid, 1 written off (some recovered), 2 pay-out reversed, else paying
      const disbursed = day("2024-01-10", rnd(1000));
      const principal = BigInt(100_000 + rnd(50) * 10_000);
      const status = fate === 0 ? "closed" : fate === 1 ? "written_off" : fate === 2 ? "reversed" : "active";
      const loan = await sql<{ id: string }>`
        INSERT INTO loans (organisation_id, reference, borrower_id, product_id, principal, annual_rate, terms, apr, disbursed_on, status, reversed_on)
        VALUES (${o}, ${++reference}, ${borrower.rows[0].id}, ${product.rows[0].id}, ${principal}, 12, '{}'::jsonb, '12.7', ${disbursed}, ${status}, ${fate === 2 ? day(disbursed, 3) : null})
        RETURNING id`.execute(db);
      const lt = async (kind: string, principalPart: bigint, on: string, reverses?: string) =>
        (
          await sql<{ id: string }>`
            INSERT INTO loan_transactions (organisation_id, loan_id, kind, amount, principal_part, on_date, reverses_id)
            VALUES (${o}, ${loan.rows[0].id}, ${kind}, ${principalPart < 0n ? -principalPart || 1n : principalPart || 1n}, ${principalPart}, ${on}, ${reverses ?? null}) RETURNING id`.execute(db)
        ).rows[0].id;
      const payout = await lt("disbursement", principal, disbursed);
      if (fate === 2) {
        await lt("reversal", -principal, day(disbursed, 3), payout);
        continue;
      }
      let owed = principal;
      let on = disbursed;
      const payments = fate === 0 ? 4 : 1 + rnd(5);
      for (let p = 0; p < payments && owed > 0n; p++) {
        on = day(on, 25 + rnd(40));
        const part = fate === 0 && p === payments - 1 ? owed : principal / 5n;
        const paid = await lt("repayment", part, on);
        owed -= part;
        if (rnd(5) === 0) {
          await lt("reversal", -part, day(on, rnd(10)), paid);
          owed += part;
        }
      }
      if (rnd(4) === 0) await lt("fee", 0n, day(on, 3));
      if (fate === 1 && owed > 0n) {
        const off = day(on, 60);
        await lt("write_off", owed, off);
        if (rnd(2) === 0) await lt("recovery", 0n, day(off, 30));
      }
    }
  }
  // A society with members but no ledger rows before its first pay-out date is covered by the early dates below.
  return o;
}

beforeAll(async () => {
  db = await testDb();
  for (const [seed, localArea] of [
    [11, ["PR1-PR5", "BB1 1", "EC1", "GIR 0AA"]],
    [29, ["M", "LS1 4DY", "pr"]],
  ] as const) {
    orgs.push({ id: await buildSociety(seed, [...localArea]), localArea: [...localArea] });
  }
}, 300_000);

const AS_AT = ["2023-01-10", "2024-02-29", "2024-12-31", "2025-06-15", "2026-02-28", "2026-11-30", "2027-08-01"];

describe("community wealth figures in SQL", () => {
  it("the societies' data are varied enough to test the rules", async () => {
    for (const { id } of orgs) {
      const base = await loadImpactBase(db, id);
      const kinds = new Set(base.shareTransactions.map((t) => t.kind));
      expect([...kinds].sort()).toEqual(["bonus", "forfeit", "interest_shares", "purchase", "reversal", "transfer_in", "transfer_out", "withdrawal"]);
      expect(new Set(base.loanLedger.map((r) => r.kind))).toEqual(new Set(["disbursement", "repayment", "reversal", "write_off", "recovery", "fee"]));
      const figures = impactFiguresAsAt(base, "2026-02-28");
      expect(figures.capital.unknownAmount).toBeGreaterThan(0n);
      expect(figures.capital.localAmount).toBeGreaterThan(0n);
      expect(figures.lending.unknownAmount).toBeGreaterThan(0n);
      expect(figures.lending.localAmount).toBeGreaterThan(0n);
      expect(base.members.filter((m) => m.ceasedOn !== null).length).toBeGreaterThan(5);
    }
    // Both societies' reversed pay-outs are left out, as loans the domain never sees.
    const reversed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM loans WHERE organisation_id IN (${orgs[0].id}, ${orgs[1].id}) AND status = 'reversed'`.execute(db);
    expect(reversed.rows[0].n).toBeGreaterThan(0);
  });

  it("gives the figures as at a day exactly as impactFiguresAsAt does", async () => {
    for (const { id } of orgs) {
      const base = await loadImpactBase(db, id);
      for (const asAt of AS_AT) {
        const { figures } = await impactDashboardSql(db, id, asAt, 1);
        expect(figures).toEqual(impactFiguresAsAt(base, asAt));
      }
    }
  });

  it("gives the monthly trends exactly as impactTrends does", async () => {
    for (const { id } of orgs) {
      const base = await loadImpactBase(db, id);
      for (const [asAt, months] of [["2026-11-30", 24], ["2026-02-14", 24], ["2025-06-15", 12], ["2024-03-31", 36], ["2023-01-10", 3]] as const) {
        const { figures, trends } = await impactDashboardSql(db, id, asAt, months);
        expect(trends).toEqual(impactTrends(base, asAt, months));
        expect(figures).toEqual(impactFiguresAsAt(base, asAt));
      }
    }
  });

  it("gives the headlines (no holders, breakdowns or trends worked out) as the domain does", async () => {
    for (const { id } of orgs) {
      const base = await loadImpactBase(db, id);
      for (const asAt of AS_AT) {
        const f = impactFiguresAsAt(base, asAt);
        const { holders: _h, localHolders: _l, ...capital } = f.capital;
        expect(await impactHeadlineSql(db, id, asAt)).toEqual({
          capital,
          lending: f.lending,
          jobs: f.jobs,
          members: f.members,
          joinedLastYear: impactTrends(base, asAt, 12).reduce((t, p) => t + p.joined, 0),
        });
      }
    }
  });

  it("refuses, as the domain does, when a holding is below zero at the day", async () => {
    const org = await makeOrganisation(db, { localArea: ["PR1"] });
    const cls = await db.insertInto("share_classes").values({ organisation_id: org.id, name: "Ordinary", par_value: 100n }).returning("id").executeTakeFirstOrThrow();
    const m = await sql<{ id: string }>`
      INSERT INTO members (organisation_id, member_number, kind, name, postcode, status, applied_on, admitted_on)
      VALUES (${org.id}, 1, 'person', 'Early Leaver', 'PR1 2AB', 'admitted', '2025-01-01', '2025-01-01') RETURNING id`.execute(db);
    // A purchase entered late and backdated after a withdrawal dated before it: the holding is below zero in between.
    await sql`INSERT INTO share_transactions (organisation_id, member_id, class_id, kind, shares, amount, effective_on)
      VALUES (${org.id}, ${m.rows[0].id}, ${cls.id}, 'purchase', 10, 1000, '2025-03-01')`.execute(db);
    await sql`INSERT INTO share_transactions (organisation_id, member_id, class_id, kind, shares, amount, effective_on)
      VALUES (${org.id}, ${m.rows[0].id}, ${cls.id}, 'withdrawal', 5, 500, '2025-02-01')`.execute(db);
    const base = await loadImpactBase(db, org.id);
    expect(() => impactFiguresAsAt(base, "2025-02-15")).toThrow(LedgerError);
    await expect(impactDashboardSql(db, org.id, "2025-02-15", 24)).rejects.toMatchObject({ code: "conflict" });
    await expect(impactHeadlineSql(db, org.id, "2025-02-15")).rejects.toMatchObject({ code: "conflict" });
    await expect(impactDashboardSql(db, org.id, "2025-03-15", 24)).resolves.toMatchObject({ figures: { capital: { totalAmount: 500n, localAmount: 500n } } });
  });
});
