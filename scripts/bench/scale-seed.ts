/**
 * The bench's organisation at scale (issue #16 point 7, issue #18 point 6):
 * the demo's Lancashire Community Bank (scripts/seed.ts: every demo login,
 * its meetings, loans, applications, spend uploads and bank statements)
 * grown to 1,000,000 members (each with a share purchase, a third with a
 * second), 100,000 loans of 12 installments (loan k has paid its first
 * k mod 13) with their pay-outs, repayments and allocation lines, a closed
 * motion with 1,000,000 ballots, and a supplier spend upload of 100,000
 * lines; the journal is posted from those ledgers.
 *
 * It lives in a database of its own on the PostgreSQL server,
 * coop_bench_scale (BENCH_SCALE_DATABASE names another), made with the
 * app's migrations and set-based SQL (INSERT ... SELECT generate_series),
 * and is kept between runs: a run whose SCALE_SEED_VERSION matches the
 * database's reuses it (the migrations still run, so a new index reaches
 * it); any other is dropped and seeded again. Sections that use it leave
 * it as they found it (the treasury import runs in a transaction rolled
 * back at the end).
 */
import pg from "pg";
import { sql } from "kysely";
import { parseSupplierSpendCsv } from "../../app/domain/impact/csv";
import { closeMotion, createMeeting, createMotion, openMotion } from "../../app/models/governance/meetings.server";
import { getOrganisation } from "../../app/models/core/organisations.server";
import { createAnchor, recordSpendUpload } from "../../app/models/impact/procurement.server";
import { postJournal } from "../../app/models/treasury/journal.server";
import { createPgDatabase, type Database } from "../../app/utils/db.server";
import { LOCAL_SERVER } from "../../db/fresh-database";
import { migrateToLatest } from "../../db/migrate";
import { seed } from "../seed";

/** Bump when what the seed makes changes: the next run drops the database and seeds it again. */
export const SCALE_SEED_VERSION = "1";

export const SCALE = { members: 1_000_000, loans: 100_000, ballots: 1_000_000, spendLines: 100_000, installments: 12, borrowers: 1_000 } as const;

/** Member n's name (as the treasury bench's statement writes it): 320 first-and-last pairs, so names repeat as in life. */
export const FIRST = ["Aisha", "Ben", "Chloe", "Daniel", "Ella", "Farhan", "Grace", "Harry", "Imran", "Jess", "Kieran", "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Rachel", "Sam", "Tariq", "Zoe"];
export const LAST = ["Ashworth", "Bamber", "Cookson", "Dewhurst", "Eccles", "Hesketh", "Iqbal", "Jackson", "Livesey", "Mistry", "Nuttall", "Patel", "Rawcliffe", "Singleton", "Whittle", "Yates"];
/** Borrower b's name; loan k's borrower is 1 + k mod SCALE.borrowers. */
export const borrowerName = (b: number) => `Bench Borrower ${b} Ltd`;

export interface ScaleDatabase {
  db: Database;
  url: string;
  name: string;
  /** The scaled organisation (the demo's community bank). */
  organisationId: string;
  /** Bench loans are numbered from here + 1 (the demo's own loans come first); loan k's installment is 100,000 + k pence. */
  firstLoanReference: number;
  /** True when this run seeded it. */
  seeded: boolean;
  seedSeconds: number;
}

const ms = (t0: number) => performance.now() - t0;

/** The server the bench measures on (the bench's own fresh database's server), as an admin URL for another database name. */
function serverUrl(database: string) {
  const url = new URL(process.env.BENCH_SERVER_URL ?? process.env.BENCH_URL ?? process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? LOCAL_SERVER);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Opens (creating and seeding when absent or of another seed version) the scale database. */
export async function openScaleDatabase(log: (line: string) => void): Promise<ScaleDatabase> {
  const name = process.env.BENCH_SCALE_DATABASE ?? "coop_bench_scale";
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: serverUrl("postgres"), connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount;
    if (exists) {
      const probe = new pg.Client({ connectionString: serverUrl(name) });
      await probe.connect();
      let version: string | null = null;
      try {
        const r = await probe.query("SELECT version FROM bench_scale_seed WHERE complete");
        version = r.rows[0]?.version ?? null;
      } catch {
        version = null;
      } finally {
        await probe.end();
      }
      if (version !== SCALE_SEED_VERSION) {
        log(`scale: ${name} holds seed version ${version ?? "(none, or unfinished)"}, not ${SCALE_SEED_VERSION}: dropping it`);
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      }
    }
    if (!(await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = serverUrl(name);
  const db = createPgDatabase(url, 8);
  await migrateToLatest(db);
  await sql`CREATE TABLE IF NOT EXISTS bench_scale_seed (version text NOT NULL, complete boolean NOT NULL DEFAULT false, organisation_id uuid, first_loan_reference int, seeded_at timestamptz NOT NULL DEFAULT now(), seconds numeric)`.execute(db);
  const done = await sql<{ organisation_id: string; first_loan_reference: number }>`SELECT organisation_id::text, first_loan_reference FROM bench_scale_seed WHERE complete AND version = ${SCALE_SEED_VERSION}`.execute(db);
  if (done.rows[0]) {
    log(`scale: reusing ${name} (seed version ${SCALE_SEED_VERSION})`);
    return { db, url, name, organisationId: done.rows[0].organisation_id, firstLoanReference: done.rows[0].first_loan_reference, seeded: false, seedSeconds: 0 };
  }
  const t0 = performance.now();
  const { organisationId, firstLoanReference } = await seedScale(db, log);
  const seconds = ms(t0) / 1000;
  await sql`INSERT INTO bench_scale_seed (version, complete, organisation_id, first_loan_reference, seconds) VALUES (${SCALE_SEED_VERSION}, true, ${organisationId}, ${firstLoanReference}, ${seconds})`.execute(db);
  log(`scale: seeded ${name} in ${seconds.toFixed(0)} s`);
  return { db, url, name, organisationId, firstLoanReference, seeded: true, seedSeconds: seconds };
}

async function step<T>(log: (line: string) => void, what: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await work();
  log(`scale: ${what} (${(ms(t0) / 1000).toFixed(1)} s)`);
  return result;
}

async function seedScale(db: Database, log: (line: string) => void) {
  await step(log, "demo data seeded (scripts/seed.ts)", () => seed(db, () => {}));
  const org = await db.selectFrom("organisations").select("id").where("slug", "=", "lancs-community-bank").executeTakeFirstOrThrow();
  const o = org.id;
  const user = async (email: string) => (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  const secretary = await user("secretary@demo.coop");
  const officer = await user("loans@demo.coop");

  // Members: numbered on from the demo's, up to 1,000,000 in all; admitted over ten years.
  const first = Number((await sql<{ n: number }>`SELECT COALESCE(MAX(member_number), 0)::int AS n FROM members WHERE organisation_id = ${o}`.execute(db)).rows[0].n) + 1;
  const cls = await sql<{ id: string }>`SELECT id FROM share_classes WHERE organisation_id = ${o} ORDER BY created_at LIMIT 1`.execute(db);
  await step(log, `${(SCALE.members - first + 1).toLocaleString("en-GB")} members, their status history, share purchases and holdings`, async () => {
    await sql`
      INSERT INTO members (organisation_id, member_number, kind, name, email, address, postcode, is_local, status, applied_on, admitted_on)
      SELECT ${o}::uuid, g, 'person', (${FIRST}::text[])[1 + g % ${FIRST.length}] || ' ' || (${LAST}::text[])[1 + (g / ${FIRST.length}) % ${LAST.length}],
             'member' || g || '@bench.example', g || ' Fishergate, Preston', 'PR' || (1 + g % 5) || ' ' || (1 + g % 9) || 'AB', g % 5 <> 0, 'admitted',
             DATE '2015-06-01' + (g % 4000), DATE '2015-06-01' + (g % 4000)
        FROM generate_series(${first}::int, ${SCALE.members}::int) g`.execute(db);
    await sql`
      INSERT INTO member_status_history (organisation_id, member_id, status, effective_on)
      SELECT organisation_id, id, 'admitted', admitted_on FROM members WHERE organisation_id = ${o} AND member_number >= ${first}`.execute(db);
    // A bench-only bulk load, as the shares bench does: session_replication_role = replica skips the ledger's
    // per-row trigger for this transaction; the holdings (its projection) are then built in one statement.
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      // Replica mode skips the ledger-version trigger too (0039): move the version on by hand, so no remembered figure outlives the load.
      await sql`INSERT INTO ledger_versions AS v (organisation_id, version) VALUES (${o}::uuid, 1) ON CONFLICT (organisation_id) DO UPDATE SET version = v.version + 1`.execute(trx);
      await sql`
        INSERT INTO share_transactions (organisation_id, member_id, class_id, kind, shares, amount, effective_on, method, reference)
        SELECT organisation_id, id, ${cls.rows[0].id}::uuid, 'purchase', 10 + member_number % 500, (10 + member_number % 500) * 100, admitted_on, 'import', 'bench'
          FROM members WHERE organisation_id = ${o} AND member_number >= ${first}
        UNION ALL
        SELECT organisation_id, id, ${cls.rows[0].id}::uuid, 'purchase', 25, 2500, DATE '2026-06-01', 'bank_transfer', 'bench'
          FROM members WHERE organisation_id = ${o} AND member_number >= ${first} AND member_number % 3 = 0`.execute(trx);
      await sql`
        INSERT INTO share_holdings (organisation_id, member_id, class_id, shares, value)
        SELECT t.organisation_id, t.member_id, t.class_id, SUM(t.shares), SUM(t.amount)
          FROM share_transactions t JOIN members m ON m.organisation_id = t.organisation_id AND m.id = t.member_id
         WHERE t.organisation_id = ${o} AND m.member_number >= ${first} GROUP BY 1, 2, 3`.execute(trx);
    });
    await sql`ANALYZE members, member_status_history, share_transactions, share_holdings`.execute(db);
  });

  // Loans: as the lending bench's book (scripts/bench/lending.ts), spread over 1,000 borrowers, one in 50 the demo
  // loan officer's. Loan k's installments are 1,000 + k/100 pounds each (interest k pence), so an installment paid
  // with no reference points at one loan (the treasury bench's statement relies on it).
  const firstLoanReference = Number((await sql<{ n: number }>`SELECT COALESCE(MAX(reference), 0)::int AS n FROM loans WHERE organisation_id = ${o}`.execute(db)).rows[0].n);
  await step(log, `${SCALE.loans.toLocaleString("en-GB")} loans with ${SCALE.installments} installments each, their pay-outs, repayments and allocation lines`, async () => {
    await sql`
      INSERT INTO borrowers (organisation_id, legal_name, legal_form, sic_code, postcode, is_local, contact_name, contact_email)
      SELECT ${o}::uuid, 'Bench Borrower ' || b || ' Ltd', (ARRAY['worker-co-op','co-operative','social-enterprise','company','sole-trader'])[1 + b % 5],
             (ARRAY['10710','56101','47110','41201','86900'])[1 + b % 5], 'PR' || (1 + b % 5) || ' 2AB', b % 4 <> 0, 'Bench contact ' || b, 'borrower' || b || '@bench.example'
        FROM generate_series(1, ${SCALE.borrowers}::int) b`.execute(db);
    const product = await sql<{ id: string }>`
      INSERT INTO loan_products (organisation_id, name, amortization, interest_method, annual_rate, min_rate, max_rate, min_principal, max_principal, min_term, max_term, frequency, days_in_year, days_in_month)
      VALUES (${o}, 'Bench product', 'equal-principal', 'declining', 12, 0, 36, 100, 100000000, 1, 120, 'monthly', '360', '30') RETURNING id`.execute(db);
    await sql`
      INSERT INTO loans (organisation_id, reference, borrower_id, product_id, officer_user_id, principal, annual_rate, terms, apr, disbursed_on, status)
      SELECT ${o}::uuid, ${firstLoanReference}::int + g, b.id, ${product.rows[0].id}::uuid, CASE WHEN g % 50 = 0 THEN ${officer}::uuid END,
             1200000, 12, '{}'::jsonb, '12.7', DATE '2025-11-01' + (g % 300), 'active'
        FROM generate_series(1, ${SCALE.loans}::int) g
        JOIN borrowers b ON b.organisation_id = ${o}::uuid AND b.legal_name = 'Bench Borrower ' || (1 + g % ${SCALE.borrowers}) || ' Ltd'`.execute(db);
    await sql`
      INSERT INTO loan_installments (organisation_id, loan_id, n, due_on, principal, interest, paid_principal, paid_interest)
      SELECT l.organisation_id, l.id, n, (l.disbursed_on + make_interval(months => n))::date, 100000, k,
             CASE WHEN n <= k % 13 THEN 100000 ELSE 0 END, CASE WHEN n <= k % 13 THEN k ELSE 0 END
        FROM (SELECT organisation_id, id, disbursed_on, reference - ${firstLoanReference}::int AS k FROM loans WHERE organisation_id = ${o} AND reference > ${firstLoanReference}) l,
             generate_series(1, ${SCALE.installments}::int) n`.execute(db);
    await sql`
      INSERT INTO loan_transactions (organisation_id, loan_id, kind, amount, principal_part, on_date, method)
      SELECT organisation_id, id, 'disbursement', principal, principal, disbursed_on, 'bank' FROM loans WHERE organisation_id = ${o} AND reference > ${firstLoanReference}`.execute(db);
    await sql`
      INSERT INTO loan_transactions (organisation_id, loan_id, kind, amount, principal_part, interest_part, on_date, method)
      SELECT i.organisation_id, i.loan_id, 'repayment', SUM(i.paid_principal + i.paid_interest), SUM(i.paid_principal), SUM(i.paid_interest), LEAST(MAX(i.due_on), DATE '2026-11-25'), 'bank'
        FROM loan_installments i JOIN loans l ON l.organisation_id = i.organisation_id AND l.id = i.loan_id
       WHERE i.organisation_id = ${o} AND l.reference > ${firstLoanReference} AND i.paid_principal > 0 GROUP BY i.organisation_id, i.loan_id`.execute(db);
    await sql`
      INSERT INTO loan_allocation_lines (organisation_id, transaction_id, loan_id, n, component, amount)
      SELECT i.organisation_id, t.id, i.loan_id, i.n, c.component, CASE c.component WHEN 'principal' THEN i.paid_principal ELSE i.paid_interest END
        FROM loan_installments i
        JOIN loans l ON l.organisation_id = i.organisation_id AND l.id = i.loan_id AND l.reference > ${firstLoanReference}
        JOIN loan_transactions t ON t.organisation_id = i.organisation_id AND t.loan_id = i.loan_id AND t.kind = 'repayment'
        CROSS JOIN (VALUES ('principal'), ('interest')) c(component)
       WHERE i.organisation_id = ${o} AND i.paid_principal > 0`.execute(db);
    await sql`ANALYZE borrowers, loans, loan_installments, loan_transactions, loan_allocation_lines`.execute(db);
  });

  // A million ballots: a past general meeting's ordinary resolution, opened (the electorate is the million members),
  // voted online by every member, then closed by the app (sealed, counted and certified).
  await step(log, `a closed motion with ${SCALE.ballots.toLocaleString("en-GB")} ballots`, async () => {
    const rules = (await getOrganisation(db, o)).rules;
    const meeting = await createMeeting(db, secretary, o, {
      kind: "sgm", title: "Special General Meeting, September 2026", heldOn: "2026-09-30", startsAt: "18:30", place: "Online", format: "electronic",
      noticeGivenOn: "2026-09-01", recordDate: "2026-09-01", agenda: "1. Share interest rate", documents: "",
    });
    const motion = await createMotion(db, secretary, o, meeting.id, { kind: "ordinary", title: "Set share interest at 2% for 2026-27", body: "That share interest for 2026-27 be paid at 2%.", thresholdComparison: "at-least" }, rules);
    await openMotion(db, secretary, o, motion.id, new Date("2026-09-02T09:00:00Z"));
    await sql`
      INSERT INTO participations (organisation_id, motion_id, member_id, channel, voted_at)
      SELECT e.organisation_id, e.motion_id, e.member_id, 'online', TIMESTAMPTZ '2026-09-02 10:00Z' + (m.member_number % 2000000) * INTERVAL '1 second'
        FROM motion_electorate e JOIN members m ON m.organisation_id = e.organisation_id AND m.id = e.member_id
       WHERE e.motion_id = ${motion.id} ORDER BY m.member_number LIMIT ${SCALE.ballots}`.execute(db);
    await sql`
      INSERT INTO ballots (organisation_id, motion_id, choice, weight, receipt_hash)
      SELECT ${o}::uuid, ${motion.id}::uuid, (ARRAY['for','for','against','abstain'])[1 + g % 4], 1, md5(${motion.id}::text || g::text)
        FROM generate_series(1, (SELECT count(*)::int FROM participations WHERE motion_id = ${motion.id})) g`.execute(db);
    await sql`ANALYZE motion_electorate, participations, ballots`.execute(db);
    await db.transaction().execute((trx) => closeMotion(trx, secretary, o, motion.id, new Date("2026-09-30T19:00:00Z")));
  });

  await step(log, `a supplier spend upload of ${SCALE.spendLines.toLocaleString("en-GB")} lines`, async () => {
    const postcodes = ["PR1 2AB", "PR3 1AA", "BB1 1AA", "M1 1AE", "LS1 4DY"];
    const categories = ["Construction", "Catering", "Facilities management", "IT services", "Printing"];
    const lines = ["supplier,postcode,amount,period,category"];
    for (let i = 0; i < SCALE.spendLines; i++) lines.push(`Supplier ${i % 900},${postcodes[i % 5]},${(i % 5000) + 10}.${String(i % 100).padStart(2, "0")},${2024 + (i % 3)}-${String(1 + (i % 12)).padStart(2, "0")},${categories[(i * 7) % 5]}`);
    const checked = parseSupplierSpendCsv(lines.join("\n"));
    if (!checked.ok) throw new Error("bench spend CSV did not parse");
    const anchor = await createAnchor(db, secretary, o, { name: "Bench County Council", kind: "council" });
    await db.transaction().execute((trx) => recordSpendUpload(trx, secretary, o, anchor.id, "bench-spend.csv", checked.rows));
    await sql`ANALYZE supplier_spend, spend_uploads`.execute(db);
  });

  await step(log, "journal posted from the ledgers (postJournal)", async () => {
    await postJournal(db, o);
    await sql`ANALYZE journal_entries, journal_lines`.execute(db);
  });
  await step(log, "vacuumed and checkpointed", async () => {
    await sql`VACUUM (ANALYZE)`.execute(db);
    await sql`CHECKPOINT`.execute(db);
  });
  return { organisationId: o, firstLoanReference };
}
