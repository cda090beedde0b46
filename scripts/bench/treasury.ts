/**
 * Treasury figures for `npm run bench` (issue #18 point 6): a 100,000-line
 * bank statement imported and matched against 1,000,000 members and
 * 100,000 loans in under 30 s. The register and loan book are made with
 * INSERT ... SELECT generate_series; the statement is a Starling CSV made
 * in memory: 40% of credits quote a member reference, 30% a loan reference,
 * 15% pay a loan's installment to the penny under the borrower's name with
 * no reference, 15% give nothing to go on (a payer name only), and one line
 * in twenty is money out. The import is the app's importStatement; the
 * match is proposeStatement, which proposes for the whole statement in one
 * query. A sample of sure matches is then confirmed (for information).
 *
 * Smaller sizes for a quick check of the section (the target is for the
 * full sizes): BENCH_TREASURY_MEMBERS, BENCH_TREASURY_LOANS,
 * BENCH_TREASURY_LINES.
 */
import { sql } from "kysely";
import { confirmSureMatches, proposeStatement } from "../../app/models/treasury/matching.server";
import { createBankAccount, importStatement } from "../../app/models/treasury/statements.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import type { BenchRow, BenchSection } from "./types";

const FIRST = ["Aisha", "Ben", "Chloe", "Daniel", "Ella", "Farhan", "Grace", "Harry", "Imran", "Jess", "Kieran", "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Rachel", "Sam", "Tariq", "Zoe"];
const LAST = ["Ashworth", "Bamber", "Cookson", "Dewhurst", "Eccles", "Hesketh", "Iqbal", "Jackson", "Livesey", "Mistry", "Nuttall", "Patel", "Rawcliffe", "Singleton", "Whittle", "Yates"];
const INSTALLMENTS = 12;

const ms = (t0: number) => performance.now() - t0;
const secs = (m: number) => `${(m / 1000).toFixed(1)} s`;
const ref = (letter: string, n: number) => `${letter}${String(n).padStart(5, "0")}`;
const pounds = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;

export const bench: BenchSection = async (ctx) => {
  const rows: BenchRow[] = [];
  const where = ctx.postgres ? "PostgreSQL" : "PGlite";
  const members = Number(process.env.BENCH_TREASURY_MEMBERS) || (ctx.postgres ? 1_000_000 : 100_000);
  const loans = Number(process.env.BENCH_TREASURY_LOANS) || (ctx.postgres ? 100_000 : 10_000);
  const lines = Number(process.env.BENCH_TREASURY_LINES) || (ctx.postgres ? 100_000 : 10_000);
  const full = members >= 1_000_000 && loans >= 100_000 && lines >= 100_000;

  ctx.log(`treasury: generating ${members.toLocaleString("en-GB")} members and ${loans.toLocaleString("en-GB")} loans…`);
  let t0 = performance.now();
  const org = await makeOrganisation(ctx.db, { name: "Bench treasury society", legalForm: "community-bank" });
  const user = await makeUser(ctx.db, { organisationId: org.id, roles: ["secretary"] });
  await sql`INSERT INTO share_classes (organisation_id, name, par_value, min_holding) VALUES (${org.id}, 'Community Shares', 100, 1)`.execute(ctx.db);
  await sql`INSERT INTO members (organisation_id, member_number, kind, name, email, address, postcode, is_local, status, applied_on, admitted_on)
            SELECT ${org.id}, g, 'person', (${FIRST}::text[])[1 + g % ${FIRST.length}] || ' ' || (${LAST}::text[])[1 + (g / ${FIRST.length}) % ${LAST.length}],
                   'member' || g || '@bench.example', g || ' Bench Street', 'PR1 1AA', true, 'admitted', DATE '2020-01-01', DATE '2020-01-01'
              FROM generate_series(1, ${members}) g`.execute(ctx.db);
  await sql`INSERT INTO borrowers (organisation_id, legal_name, legal_form, sic_code) VALUES (${org.id}, 'Bench Bakers Ltd', 'company', '10710')`.execute(ctx.db);
  await sql`INSERT INTO loan_products (organisation_id, name, amortization, interest_method, annual_rate, min_rate, max_rate, min_principal, max_principal, min_term, max_term, frequency, days_in_year, days_in_month)
            VALUES (${org.id}, 'Bench product', 'equal-principal', 'declining', 12, 0, 36, 100, 100000000, 1, 120, 'monthly', '360', '30')`.execute(ctx.db);
  await sql`INSERT INTO loans (organisation_id, reference, borrower_id, product_id, principal, annual_rate, terms, apr, disbursed_on, status)
            SELECT ${org.id}, g, b.id, p.id, 1200000, 12, '{}'::jsonb, '12.7', DATE '2025-11-01', 'active'
              FROM generate_series(1, ${loans}) g,
                   (SELECT id FROM borrowers WHERE organisation_id = ${org.id}) b,
                   (SELECT id FROM loan_products WHERE organisation_id = ${org.id}) p`.execute(ctx.db);
  // Each loan's installment is its own (interest = its reference in pence), so an installment paid without a reference points at one loan.
  await sql`INSERT INTO loan_installments (organisation_id, loan_id, n, due_on, principal, interest)
            SELECT l.organisation_id, l.id, n, (l.disbursed_on + make_interval(months => n))::date, 100000, l.reference
              FROM loans l, generate_series(1, ${INSTALLMENTS}) n WHERE l.organisation_id = ${org.id}`.execute(ctx.db);
  for (const table of ["members", "loans", "loan_installments", "borrowers"]) await sql`ANALYZE ${sql.table(table)}`.execute(ctx.db);
  ctx.log(`treasury: generated in ${secs(ms(t0))}; writing a ${lines.toLocaleString("en-GB")}-line statement…`);

  const csv: string[] = ["Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes"];
  for (let i = 1; i <= lines; i++) {
    const date = `${String(1 + (i % 28)).padStart(2, "0")}/11/2026`;
    const m = 1 + ((i * 7919) % members);
    const l = 1 + ((i * 104729) % loans);
    const memberName = `${FIRST[m % FIRST.length][0]} ${LAST[Math.floor(m / FIRST.length) % LAST.length]}`.toUpperCase();
    const kind = i % 20;
    if (kind === 0) csv.push(`${date},SUPPLIER ${i},INV ${i},DIRECT DEBIT,-${pounds(1000 + (i % 5000))},0.00,GENERAL,`);
    else if (kind <= 8) csv.push(`${date},${memberName},${ref("M", m)},FASTER PAYMENT,${pounds(100 * (1 + (i % 50)))},0.00,INCOME,`);
    else if (kind <= 14) csv.push(`${date},BENCH BAKERS LTD,${ref("L", l)},FASTER PAYMENT,${pounds(100000 + l)},0.00,INCOME,`);
    else if (kind <= 17) csv.push(`${date},BENCH BAKERS LTD,MONTHLY,FASTER PAYMENT,${pounds(100000 + l)},0.00,INCOME,`);
    else csv.push(`${date},${memberName},GIFT ${i},FASTER PAYMENT,${pounds(100 * (1 + (i % 20)))},0.00,INCOME,`);
  }
  const bytes = new TextEncoder().encode(csv.join("\n") + "\n");
  const accountId = await ctx.db.transaction().execute((trx) =>
    createBankAccount(trx, org.id, user.id, { name: "Bench current account", bankName: "Starling", accountHolder: "Bench", sortCode: "608371", accountNumber: "11112222", iban: null, bic: null, currency: "GBP", paymentsIn: true }),
  );

  t0 = performance.now();
  const imported = await ctx.db.transaction().execute((trx) => importStatement(trx, { organisationId: org.id, bankAccountId: accountId, actorUserId: user.id, filename: "bench.csv", bytes }));
  const importMs = ms(t0);
  if (!imported.ok) throw new Error(`bench statement did not import: ${JSON.stringify(imported).slice(0, 300)}`);
  await sql`ANALYZE statement_lines`.execute(ctx.db);
  t0 = performance.now();
  const proposed = await proposeStatement(ctx.db, org.id, accountId);
  const matchMs = ms(t0);
  const expectedSure = Math.round(lines * (17 / 20)); // member references, loan references, installments under the borrower's name
  rows.push({
    figure: `Import and match a ${lines.toLocaleString("en-GB")}-line statement against ${members.toLocaleString("en-GB")} members and ${loans.toLocaleString("en-GB")} loans (${where})`,
    target: full ? "< 30 s" : "< 30 s (at full size)",
    measured: secs(importMs + matchMs),
    pass: full ? importMs + matchMs < 30_000 && imported.linesNew === lines : null,
    note: `import ${secs(importMs)}, proposals ${secs(matchMs)} in one query; ${proposed.lines.toLocaleString("en-GB")} credits, ${proposed.sure.toLocaleString("en-GB")} sure (about ${expectedSure.toLocaleString("en-GB")} expected), ${proposed.suggested.toLocaleString("en-GB")} with suggestions only`,
  });

  // Confirming posts each line through the ledgers in its own transaction: timed on a sample, for information.
  const sample = [...proposed.proposals.entries()].filter(([, ps]) => ps[0]?.certainty === "sure").slice(0, 200).map(([id]) => id);
  t0 = performance.now();
  const confirmed = await confirmSureMatches(ctx.db, { organisationId: org.id, actorUserId: user.id, lineIds: sample, today: "2026-11-30" });
  const confirmMs = ms(t0);
  rows.push({
    figure: `Confirm ${sample.length} sure matches in bulk (${where})`,
    target: "(information)",
    measured: secs(confirmMs),
    pass: confirmed.confirmed === sample.length,
    note: `${confirmed.confirmed} posted, ${confirmed.refusals.length} refused; ${(confirmMs / Math.max(1, sample.length)).toFixed(0)} ms a line (each its own money transaction)`,
  });
  return rows;
};
