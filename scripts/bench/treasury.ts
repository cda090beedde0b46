/**
 * Treasury figures for `npm run bench -- treasury` (issue #18 point 6):
 *  - a 100,000-line bank statement imported and matched against 1,000,000
 *    members and 100,000 loans in under 30 s;
 *  - a year's trial balance over a 100,000-loan book in under 2 s.
 * On the PostgreSQL server both run in the scale database
 * (scripts/bench/scale-seed.ts, made once and kept between runs: the demo's
 * community bank grown to 1,000,000 members, 100,000 loans of 12
 * installments, 1,000,000 ballots, 100,000 spend lines, its journal
 * posted). The import, the proposals and a sample of confirmations run in
 * one transaction that is rolled back, so the scale database is left as it
 * was. The statement is a Starling CSV made in memory: 40% of credits quote
 * a member reference, 30% a loan reference, 15% pay a loan's installment to
 * the penny under the borrower's name with no reference, 15% give nothing
 * to go on (a payer name only), and one line in twenty is money out. The
 * import is the app's importStatement; the match is proposeStatement, which
 * proposes for the whole statement in one query. The trial balance is the
 * books page's: postJournal (nothing new to post) then trialBalance for
 * 2026, best of three.
 *
 * On PGlite, or with smaller sizes for a quick check (the targets are for
 * the full sizes: BENCH_TREASURY_MEMBERS, BENCH_TREASURY_LOANS,
 * BENCH_TREASURY_LINES), the register and book are generated in the
 * bench's fresh database instead, and only the import and match are timed
 * (the books section times a trial balance there).
 */
import { sql } from "kysely";
import { confirmMatch, proposeStatement } from "../../app/models/treasury/matching.server";
import { postJournal, trialBalance } from "../../app/models/treasury/journal.server";
import { createBankAccount, importStatement } from "../../app/models/treasury/statements.server";
import { makeOrganisation, makeUser } from "../../db/factories";
import type { Database } from "../../app/utils/db.server";
import { borrowerName, FIRST, LAST, openScaleDatabase, SCALE } from "./scale-seed";
import type { BenchContext, BenchDatabase, BenchRow, BenchSection } from "./types";

const INSTALLMENTS = 12;

const ms = (t0: number) => performance.now() - t0;
const secs = (m: number) => `${(m / 1000).toFixed(1)} s`;
const ref = (letter: string, n: number) => `${letter}${String(n).padStart(5, "0")}`;
const pounds = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;

/** Where the statement is matched: an organisation with its register and loan book, and who imports. */
interface Book {
  db: Database;
  organisationId: string;
  userId: string;
  members: number;
  loans: number;
  /** Bench loan l (1..loans) has reference firstLoanReference + l and installments of 100,000 + l pence, to borrower borrowerOf(l). */
  firstLoanReference: number;
  borrowerOf: (l: number) => string;
  database: BenchDatabase;
  done: () => Promise<void>;
}

/** The register and book generated in the bench's fresh database (PGlite, or the reduced sizes). */
async function generatedBook(ctx: BenchContext, members: number, loans: number): Promise<Book> {
  ctx.log(`treasury: generating ${members.toLocaleString("en-GB")} members and ${loans.toLocaleString("en-GB")} loans…`);
  const t0 = performance.now();
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
  ctx.log(`treasury: generated in ${secs(ms(t0))}`);
  return {
    db: ctx.db, organisationId: org.id, userId: user.id, members, loans, firstLoanReference: 0, borrowerOf: () => "Bench Bakers Ltd",
    database: ctx.postgres ? "PostgreSQL" : "PGlite", done: async () => {},
  };
}

/** The scale database's community bank (scripts/bench/scale-seed.ts). */
async function scaleBook(ctx: BenchContext): Promise<Book> {
  const scale = await openScaleDatabase(ctx.log);
  const user = await scale.db.selectFrom("users").select("id").where("email", "=", "secretary@demo.coop").executeTakeFirstOrThrow();
  return {
    db: scale.db, organisationId: scale.organisationId, userId: user.id, members: SCALE.members, loans: SCALE.loans, firstLoanReference: scale.firstLoanReference,
    borrowerOf: (l) => borrowerName(1 + (l % SCALE.borrowers)), database: `PostgreSQL, ${scale.name}` as const, done: () => scale.db.destroy(),
  };
}

/** The bench's statement: a Starling CSV of `lines` lines (see the header). */
function statement(book: Book, lines: number) {
  const csv: string[] = ["Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes"];
  for (let i = 1; i <= lines; i++) {
    const date = `${String(1 + (i % 28)).padStart(2, "0")}/11/2026`;
    const m = 1 + ((i * 7919) % book.members);
    const l = 1 + ((i * 104729) % book.loans);
    const memberName = `${FIRST[m % FIRST.length][0]} ${LAST[Math.floor(m / FIRST.length) % LAST.length]}`.toUpperCase();
    const borrower = book.borrowerOf(l).toUpperCase();
    const kind = i % 20;
    if (kind === 0) csv.push(`${date},SUPPLIER ${i},INV ${i},DIRECT DEBIT,-${pounds(1000 + (i % 5000))},0.00,GENERAL,`);
    // Whole £10 shares (the scale bank's deposit shares; the generated society's are £1).
    else if (kind <= 8) csv.push(`${date},${memberName},${ref("M", m)},FASTER PAYMENT,${pounds(1000 * (1 + (i % 50)))},0.00,INCOME,`);
    else if (kind <= 14) csv.push(`${date},${borrower},${ref("L", book.firstLoanReference + l)},FASTER PAYMENT,${pounds(100000 + l)},0.00,INCOME,`);
    else if (kind <= 17) csv.push(`${date},${borrower},MONTHLY,FASTER PAYMENT,${pounds(100000 + l)},0.00,INCOME,`);
    else csv.push(`${date},${memberName},GIFT ${i},FASTER PAYMENT,${pounds(100 * (1 + (i % 20)))},0.00,INCOME,`);
  }
  return new TextEncoder().encode(csv.join("\n") + "\n");
}

/** Thrown to roll the bench's transaction back once its figures are taken. */
class RollBack extends Error {}

export const bench: BenchSection = async (ctx) => {
  const rows: BenchRow[] = [];
  const reduced = Boolean(process.env.BENCH_TREASURY_MEMBERS || process.env.BENCH_TREASURY_LOANS || process.env.BENCH_TREASURY_LINES);
  const useScale = ctx.postgres && !reduced;
  const members = Number(process.env.BENCH_TREASURY_MEMBERS) || (ctx.postgres ? 1_000_000 : 100_000);
  const loans = Number(process.env.BENCH_TREASURY_LOANS) || (ctx.postgres ? 100_000 : 10_000);
  const lines = Number(process.env.BENCH_TREASURY_LINES) || (ctx.postgres ? 100_000 : 10_000);
  const book = useScale ? await scaleBook(ctx) : await generatedBook(ctx, members, loans);
  const full = book.members >= 1_000_000 && book.loans >= 100_000 && lines >= 100_000;
  try {
    ctx.log(`treasury: writing a ${lines.toLocaleString("en-GB")}-line statement…`);
    const bytes = statement(book, lines);
    let figures: { importMs: number; matchMs: number; linesNew: number; credits: number; sure: number; suggested: number; confirmMs: number; confirmed: number; refused: number; sample: number } | null = null;
    try {
      await book.db.transaction().execute(async (trx) => {
        const accountId = await createBankAccount(trx, book.organisationId, book.userId, { name: `Bench current account ${Date.now()}`, bankName: "Starling", accountHolder: "Bench", sortCode: "608371", accountNumber: "11112222", iban: null, bic: null, currency: "GBP", paymentsIn: true });
        let t0 = performance.now();
        const imported = await importStatement(trx, { organisationId: book.organisationId, bankAccountId: accountId, actorUserId: book.userId, filename: "bench.csv", bytes });
        const importMs = ms(t0);
        if (!imported.ok) throw new Error(`bench statement did not import: ${JSON.stringify(imported).slice(0, 300)}`);
        await sql`ANALYZE statement_lines`.execute(trx);
        t0 = performance.now();
        const proposed = await proposeStatement(trx, book.organisationId, accountId);
        const matchMs = ms(t0);
        // Confirming posts each line through the ledgers: timed on a sample, for information (here all in the one
        // transaction; the app's bulk confirm commits each line in a transaction of its own).
        const sample = [...proposed.proposals.entries()].filter(([, ps]) => ps[0]?.certainty === "sure").slice(0, 200);
        let confirmed = 0;
        let refused = 0;
        t0 = performance.now();
        for (const [lineId, ps] of sample) {
          const sure = ps[0];
          const target = sure.target.kind === "member" ? { kind: "member" as const, memberId: sure.target.memberId } : { kind: "loan" as const, loanId: sure.target.loanId };
          const line = await trx.selectFrom("statement_lines").select("amount_minor").where("organisation_id", "=", book.organisationId).where("id", "=", lineId).executeTakeFirstOrThrow();
          await sql`SAVEPOINT bench_line`.execute(trx);
          try {
            await confirmMatch(trx, { organisationId: book.organisationId, actorUserId: book.userId, lineId, bankAccountId: accountId, allocations: [{ target, amountMinor: BigInt(line.amount_minor) }], how: "sure", reason: sure.reason, today: "2026-11-30" });
            await sql`RELEASE SAVEPOINT bench_line`.execute(trx);
            confirmed++;
          } catch {
            await sql`ROLLBACK TO SAVEPOINT bench_line`.execute(trx);
            refused++;
          }
        }
        const confirmMs = ms(t0);
        figures = { importMs, matchMs, linesNew: imported.linesNew, credits: proposed.lines, sure: proposed.sure, suggested: proposed.suggested, confirmMs, confirmed, refused, sample: sample.length };
        throw new RollBack();
      });
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
    }
    const f = figures!;
    const expectedSure = Math.round(lines * (17 / 20)); // member references, loan references, installments under the borrower's name
    rows.push({
      figure: `Import and match a ${lines.toLocaleString("en-GB")}-line statement against ${book.members.toLocaleString("en-GB")} members and ${book.loans.toLocaleString("en-GB")} loans `,
      target: full ? "< 30 s" : "< 30 s (at full size)",
      measured: secs(f.importMs + f.matchMs),
      pass: full ? f.importMs + f.matchMs < 30_000 && f.linesNew === lines : null,
      database: book.database,
      note: `import ${secs(f.importMs)}, proposals ${secs(f.matchMs)} in one query; ${f.credits.toLocaleString("en-GB")} credits, ${f.sure.toLocaleString("en-GB")} sure (at most about ${expectedSure.toLocaleString("en-GB")}: a loan with every installment paid has no installment to match by amount), ${f.suggested.toLocaleString("en-GB")} with suggestions only${useScale ? "; rolled back after" : ""}`,
    });
    rows.push({
      figure: `Confirm ${f.sample} sure matches`,
      target: "(information)",
      measured: secs(f.confirmMs),
      pass: f.confirmed === f.sample,
      database: book.database,
      note: `${f.confirmed} posted, ${f.refused} refused; ${(f.confirmMs / Math.max(1, f.sample)).toFixed(0)} ms a line, in the bench's one transaction (the app commits each line on its own)`,
    });

    if (useScale) {
      // The books page's work: the journal brought up to date (nothing new), then the year's trial balance.
      await postJournal(book.db, book.organisationId);
      await trialBalance(book.db, book.organisationId, "2026-12-31", "2026-01-01"); // warm caches
      let best = Infinity;
      let postMs = 0;
      let tb = await trialBalance(book.db, book.organisationId, "2026-12-31", "2026-01-01");
      for (let run = 0; run < 3; run++) {
        const t0 = performance.now();
        await postJournal(book.db, book.organisationId);
        const t1 = performance.now();
        tb = await trialBalance(book.db, book.organisationId, "2026-12-31", "2026-01-01");
        if (ms(t0) < best) {
          best = ms(t0);
          postMs = t1 - t0;
        }
      }
      const balanced = tb.totals.debits === tb.totals.credits && tb.totals.debitBalances === tb.totals.creditBalances;
      const journal = (await sql<{ e: string; l: string }>`SELECT (SELECT count(*) FROM journal_entries WHERE organisation_id = ${book.organisationId})::text AS e, (SELECT count(*) FROM journal_lines WHERE organisation_id = ${book.organisationId})::text AS l`.execute(book.db)).rows[0];
      rows.push({
        figure: `Year's trial balance over ${book.loans.toLocaleString("en-GB")} loans and ${book.members.toLocaleString("en-GB")} members' shares`,
        target: "< 2 s",
        measured: `${(best / 1000).toFixed(3)} s`,
        pass: best < 2000 && balanced,
        database: book.database,
        note: `2026, best of 3: journal brought up to date ${(postMs / 1000).toFixed(3)} s (nothing new) + trial balance; ${Number(journal.e).toLocaleString("en-GB")} entries, ${Number(journal.l).toLocaleString("en-GB")} lines in the journal; ${balanced ? "balances" : "DOES NOT BALANCE"}`,
      });
    }
  } finally {
    await book.done();
  }
  return rows;
};
