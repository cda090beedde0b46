/**
 * The portfolio CSV (/loans/portfolio.csv, the loan officer's download of the
 * whole book) keeps its bytes however it is made: the file served over HTTP
 * must be, byte for byte, what the export wrote before issue #19 made it
 * cheap (each loan of portfolioLoans mapped in the server, amounts through
 * formatMinor, every line through csv-stringify). The book has what can go
 * wrong in a file: names with commas, quotes, line breaks, leading = - + @,
 * full-width forms, non-ASCII text; loans with and without an officer, with
 * no installments, closed, written off and reversed; amounts of zero and
 * beyond a float's exact integers.
 */
import { stringify } from "csv-stringify/sync";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { fromDay, toDay } from "~/domain/calendar";
import { neutraliseCell } from "~/domain/csv";
import { formatMinor } from "~/domain/money";
import { organisationToday } from "~/models/core/organisations.server";
import { decimalText, portfolioLoans } from "~/models/lending/portfolio.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import { appTestBed, Browser } from "../http";
import { prng } from "../prng";

const NAMES = [
  "Plain Bakers Ltd",
  "Smith, Jones & Co",
  'The "Quoted" Co-op',
  "Line\nbreak Ltd",
  "Carriage\r\nreturn Ltd",
  "=HYPERLINK(\"http://evil.example\",\"x\")",
  "-Minus Traders",
  "-12.50",
  "+44 Telecom",
  "@home Ltd",
  "\tTabbed Ltd",
  " =spaced",
  "＝full-width",
  "Zürich Ökonomie 東京 🚀",
  "'Apostrophe Ltd",
  '"',
];
const OFFICERS = ["Ada Officer", "=cmd|' /C calc'!A0", "O'Neil, \"Bob\"", "-1+cmd", "Ünal\nNewline"];


const t = appTestBed();
let organisationId: string;
let officer: { email: string; password: string };

beforeAll(async () => {
  const db = t.db;
  const org = await makeOrganisation(db, { legalForm: "community-bank" });
  organisationId = org.id;
  officer = await makeUser(db, { organisationId, roles: ["loan_officer"], name: OFFICERS[1] });
  const officerIds = [null, (await makeUser(db, { organisationId, roles: ["loan_officer"], name: OFFICERS[0] })).id];
  for (const name of OFFICERS.slice(2)) officerIds.push((await makeUser(db, { organisationId, roles: ["loan_officer"], name })).id);
  const product = await sql<{ id: string }>`INSERT INTO loan_products (organisation_id, name, amortization, interest_method, annual_rate, min_rate, max_rate, min_principal, max_principal, min_term, max_term, frequency, days_in_year, days_in_month)
    VALUES (${org.id}, 'Generated product', 'equal-principal', 'declining', 12, 0, 36, 100, 100000000, 1, 120, 'monthly', '360', '30') RETURNING id`.execute(db);
  const borrowerIds: string[] = [];
  for (const [k, name] of NAMES.entries()) {
    const b = await sql<{ id: string }>`INSERT INTO borrowers (organisation_id, legal_name, legal_form, sic_code, is_local) VALUES (${org.id}, ${name}, 'company', '10710', ${k % 3 === 0}) RETURNING id`.execute(db);
    borrowerIds.push(b.rows[0].id);
  }
  const today = toDay(await organisationToday(db, org.id));
  const rand = prng(20261204);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  for (let k = 1; k <= 90; k++) {
    const status = k % 4 === 0 ? pick(["closed", "written_off", "reversed"] as const) : "active";
    const start = today - 400 + Math.floor(rand() * 420);
    // Amounts of every size: a penny, round pounds, beyond 2^53 pence.
    const principal = k === 5 ? 9_007_199_254_740_993n : k % 7 === 0 ? 1n : BigInt(1 + Math.floor(rand() * 5_000_000));
    const rate = pick(["0", "12", "7.125", "35.9999"]);
    const apr = pick(["12.7", "0", "=1+1", "12,5", ""]);
    const loan = await sql<{ id: string }>`
      INSERT INTO loans (organisation_id, reference, borrower_id, product_id, officer_user_id, principal, annual_rate, terms, apr, disbursed_on, status, closed_on, written_off_on, reversed_on)
      VALUES (${org.id}, ${k}, ${borrowerIds[(k - 1) % borrowerIds.length]}, ${product.rows[0].id}, ${officerIds[k % officerIds.length]}, ${principal}, ${rate}, '{}'::jsonb, ${apr}, ${fromDay(start)},
              ${status}, ${status === "closed" ? fromDay(start + 1) : null}, ${status === "written_off" ? fromDay(start + 1) : null}, ${status === "reversed" ? fromDay(start + 1) : null})
      RETURNING id`.execute(db);
    // Loan 3 in 10 has no installments; the others are paid in full, not at all, or in part, due either side of today.
    const terms = k % 10 === 3 ? 0 : 1 + Math.floor(rand() * 12);
    const rows = [];
    for (let n = 1; n <= terms; n++) {
      const p = k === 5 ? 9_007_199_254_740_993n : BigInt(Math.floor(rand() * 300_000));
      const interest = BigInt(Math.floor(rand() * 3_000));
      const fees = rand() < 0.2 ? BigInt(1 + Math.floor(rand() * 500)) : 0n;
      const how = rand();
      const part = (x: bigint) => (x === 0n ? 0n : BigInt(Math.floor(rand() * Number(x))));
      const [pp, pi, pf] = how < 0.4 ? [p, interest, fees] : how < 0.75 ? [0n, 0n, 0n] : [part(p), part(interest), part(fees)];
      rows.push({ organisation_id: org.id, loan_id: loan.rows[0].id, n, due_on: fromDay(start + n * 30), principal: p, interest, fees, paid_principal: pp, paid_interest: pi, paid_fees: pf });
    }
    if (rows.length) await db.insertInto("loan_installments").values(rows).execute();
  }
});

/** The file as the export wrote it before issue #19's change: each loan mapped in the server, each line through csv-stringify. */
async function portfolioCsvAsBefore(asAt: string) {
  const line = (cells: unknown[]) => stringify([cells.map(neutraliseCell)]);
  let csv = line(["loan", "borrower", "local", "status", "disbursed_on", "principal", "annual_rate", "apr", "principal_outstanding", "overdue", "next_due", "days_past_due", "bucket", "officer"]);
  for (const l of await portfolioLoans(t.db, organisationId, asAt)) {
    csv += line([l.reference, l.legal_name, l.is_local ? "yes" : "no", l.status, l.disbursed_on, formatMinor(l.principal), l.annual_rate, l.apr, formatMinor(l.outstanding), formatMinor(l.overdue), l.nextDue ?? "", l.dpd, l.bucket, l.officer_name ?? ""]);
  }
  return csv;
}

describe("the portfolio CSV", () => {
  it("is byte for byte the file the export wrote before, over loans with awkward names, statuses and amounts", async () => {
    const browser = new Browser(t.server.base);
    await browser.login(officer.email, officer.password);
    const res = await browser.get("/loans/portfolio.csv");
    expect(res.status).toBe(200);
    const served = new Uint8Array(await res.arrayBuffer());
    const expected = await portfolioCsvAsBefore(await organisationToday(t.db, organisationId));
    // Compared as text first (a readable difference), then as bytes.
    expect(new TextDecoder().decode(served)).toBe(expected);
    expect(Buffer.from(served).equals(Buffer.from(expected, "utf8"))).toBe(true);
    // The book had what the comparison is for: every bucket, every status, names quoted and neutralised.
    for (const seen of ["1-30", "90+", "current", "closed", "written_off", "reversed", '"Smith, Jones & Co"', "'-Minus Traders", ",-12.50,", "90071992547409.93", ",0.00,"]) expect(expected).toContain(seen);
  });

  it("has the database write amounts exactly as formatMinor does, negative, zero and beyond a float's integers", async () => {
    const amounts = [0n, 1n, -1n, 5n, -5n, 99n, -99n, 100n, -100n, 12345n, -12345n, 120000000n, 9007199254740993n, -9007199254740993n, 9223372036854775807n, -9223372036854775807n];
    for (const units of amounts) {
      const { rows } = await sql<{ text: string }>`SELECT ${decimalText(sql`${units}::bigint`)} AS text`.execute(t.db);
      expect({ units, text: rows[0].text }).toEqual({ units, text: formatMinor(units) });
    }
    // A sum of bigints (the figures are sums) is numeric: the same text.
    const { rows } = await sql<{ text: string }>`SELECT ${decimalText(sql`SUM(x)`)} AS text FROM (VALUES (-9223372036854775807::bigint), (-9223372036854775807::bigint), (-3::bigint)) v(x)`.execute(t.db);
    expect(rows[0].text).toBe(formatMinor(-9223372036854775807n * 2n - 3n));
  });
});
