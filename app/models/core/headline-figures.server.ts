/**
 * One source for each headline figure, as at a date (ADR 0010). The
 * dashboard, the lending page, the impact pages, the annual return and the
 * public page read these functions, so one figure on one date reads the same
 * everywhere:
 *
 * - portfolioHeadline: principal outstanding, number of loans, buckets and
 *   PAR30/60/90. A loan is in the portfolio at the end of a date when the
 *   ledger says principal is still owed on it then (disbursed − repaid −
 *   written off, reversals netted, rows dated on or before the date); its
 *   days past due count from the oldest installment not fully paid by
 *   payments dated on or before the date. PAR percentages are basis points
 *   rounded half to even (domain/percent.ts).
 * - membersByStatus: members on the register (admitted on or before the
 *   date and not ceased by it; suspended members are still members), of whom
 *   suspended (status history as at the date), and applications waiting and
 *   members ceased as at the date.
 * - shareCapital: the share ledger's value as at the date (transactions
 *   effective on or before it, reversals netted).
 *
 * Each function has two paths (ADR 0020). As at a date after which the
 * organisation's ledger holds nothing (today, the date pages ask for most:
 * postings are not future-dated), the whole ledger counts, and the figure is
 * read from the projection kept in step with the ledger in the same
 * transaction (share_holdings, the installments' paid columns, the members'
 * admitted_on and ceased_on), which `npm run ledger:verify` checks against
 * the ledger. As at an earlier date the ledger itself is added up. The
 * integration tests build varied ledgers and prove the two paths give the
 * same figures; `fromLedger` forces the ledger path for them.
 */
import { sql } from "kysely";
import { BUCKETS, type Bucket } from "~/domain/lending/arrears";
import { displayMoney, type Minor, type MoneyStyle } from "~/domain/money";
import { basisPoints, basisPointsText } from "~/domain/percent";
import type { Executor } from "~/utils/db.server";
import { enqueueJob } from "~/utils/jobs.server";

export interface AsAtOptions {
  /** Add up the ledger even when nothing is dated after the date (tests compare the two paths). Never remembered. */
  fromLedger?: boolean;
  /** Work the figure out even when it is remembered for the ledger as it stands (tests). */
  fresh?: boolean;
}

/** What is remembered: the three headline figures, and the community wealth figures that show beside them (impact-figures.server.ts). */
export type Figure = "portfolio" | "members" | "capital" | "impact-headlines" | `impact-dashboard-${number}`;

/** Figures as JSON with their bigints kept exact: "123n" for 123n (no figure holds a text ending in n after digits). */
const storeFigures = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
const readFigures = <T>(stored: unknown): T => JSON.parse(typeof stored === "string" ? stored : JSON.stringify(stored), (_k, v) => (typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)) as T;

/** The organisation's ledger version as SQL: 0 before anything was ever written. */
const versionNow = (organisationId: string) => sql<string>`COALESCE((SELECT version FROM ledger_versions WHERE organisation_id = ${organisationId}), 0)`;

const ledgerVersion = async (db: Executor, organisationId: string) =>
  (await sql<{ version: string }>`SELECT ${versionNow(organisationId)}::text AS version`.execute(db)).rows[0].version;

/** Works the figure out and keeps it for `version` if the ledger did not move meanwhile; with how long it took. */
async function workOutAndKeep<T>(db: Executor, organisationId: string, figure: Figure, asAt: string, version: string, workOut: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await workOut();
  const workMs = Math.round(performance.now() - started);
  if ((await ledgerVersion(db, organisationId)) === version) {
    await sql`
      INSERT INTO headline_figure_cache AS c (organisation_id, figure, as_at, version, figures, work_ms)
      VALUES (${organisationId}, ${figure}, ${asAt}::date, ${version}::bigint, ${storeFigures(value)}::jsonb, ${workMs})
      ON CONFLICT (organisation_id, figure, as_at) DO UPDATE SET version = excluded.version, figures = excluded.figures, work_ms = excluded.work_ms, worked_out_at = now()
       WHERE c.version <= excluded.version`.execute(db);
  }
  return value;
}

/**
 * A figure as remembered for the organisation's ledger version, or worked
 * out (ADR 0020). Every transaction that writes what the figures come from
 * moves the version on as it commits (migration 0039), so figures worked out
 * while the version stood still (read before and after) are the figures of
 * that version, and are kept for the next request until the ledger moves.
 * Inside a transaction the figure is always worked out: that transaction's
 * own writes are not in any version yet.
 */
export async function remembered<T>(db: Executor, organisationId: string, figure: Figure, asAt: string, options: AsAtOptions, workOut: () => Promise<T>): Promise<T> {
  if (options.fromLedger || db.isTransaction) return workOut();
  const { rows } = await sql<{ version: string; figures: unknown }>`
    SELECT v.version::text AS version, c.figures
      FROM (SELECT ${versionNow(organisationId)} AS version) v
      LEFT JOIN headline_figure_cache c ON c.organisation_id = ${organisationId} AND c.figure = ${figure} AND c.as_at = ${asAt}::date AND c.version = v.version`.execute(db);
  if (rows[0].figures != null && !options.fresh) return readFigures<T>(rows[0].figures);
  return workOutAndKeep(db, organisationId, figure, asAt, rows[0].version, workOut);
}

/**
 * A remembered figure that took longer than this to work out is, while its
 * ledger moves on, served from its last working-out rather than worked out
 * again inside a page's request.
 */
export const SLOW_FIGURE_MS = 500;

export interface LastWorkedOut<T> {
  value: T;
  /** The date the figures are as at: the one asked for, or an earlier day's when those are the last worked out. */
  asAt: string;
  /** Set when the figures are from before the ledger's latest changes: when they were worked out. A job is working them out again. */
  stale: { workedOutAt: Date } | null;
}

/**
 * As remembered(), for figures that take seconds on a large organisation
 * (the community wealth dashboard and headlines at 1,000,000 members): when
 * the last working-out for this date, or failing that an earlier one, took
 * longer than SLOW_FIGURE_MS, it is served at once, marked stale, and
 * `refresh` is enqueued (once per date and ledger version) to work the
 * figure out again; the next request after it has run reads the new one.
 * Figures quick to work out (every organisation of ordinary size) are worked
 * out in the request as remembered() does.
 */
export async function rememberedOrLast<T>(
  db: Executor,
  organisationId: string,
  figure: Figure,
  asAt: string,
  refresh: { kind: string; payload: Record<string, unknown> },
  workOut: () => Promise<T>,
  slowMs = SLOW_FIGURE_MS,
): Promise<LastWorkedOut<T>> {
  if (db.isTransaction) return { value: await workOut(), asAt, stale: null };
  const { rows } = await sql<{ version: string; figures: unknown; kept_version: string | null; as_at: string | null; work_ms: number | null; worked_out_at: Date | null }>`
    SELECT v.version::text AS version, c.figures, c.version::text AS kept_version, c.as_at::text AS as_at, c.work_ms, c.worked_out_at
      FROM (SELECT ${versionNow(organisationId)} AS version) v
      LEFT JOIN LATERAL (
        SELECT * FROM headline_figure_cache c
         WHERE c.organisation_id = ${organisationId} AND c.figure = ${figure} AND c.as_at <= ${asAt}::date
         ORDER BY c.as_at DESC LIMIT 1
      ) c ON true`.execute(db);
  const [r] = rows;
  if (r.figures != null && r.as_at === asAt && r.kept_version === r.version) return { value: readFigures<T>(r.figures), asAt, stale: null };
  if (r.figures != null && r.work_ms !== null && r.work_ms > slowMs) {
    await enqueueJob(db, { organisationId, kind: refresh.kind, payload: refresh.payload, uniqueKey: `${refresh.kind}:${organisationId}:${figure}:${asAt}:${r.version}`, maxAttempts: 2 });
    return { value: readFigures<T>(r.figures), asAt: r.as_at!, stale: { workedOutAt: new Date(r.worked_out_at!) } };
  }
  return { value: await workOutAndKeep(db, organisationId, figure, asAt, r.version, workOut), asAt, stale: null };
}

export interface ParHeadline {
  atRisk: Minor;
  basisPoints: bigint;
}

export interface PortfolioHeadline {
  asAt: string;
  loans: number;
  outstanding: Minor;
  buckets: Record<Bucket, { loans: number; principal: Minor }>;
  par30: ParHeadline;
  par60: ParHeadline;
  par90: ParHeadline;
}

/** An installment not fully paid: the predicate of the partial indexes on loan_installments (0024, 0037). */
const UNPAID = sql`i.paid_principal + i.paid_interest + i.paid_fees < i.principal + i.interest + i.fees`;

/**
 * The book as at `asAt` from the ledger: each loan's principal owed from its
 * transactions dated on or before the date, and what each installment had
 * been paid from the allocation lines of those transactions.
 */
function bookFromLedger(organisationId: string, asAt: string) {
  return sql<{ bucket: Bucket; loans: string; principal: string }>`
    WITH book AS (
      SELECT t.loan_id,
             SUM(CASE
               WHEN t.kind = 'disbursement' THEN t.principal_part
               WHEN t.kind = 'recovery' THEN 0
               WHEN t.kind = 'reversal' AND o.kind = 'disbursement' THEN t.principal_part
               WHEN t.kind = 'reversal' AND o.kind = 'recovery' THEN 0
               ELSE -t.principal_part END) AS owed
        FROM loan_transactions t
        LEFT JOIN loan_transactions o ON o.organisation_id = t.organisation_id AND o.id = t.reverses_id
       WHERE t.organisation_id = ${organisationId} AND t.on_date <= ${asAt}::date
       GROUP BY t.loan_id
    ), open AS (
      SELECT loan_id, owed FROM book WHERE owed > 0
    ), paid AS (
      SELECT a.loan_id, a.n, SUM(a.amount) AS paid
        FROM loan_allocation_lines a
        JOIN loan_transactions t ON t.organisation_id = a.organisation_id AND t.id = a.transaction_id
       WHERE a.organisation_id = ${organisationId} AND t.on_date <= ${asAt}::date AND a.loan_id IN (SELECT loan_id FROM open)
       GROUP BY a.loan_id, a.n
    ), oldest AS (
      SELECT i.loan_id, MIN(i.due_on) AS due_on
        FROM loan_installments i
        JOIN open ON open.loan_id = i.loan_id
        LEFT JOIN paid p ON p.loan_id = i.loan_id AND p.n = i.n
       WHERE i.organisation_id = ${organisationId} AND i.due_on < ${asAt}::date AND COALESCE(p.paid, 0) < i.principal + i.interest + i.fees
       GROUP BY i.loan_id
    ), aged AS (
      SELECT open.owed, COALESCE(${asAt}::date - oldest.due_on, 0) AS dpd FROM open LEFT JOIN oldest ON oldest.loan_id = open.loan_id
    )
    SELECT CASE WHEN dpd <= 0 THEN 'current' WHEN dpd <= 30 THEN '1-30' WHEN dpd <= 60 THEN '31-60' WHEN dpd <= 90 THEN '61-90' ELSE '90+' END AS bucket,
           COUNT(*)::text AS loans, COALESCE(SUM(owed), 0)::text AS principal
      FROM aged GROUP BY 1`;
}

/**
 * The book when every transaction counts, from the installments as they
 * stand: a loan's principal owed is the principal its schedule still holds
 * (ledger:verify's loan balance: disbursed − repaid − written off equals it,
 * less what was written off; a written-off loan has nothing left and a
 * reversed pay-out lent nothing, so neither is in the book), and a fully
 * paid installment adds nothing, so only the unpaid installments are read
 * (a partial index, 0037), with the oldest of them past due; the few
 * written-off and reversed loans are left out by their ids.
 */
function bookFromInstallments(organisationId: string, asAt: string) {
  return sql<{ bucket: Bucket; loans: string; principal: string }>`
    WITH unpaid AS (
      SELECT i.loan_id, SUM(i.principal - i.paid_principal) AS owed, MIN(i.due_on) FILTER (WHERE i.due_on < ${asAt}::date) AS due_on
        FROM loan_installments i
       WHERE i.organisation_id = ${organisationId} AND ${UNPAID}
         AND i.loan_id NOT IN (SELECT l.id FROM loans l WHERE l.organisation_id = ${organisationId} AND l.status IN ('written_off', 'reversed'))
       GROUP BY i.loan_id
    ), aged AS (
      SELECT owed, COALESCE(${asAt}::date - due_on, 0) AS dpd FROM unpaid WHERE owed > 0
    )
    SELECT CASE WHEN dpd <= 0 THEN 'current' WHEN dpd <= 30 THEN '1-30' WHEN dpd <= 60 THEN '31-60' WHEN dpd <= 90 THEN '61-90' ELSE '90+' END AS bucket,
           COUNT(*)::text AS loans, COALESCE(SUM(owed), 0)::text AS principal
      FROM aged GROUP BY 1`;
}

/** Whether the loan ledger holds a transaction dated after `asAt` (an index range: loan_transactions_date_idx). */
async function loansDatedAfter(db: Executor, organisationId: string, asAt: string) {
  const { rows } = await sql<{ any: boolean }>`
    SELECT EXISTS (SELECT 1 FROM loan_transactions WHERE organisation_id = ${organisationId} AND on_date > ${asAt}::date) AS any`.execute(db);
  return rows[0].any;
}

export async function portfolioHeadline(db: Executor, organisationId: string, asAt: string, options: AsAtOptions = {}): Promise<PortfolioHeadline> {
  return remembered(db, organisationId, "portfolio", asAt, options, () => workOutPortfolio(db, organisationId, asAt, options));
}

async function workOutPortfolio(db: Executor, organisationId: string, asAt: string, options: AsAtOptions): Promise<PortfolioHeadline> {
  const fromLedger = options.fromLedger || (await loansDatedAfter(db, organisationId, asAt));
  const run = async (trx: Executor) => {
    // The ledger's per-loan hash aggregates spill to disk at the default 4 MB work_mem on a large book: more, for this transaction only.
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
    return bookFromLedger(organisationId, asAt).execute(trx);
  };
  const { rows } = !fromLedger ? await bookFromInstallments(organisationId, asAt).execute(db) : db.isTransaction ? await run(db) : await db.transaction().execute(run);
  const buckets = Object.fromEntries(BUCKETS.map((b) => [b, { loans: 0, principal: 0n }])) as Record<Bucket, { loans: number; principal: Minor }>;
  for (const r of rows) buckets[r.bucket] = { loans: Number(r.loans), principal: BigInt(r.principal) };
  const outstanding = BUCKETS.reduce((s, b) => s + buckets[b].principal, 0n);
  const loans = BUCKETS.reduce((s, b) => s + buckets[b].loans, 0);
  const over90 = buckets["90+"].principal;
  const over60 = over90 + buckets["61-90"].principal;
  const over30 = over60 + buckets["31-60"].principal;
  const par = (atRisk: Minor): ParHeadline => ({ atRisk, basisPoints: basisPoints(atRisk, outstanding) });
  return { asAt, loans, outstanding, buckets, par30: par(over30), par60: par(over60), par90: par(over90) };
}

export interface MembersHeadline {
  asAt: string;
  /** On the register at the end of the date: admitted by then and not ceased (suspended members included). */
  members: number;
  /** Of those, suspended as at the date. */
  suspended: number;
  /** Members on the register not suspended. */
  admitted: number;
  /** Applications not yet decided as at the date. */
  applied: number;
  /** Ceased on or before the date. */
  ceased: number;
}

type MemberCounts = { members: string; suspended: string; applied: string; ceased: string };

/** Each member's status as at the date is the latest of their status history by then; the dates are the register's. */
function membersFromHistory(organisationId: string, asAt: string) {
  return sql<MemberCounts>`
    WITH latest AS (
      SELECT DISTINCT ON (h.member_id) h.member_id, h.status
        FROM member_status_history h
       WHERE h.organisation_id = ${organisationId} AND h.effective_on <= ${asAt}::date
       ORDER BY h.member_id, h.effective_on DESC, h.id DESC
    ), m AS (
      SELECT m.id,
             (m.admitted_on IS NOT NULL AND m.admitted_on <= ${asAt}::date AND (m.ceased_on IS NULL OR m.ceased_on > ${asAt}::date)) AS on_register,
             (m.ceased_on IS NOT NULL AND m.ceased_on <= ${asAt}::date) AS ceased,
             l.status
        FROM members m LEFT JOIN latest l ON l.member_id = m.id
       WHERE m.organisation_id = ${organisationId}
    )
    SELECT COUNT(*) FILTER (WHERE on_register)::text AS members,
           COUNT(*) FILTER (WHERE on_register AND status = 'suspended')::text AS suspended,
           COUNT(*) FILTER (WHERE NOT on_register AND NOT ceased AND status = 'applied')::text AS applied,
           COUNT(*) FILTER (WHERE ceased)::text AS ceased
      FROM m`;
}

/**
 * The same counts when nothing is dated after the date: the members on the
 * register and ceased from the register's dates alone (an index-only count,
 * members_register_dates_idx), and the status history read only for the few
 * members it can make suspended (those with a suspension in their history)
 * or waiting (neither admitted nor ceased). members.status is not read: a
 * status change dated before an earlier-recorded one sets the column while
 * the history's latest stays the later-dated change.
 */
function membersFromRegister(organisationId: string, asAt: string) {
  const latest = (member: ReturnType<typeof sql.ref>) => sql`(SELECT h.status FROM member_status_history h
      WHERE h.organisation_id = ${organisationId} AND h.member_id = ${member} AND h.effective_on <= ${asAt}::date
      ORDER BY h.effective_on DESC, h.id DESC LIMIT 1)`;
  return sql<MemberCounts>`
    SELECT counts.members, counts.ceased,
      (SELECT COUNT(*) FROM members m
        WHERE m.organisation_id = ${organisationId}
          AND m.id IN (SELECT s.member_id FROM member_status_history s WHERE s.organisation_id = ${organisationId} AND s.status = 'suspended' AND s.effective_on <= ${asAt}::date)
          AND m.admitted_on <= ${asAt}::date AND (m.ceased_on IS NULL OR m.ceased_on > ${asAt}::date)
          AND ${latest(sql.ref("m.id"))} = 'suspended')::text AS suspended,
      (SELECT COUNT(*) FROM members m
        WHERE m.organisation_id = ${organisationId} AND m.admitted_on IS NULL AND m.ceased_on IS NULL
          AND ${latest(sql.ref("m.id"))} = 'applied')::text AS applied
    FROM (SELECT COUNT(*) FILTER (WHERE admitted_on <= ${asAt}::date AND (ceased_on IS NULL OR ceased_on > ${asAt}::date))::text AS members,
                 COUNT(*) FILTER (WHERE ceased_on <= ${asAt}::date)::text AS ceased
            FROM members WHERE organisation_id = ${organisationId}) counts`;
}

/**
 * Whether anything on the register is dated after `asAt`: a status change,
 * an admission or a cessation (index ranges). The register's dates come from
 * the status changes, so the last two follow from the first; they are asked
 * all the same, because the quick counts read those dates as they stand.
 */
async function registerDatedAfter(db: Executor, organisationId: string, asAt: string) {
  const { rows } = await sql<{ any: boolean }>`
    SELECT EXISTS (SELECT 1 FROM member_status_history WHERE organisation_id = ${organisationId} AND effective_on > ${asAt}::date)
        OR EXISTS (SELECT 1 FROM members WHERE organisation_id = ${organisationId} AND admitted_on > ${asAt}::date)
        OR EXISTS (SELECT 1 FROM members WHERE organisation_id = ${organisationId} AND ceased_on > ${asAt}::date) AS any`.execute(db);
  return rows[0].any;
}

export async function membersByStatus(db: Executor, organisationId: string, asAt: string, options: AsAtOptions = {}): Promise<MembersHeadline> {
  return remembered(db, organisationId, "members", asAt, options, () => workOutMembers(db, organisationId, asAt, options));
}

async function workOutMembers(db: Executor, organisationId: string, asAt: string, options: AsAtOptions): Promise<MembersHeadline> {
  const fromLedger = options.fromLedger || (await registerDatedAfter(db, organisationId, asAt));
  const { rows } = await (fromLedger ? membersFromHistory(organisationId, asAt) : membersFromRegister(organisationId, asAt)).execute(db);
  const r = rows[0];
  const members = Number(r.members);
  const suspended = Number(r.suspended);
  return { asAt, members, suspended, admitted: members - suspended, applied: Number(r.applied), ceased: Number(r.ceased) };
}

/** Whether the share ledger holds a transaction effective after `asAt` (an index range: share_transactions_date_idx). */
async function sharesDatedAfter(db: Executor, organisationId: string, asAt: string) {
  const { rows } = await sql<{ any: boolean }>`
    SELECT EXISTS (SELECT 1 FROM share_transactions WHERE organisation_id = ${organisationId} AND effective_on > ${asAt}::date) AS any`.execute(db);
  return rows[0].any;
}

/** Which ledgers hold rows dated after `asAt`, so their figures as at it are added up from the ledger (the tests ask which path a date takes). */
export async function datedAfter(db: Executor, organisationId: string, asAt: string) {
  const [loans, register, shares] = await Promise.all([loansDatedAfter(db, organisationId, asAt), registerDatedAfter(db, organisationId, asAt), sharesDatedAfter(db, organisationId, asAt)]);
  return { loans, register, shares };
}

export interface CapitalHeadline {
  asAt: string;
  capital: Minor;
}

/**
 * The share capital as at the date: from the share ledger, or, when no
 * transaction is effective after the date, the sum of the holdings (the
 * projection the ledger's trigger keeps in the same statement; an
 * index-only sum, share_holdings_class_totals_idx).
 */
export async function shareCapital(db: Executor, organisationId: string, asAt: string, options: AsAtOptions = {}): Promise<CapitalHeadline> {
  return remembered(db, organisationId, "capital", asAt, options, () => workOutCapital(db, organisationId, asAt, options));
}

async function workOutCapital(db: Executor, organisationId: string, asAt: string, options: AsAtOptions): Promise<CapitalHeadline> {
  const fromLedger = options.fromLedger || (await sharesDatedAfter(db, organisationId, asAt));
  const { rows } = fromLedger
    ? await sql<{ capital: string }>`
        SELECT COALESCE(SUM(CASE
                 WHEN t.kind IN ('purchase','transfer_in','interest_shares','bonus') THEN t.amount
                 WHEN t.kind IN ('withdrawal','transfer_out','forfeit') THEN -t.amount
                 WHEN o.kind IN ('purchase','transfer_in','interest_shares','bonus') THEN -t.amount
                 ELSE t.amount END), 0)::text AS capital
          FROM share_transactions t
          LEFT JOIN share_transactions o ON o.organisation_id = t.organisation_id AND o.id = t.reverses_id
         WHERE t.organisation_id = ${organisationId} AND t.effective_on <= ${asAt}::date`.execute(db)
    : await sql<{ capital: string }>`SELECT COALESCE(SUM(value), 0)::text AS capital FROM share_holdings WHERE organisation_id = ${organisationId}`.execute(db);
  return { asAt, capital: BigInt(rows[0].capital) };
}

export interface Headlines {
  asAt: string;
  portfolio: PortfolioHeadline;
  members: MembersHeadline;
  capital: CapitalHeadline;
}

/** All three figures, for the pages that show all three (the impact pages, the annual return). */
export async function headlineFigures(db: Executor, organisationId: string, asAt: string): Promise<Headlines> {
  const [portfolio, members, capital] = await Promise.all([
    portfolioHeadline(db, organisationId, asAt),
    membersByStatus(db, organisationId, asAt),
    shareCapital(db, organisationId, asAt),
  ]);
  return { asAt, portfolio, members, capital };
}

/** The portfolio's figures as pages write them (money and percentages as text, never Number). */
export function portfolioText(p: PortfolioHeadline, currency: string | MoneyStyle) {
  const money = (v: Minor) => displayMoney(v, currency);
  return {
    asAt: p.asAt,
    outstanding: money(p.outstanding),
    loans: p.loans,
    par30: basisPointsText(p.par30.basisPoints),
    par60: basisPointsText(p.par60.basisPoints),
    par90: basisPointsText(p.par90.basisPoints),
    buckets: BUCKETS.map((name) => ({ name, loans: p.buckets[name].loans, principal: money(p.buckets[name].principal) })),
  };
}

/** The headline figures as every page writes them (money and percentages as text, never Number). */
export function headlineText(h: Headlines, currency: string | MoneyStyle) {
  return {
    ...portfolioText(h.portfolio, currency),
    asAt: h.asAt,
    members: h.members.members,
    suspended: h.members.suspended,
    admitted: h.members.admitted,
    applied: h.members.applied,
    ceased: h.members.ceased,
    capital: displayMoney(h.capital.capital, currency),
  };
}

export type HeadlineText = ReturnType<typeof headlineText>;
