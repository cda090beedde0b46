/**
 * The loan book at scale, computed in the database: arrears and PAR of the
 * whole portfolio (the daily ageing job), pages of the loan lists (the
 * lending page) and the portfolio in batches (the CSV export). Nothing here
 * loads every installment into the server: 100,000 loans have 1.2 million
 * of them, and loading them alone takes more than 2 s.
 *
 * The rules are those of app/domain/lending/arrears.ts (DPD from the oldest
 * installment not fully paid and due before the date, buckets 1-30, 31-60,
 * 61-90, 90+, PARn over principal owed); that pure module stays the
 * reference, and tests/integration/portfolio-arrears.test.ts checks this SQL
 * against it on a generated book.
 */
import { sql, type Kysely, type RawBuilder, type SqlBool } from "kysely";
import { bucketOf, BUCKETS, parFigure, type Bucket, type ParOptions } from "~/domain/lending/arrears";
import { toDay } from "~/domain/calendar";
import type { Minor } from "~/domain/money";
import type { DB } from "../../../db/schema";
import type { Executor } from "~/utils/db.server";

/** An installment not fully paid (as it stands). */
const UNPAID = sql<SqlBool>`i.paid_principal + i.paid_interest + i.paid_fees < i.principal + i.interest + i.fees`;

function bucketCase(dpd: RawBuilder<unknown>) {
  return sql<Bucket>`CASE WHEN ${dpd} <= 0 THEN 'current' WHEN ${dpd} <= 30 THEN '1-30' WHEN ${dpd} <= 60 THEN '31-60' WHEN ${dpd} <= 90 THEN '61-90' ELSE '90+' END`;
}

/**
 * Runs `fn` with more memory for sorts and hashes, for this transaction only:
 * the per-loan aggregate (one group per loan) spills to disk at the default
 * 4 MB on a large portfolio.
 */
async function withWorkMem<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  const run = async (trx: Executor) => {
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
    return fn(trx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

export interface PortfolioArrearsOptions extends ParOptions {
  /**
   * Which loans' days past due to return in `dpdByLoan`: those late by one
   * of these numbers of days (the ageing job's reminder days), or every
   * late loan ("late"). Default none.
   */
  dpdOf?: readonly number[] | "late";
}

/**
 * DPD buckets and PAR30/60/90 of the active portfolio as at a date, from
 * the installments as they stand, in one aggregate query. The installments
 * are grouped by loan first and only the 100,000 groups joined to the loans
 * to keep the active ones (joining first probed the loans for each of 1.2
 * million installments: a quarter more of the database's CPU on the bench book).
 */
export async function portfolioArrears(db: Executor, organisationId: string, asAt: string, options: PortfolioArrearsOptions = {}) {
  const dpdOf = options.dpdOf ?? [];
  const listLate = dpdOf === "late";
  const days = listLate ? [] : [...dpdOf];
  const { rows } = await withWorkMem(db, (trx) =>
    sql<{ bucket: Bucket | null; loan_id: string | null; loans: string | null; principal: string | null; dpd: number | null }>`
      WITH figures AS (
        SELECT i.loan_id,
               COALESCE(${asAt}::date - MIN(i.due_on) FILTER (WHERE i.due_on < ${asAt}::date AND ${UNPAID}), 0) AS dpd,
               SUM(i.principal - i.paid_principal) AS owed
          FROM loan_installments i
         WHERE i.organisation_id = ${organisationId}
         GROUP BY i.loan_id
      ), per_loan AS MATERIALIZED (
        SELECT f.loan_id, f.dpd, f.owed
          FROM figures f
          JOIN loans l ON l.organisation_id = ${organisationId} AND l.id = f.loan_id
         WHERE l.status = 'active'
      )
      SELECT ${bucketCase(sql.ref("dpd"))} AS bucket, NULL::text AS loan_id, COUNT(*)::text AS loans, COALESCE(SUM(owed), 0)::text AS principal, NULL::int AS dpd
        FROM per_loan GROUP BY 1
      UNION ALL
      SELECT NULL, loan_id::text, NULL, NULL, dpd
        FROM per_loan WHERE ${listLate ? sql`dpd > 0` : days.length ? sql`dpd IN (${sql.join(days)})` : sql`false`}`.execute(trx),
  );
  const buckets = Object.fromEntries(BUCKETS.map((b) => [b, { loans: 0, principal: 0n }])) as Record<Bucket, { loans: number; principal: Minor }>;
  const dpdByLoan = new Map<string, number>();
  for (const r of rows) {
    if (r.bucket) buckets[r.bucket] = { loans: Number(r.loans), principal: BigInt(r.principal ?? "0") };
    else if (r.loan_id) dpdByLoan.set(r.loan_id, Number(r.dpd));
  }
  const totalOutstanding = BUCKETS.reduce((s, b) => s + buckets[b].principal, 0n);
  const over90 = buckets["90+"].principal;
  const over60 = over90 + buckets["61-90"].principal;
  const over30 = over60 + buckets["31-60"].principal;
  return {
    asAt,
    loans: BUCKETS.reduce((s, b) => s + buckets[b].loans, 0),
    buckets,
    totalOutstanding,
    par30: parFigure(over30, totalOutstanding, options),
    par60: parFigure(over60, totalOutstanding, options),
    par90: parFigure(over90, totalOutstanding, options),
    dpdByLoan,
  };
}

export interface PortfolioFilter {
  officerUserId?: string;
  borrowerIds?: string[];
  /** Active loans only. */
  active?: boolean;
  /** Active loans late as at the date, the latest first (most days late). */
  late?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * Loans with their balance, next due date and DPD as at a date: the page's
 * lists and the CSV. Each loan's figures come from its own installments
 * (one index range per loan), so a page of 50 reads 50 loans' rows, not
 * the book's.
 */
export async function portfolioLoans(db: Executor, organisationId: string, asAt: string, filter: PortfolioFilter = {}) {
  if (filter.borrowerIds && filter.borrowerIds.length === 0) return [];
  // First the loans of the page (filters, order, limit) by their own indexes; only then each one's figures. Joined the
  // other way round, the planner may work out the figures of every loan after the cursor and sort them to keep a page.
  let page = db
    .selectFrom("loans as l")
    .select(["l.id", "l.reference"])
    .where("l.organisation_id", "=", organisationId);
  if (filter.officerUserId) page = page.where("l.officer_user_id", "=", filter.officerUserId);
  if (filter.borrowerIds) page = page.where("l.borrower_id", "in", filter.borrowerIds);
  if (filter.active || filter.late) page = page.where("l.status", "=", "active");
  let ordered;
  if (filter.late) {
    // Each late loan once, by its oldest unpaid installment due before the date: read in due order from the
    // partial index of unpaid installments (migration 0024), so a page stops after its rows.
    ordered = page
      .innerJoin(
        (eb) =>
          eb
            .selectFrom("loan_installments as i")
            .select(["i.loan_id", "i.due_on as oldest"])
            .where("i.organisation_id", "=", organisationId)
            .where("i.due_on", "<", asAt)
            .where(UNPAID)
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom("loan_installments as e")
                    .select(sql`1`.as("one"))
                    .whereRef("e.organisation_id", "=", "i.organisation_id")
                    .whereRef("e.loan_id", "=", "i.loan_id")
                    .where(sql<SqlBool>`e.paid_principal + e.paid_interest + e.paid_fees < e.principal + e.interest + e.fees`)
                    .where(sql<SqlBool>`(e.due_on, e.n) < (i.due_on, i.n)`),
                ),
              ),
            )
            .as("late"),
        (j) => j.onRef("late.loan_id", "=", "l.id"),
      )
      .select(sql<string | null>`late.oldest::text`.as("oldest"))
      .orderBy("late.oldest")
      .orderBy("l.reference");
  } else {
    ordered = page.select(sql<string | null>`NULL::text`.as("oldest")).orderBy("l.reference");
  }
  if (filter.limit !== undefined) ordered = ordered.limit(filter.limit);
  if (filter.offset) ordered = ordered.offset(filter.offset);
  // The page's loans carry their own columns out of the subquery: joined back to loans by id, the planner read the
  // whole table to hash it for a page of 50.
  const rows = await db
    .selectFrom(ordered.select(["l.principal", "l.status", "l.disbursed_on", "l.annual_rate", "l.apr", "l.officer_user_id", "l.borrower_id"]).as("l"))
    .innerJoin("borrowers as b", (j) => j.on("b.organisation_id", "=", organisationId).onRef("b.id", "=", "l.borrower_id"))
    .leftJoin("users as u", "u.id", "l.officer_user_id")
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("loan_installments as i")
          .select(figures(asAt))
          .where("i.organisation_id", "=", organisationId)
          .whereRef("i.loan_id", "=", "l.id")
          .as("f"),
      (j) => j.onTrue(),
    )
    .select(["l.id", "l.reference", "l.principal", "l.status", "l.disbursed_on", "l.annual_rate", "l.apr", "l.officer_user_id", "b.legal_name", "b.is_local", "u.name as officer_name", "f.outstanding", "f.next_due", "f.overdue"])
    .orderBy(filter.late ? "l.oldest" : "l.reference")
    .orderBy("l.reference")
    .execute();
  return rows.map(portfolioRow(asAt));
}

/** A loan's figures from its installments (over a group of one loan's rows `i`). */
function figures(asAt: string) {
  return [
    sql<bigint>`COALESCE(SUM(i.principal - i.paid_principal), 0)`.as("outstanding"),
    sql<string | null>`MIN(i.due_on) FILTER (WHERE ${UNPAID})`.as("next_due"),
    sql<bigint>`COALESCE(SUM(i.principal + i.interest + i.fees - i.paid_principal - i.paid_interest - i.paid_fees) FILTER (WHERE i.due_on < ${asAt}::date), 0)`.as("overdue"),
  ];
}

interface PortfolioQueryRow {
  id: string;
  reference: number;
  principal: bigint;
  status: string;
  disbursed_on: string;
  annual_rate: string;
  apr: string;
  officer_user_id: string | null;
  legal_name: string;
  is_local: boolean;
  officer_name: string | null;
  outstanding: bigint | string | null;
  next_due: string | null;
  overdue: bigint | string | null;
}

/** The row as the lists and the CSV show it: a loan with no installments owes nothing; DPD and bucket as at the date. */
function portfolioRow(asAt: string) {
  return <R extends PortfolioQueryRow>({ next_due, ...r }: R) => {
    const nextDue = r.status === "active" ? next_due : null;
    const dpd = nextDue && nextDue < asAt ? toDay(asAt) - toDay(nextDue) : 0;
    return { ...r, outstanding: r.status === "reversed" ? 0n : BigInt(r.outstanding ?? 0), overdue: r.status === "active" ? BigInt(r.overdue ?? 0) : 0n, nextDue, dpd, bucket: bucketOf(dpd) };
  };
}

export type PortfolioLoanRow = Awaited<ReturnType<typeof portfolioLoans>>[number];

/** One page of a loan list, and whether another follows (one row more is read to know). */
export async function portfolioLoansPage(db: Executor, organisationId: string, asAt: string, filter: Omit<PortfolioFilter, "limit" | "offset">, page: number, pageSize: number) {
  const rows = await portfolioLoans(db, organisationId, asAt, { ...filter, limit: pageSize + 1, offset: (page - 1) * pageSize });
  return { rows: rows.slice(0, pageSize), page, hasNext: rows.length > pageSize };
}

/** Minor units as formatMinor writes them ("-1234.50"): exact numeric arithmetic in the database (bigint × 0.01 keeps two decimals), never a float. */
export function decimalText(units: RawBuilder<unknown>) {
  return sql<string>`(${units} * 0.01)::text`;
}

/** A loan's days past due as at the date (portfolioRow's rule): from its first unpaid installment's due date, active loans only. */
function dpdOf(asAt: string) {
  return sql<number>`CASE WHEN l.status = 'active' AND f.next_due < ${asAt}::date THEN ${asAt}::date - f.next_due ELSE 0 END`;
}

/** The portfolio CSV's header, its columns in order. */
export const PORTFOLIO_CSV_HEADER = ["loan", "borrower", "local", "status", "disbursed_on", "principal", "annual_rate", "apr", "principal_outstanding", "overdue", "next_due", "days_past_due", "bucket", "officer"] as const;
type PortfolioCsvColumn = (typeof PORTFOLIO_CSV_HEADER)[number];

/**
 * The portfolio CSV's columns, each written as text by the database exactly as the lists' rows (portfolioRow) are
 * written out: amounts from minor units, DPD and bucket as at the date, "yes"/"no" for local. The server only writes
 * lines (csvLine: every cell neutralised and quoted as needed); mapping 100,000 rows in the server and parsing their
 * bigints cost more than the database's query. tests/integration/portfolio-csv.test.ts checks the file byte for byte
 * against portfolioLoans mapped in the server.
 */
function portfolioCsvColumns(asAt: string): Record<PortfolioCsvColumn, RawBuilder<string | null>> {
  const dpd = dpdOf(asAt);
  return {
    loan: sql<string>`l.reference::text`,
    borrower: sql<string>`b.legal_name`,
    local: sql<string>`CASE WHEN b.is_local THEN 'yes' ELSE 'no' END`,
    status: sql<string>`l.status`,
    disbursed_on: sql<string>`l.disbursed_on::text`,
    principal: decimalText(sql`l.principal`),
    annual_rate: sql<string>`l.annual_rate::text`,
    apr: sql<string>`l.apr`,
    principal_outstanding: decimalText(sql`CASE WHEN l.status = 'reversed' THEN 0 ELSE COALESCE(f.outstanding, 0) END`),
    overdue: decimalText(sql`CASE WHEN l.status = 'active' THEN COALESCE(f.overdue, 0) ELSE 0 END`),
    next_due: sql<string | null>`(CASE WHEN l.status = 'active' THEN f.next_due END)::text`,
    days_past_due: sql<string>`(${dpd})::text`,
    bucket: bucketCase(dpd),
    officer: sql<string | null>`u.name`,
  };
}


/**
 * Every loan of the organisation, by reference, as the portfolio CSV's cells (text, in PORTFOLIO_CSV_HEADER's order),
 * `batchSize` rows at a time. One query over the whole book read through a server-side cursor, so the server holds one
 * batch at a time: the figures are one hash aggregate over the book's installments (one pass over 1.2 million rows for
 * 100,000 loans), not an index range per loan (EXPLAIN ANALYZE on the 100,000-loan bench book: 0.7 s of the
 * database's CPU for the whole book, against 0.09 s for each of twenty batches of 5,000 loans with their figures per
 * loan, plus 70 ms of JIT compilation each). The next batch is asked for before this one is handed on, so the
 * database reads it while the server writes lines.
 * The cursor lives in a transaction of its own (or the caller's); stopping early (the download cancelled) closes it.
 */
export async function* portfolioCsvRows(db: Executor, organisationId: string, asAt: string, batchSize = 5000): AsyncGenerator<readonly (readonly (string | null)[])[]> {
  const columns = portfolioCsvColumns(asAt);
  const book = db
    .selectFrom("loans as l")
    .innerJoin("borrowers as b", (j) => j.onRef("b.organisation_id", "=", "l.organisation_id").onRef("b.id", "=", "l.borrower_id"))
    .leftJoin("users as u", "u.id", "l.officer_user_id")
    .leftJoin(
      (eb) => eb.selectFrom("loan_installments as i").select("i.loan_id").select(figures(asAt)).where("i.organisation_id", "=", organisationId).groupBy("i.loan_id").as("f"),
      (j) => j.onRef("f.loan_id", "=", "l.id"),
    )
    .select(PORTFOLIO_CSV_HEADER.map((name) => columns[name].as(name)))
    .where("l.organisation_id", "=", organisationId)
    .orderBy("l.reference");
  type Row = Record<PortfolioCsvColumn, string | null>;
  const own = db.isTransaction ? null : await (db as Kysely<DB>).startTransaction().execute();
  const trx: Executor = own ?? db;
  const fetchBatch = async () => (await sql<Row>`FETCH FORWARD ${sql.lit(batchSize)} FROM portfolio_book`.execute(trx)).rows;
  let next: Promise<Row[]> | null = null;
  let done = false;
  try {
    // One group per loan: the hash aggregate needs more than the default 4 MB; on a 2-core server parallel workers and
    // JIT compilation cost more than they save on this plan.
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
    await sql`SET LOCAL jit = off`.execute(trx);
    await sql`SET LOCAL max_parallel_workers_per_gather = 0`.execute(trx);
    await sql`DECLARE portfolio_book NO SCROLL CURSOR FOR ${book}`.execute(trx);
    next = fetchBatch();
    for (;;) {
      const rows: Row[] = await next;
      next = rows.length < batchSize ? null : fetchBatch();
      if (rows.length) yield rows.map((r) => PORTFOLIO_CSV_HEADER.map((name) => r[name]));
      if (!next) break;
    }
    await sql`CLOSE portfolio_book`.execute(trx);
    done = true;
  } finally {
    // A batch still on its way is read to its end before the cursor is closed (one connection, one query at a time).
    if (next) await next.catch(() => undefined);
    if (own) await (done ? own.commit() : own.rollback()).execute();
    else if (!done) await sql`CLOSE portfolio_book`.execute(trx).catch(() => undefined);
  }
}
