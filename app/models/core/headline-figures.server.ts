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
 *   effective on or before it, reversals netted), and how many members hold.
 */
import { sql } from "kysely";
import { BUCKETS, type Bucket } from "~/domain/lending/arrears";
import { displayMoney, type Minor, type MoneyStyle } from "~/domain/money";
import { basisPoints, basisPointsText } from "~/domain/percent";
import type { Executor } from "~/utils/db.server";

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

/**
 * What an installment had been paid by the end of `asAt`. From the
 * allocation lines of transactions dated on or before it; but when no
 * transaction of the organisation is dated after it (today, the page's
 * usual date: postings are never future-dated), every line counts, and
 * their sum is the installment's paid columns (the projection maintained
 * with the lines, ledger:verify checks it), so those are read instead of
 * joining a million lines. `fromLedger` forces the lines (tests compare).
 */
async function paidAsAt(db: Executor, organisationId: string, asAt: string, fromLedger: boolean) {
  if (!fromLedger) {
    const later = await sql<{ any: boolean }>`
      SELECT EXISTS (SELECT 1 FROM loan_transactions WHERE organisation_id = ${organisationId} AND on_date > ${asAt}::date) AS any`.execute(db);
    if (!later.rows[0].any) return null;
  }
  return sql`
    SELECT a.loan_id, a.n, SUM(a.amount) AS paid
      FROM loan_allocation_lines a
      JOIN loan_transactions t ON t.organisation_id = a.organisation_id AND t.id = a.transaction_id
     WHERE a.organisation_id = ${organisationId} AND t.on_date <= ${asAt}::date AND a.loan_id IN (SELECT loan_id FROM open)
     GROUP BY a.loan_id, a.n`;
}

export async function portfolioHeadline(db: Executor, organisationId: string, asAt: string, options: { fromLedger?: boolean } = {}): Promise<PortfolioHeadline> {
  const paidLines = await paidAsAt(db, organisationId, asAt, options.fromLedger ?? false);
  const paid = paidLines ? sql`COALESCE(p.paid, 0)` : sql`i.paid_principal + i.paid_interest + i.paid_fees`;
  // The per-loan hash aggregates spill to disk at the default 4 MB work_mem on a large book: more, for this transaction only.
  const run = async (trx: Executor) => {
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
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
    )${paidLines ? sql`, paid AS (${paidLines})` : sql``}, oldest AS (
      SELECT i.loan_id, MIN(i.due_on) AS due_on
        FROM loan_installments i
        JOIN open ON open.loan_id = i.loan_id
        ${paidLines ? sql`LEFT JOIN paid p ON p.loan_id = i.loan_id AND p.n = i.n` : sql``}
       WHERE i.organisation_id = ${organisationId} AND i.due_on < ${asAt}::date AND ${paid} < i.principal + i.interest + i.fees
       GROUP BY i.loan_id
    ), aged AS (
      SELECT open.owed, COALESCE(${asAt}::date - oldest.due_on, 0) AS dpd FROM open LEFT JOIN oldest ON oldest.loan_id = open.loan_id
    )
    SELECT CASE WHEN dpd <= 0 THEN 'current' WHEN dpd <= 30 THEN '1-30' WHEN dpd <= 60 THEN '31-60' WHEN dpd <= 90 THEN '61-90' ELSE '90+' END AS bucket,
           COUNT(*)::text AS loans, COALESCE(SUM(owed), 0)::text AS principal
      FROM aged GROUP BY 1`.execute(trx);
  };
  const { rows } = db.isTransaction ? await run(db) : await db.transaction().execute(run);
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

export async function membersByStatus(db: Executor, organisationId: string, asAt: string): Promise<MembersHeadline> {
  const { rows } = await sql<{ members: string; suspended: string; applied: string; ceased: string }>`
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
      FROM m`.execute(db);
  const r = rows[0];
  const members = Number(r.members);
  const suspended = Number(r.suspended);
  return { asAt, members, suspended, admitted: members - suspended, applied: Number(r.applied), ceased: Number(r.ceased) };
}

export interface CapitalHeadline {
  asAt: string;
  capital: Minor;
  holders: number;
}

export async function shareCapital(db: Executor, organisationId: string, asAt: string): Promise<CapitalHeadline> {
  const { rows } = await sql<{ capital: string; holders: string }>`
    WITH per_member AS (
      SELECT t.member_id,
             SUM(CASE
               WHEN t.kind IN ('purchase','transfer_in','interest_shares','bonus') THEN t.amount
               WHEN t.kind IN ('withdrawal','transfer_out','forfeit') THEN -t.amount
               WHEN o.kind IN ('purchase','transfer_in','interest_shares','bonus') THEN -t.amount
               ELSE t.amount END) AS value
        FROM share_transactions t
        LEFT JOIN share_transactions o ON o.organisation_id = t.organisation_id AND o.id = t.reverses_id
       WHERE t.organisation_id = ${organisationId} AND t.effective_on <= ${asAt}::date
       GROUP BY t.member_id
    )
    SELECT COALESCE(SUM(value), 0)::text AS capital, COUNT(*) FILTER (WHERE value > 0)::text AS holders FROM per_member`.execute(db);
  return { asAt, capital: BigInt(rows[0].capital), holders: Number(rows[0].holders) };
}

export interface Headlines {
  asAt: string;
  portfolio: PortfolioHeadline;
  members: MembersHeadline;
  capital: CapitalHeadline;
}

export async function headlineFigures(db: Executor, organisationId: string, asAt: string): Promise<Headlines> {
  const portfolio = await portfolioHeadline(db, organisationId, asAt);
  const members = await membersByStatus(db, organisationId, asAt);
  const capital = await shareCapital(db, organisationId, asAt);
  return { asAt, portfolio, members, capital };
}

/** The headline figures as every page writes them (money and percentages as text, never Number). */
export function headlineText(h: Headlines, currency: string | MoneyStyle) {
  const money = (v: Minor) => displayMoney(v, currency);
  const p = h.portfolio;
  return {
    asAt: h.asAt,
    outstanding: money(p.outstanding),
    loans: p.loans,
    par30: basisPointsText(p.par30.basisPoints),
    par60: basisPointsText(p.par60.basisPoints),
    par90: basisPointsText(p.par90.basisPoints),
    buckets: BUCKETS.map((name) => ({ name, loans: p.buckets[name].loans, principal: money(p.buckets[name].principal) })),
    members: h.members.members,
    suspended: h.members.suspended,
    admitted: h.members.admitted,
    applied: h.members.applied,
    ceased: h.members.ceased,
    capital: money(h.capital.capital),
    holders: h.capital.holders,
  };
}

export type HeadlineText = ReturnType<typeof headlineText>;
