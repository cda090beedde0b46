import { sql } from "kysely";
import { z } from "zod";
import { isoDate } from "~/schemas/common";
import type { BreakdownLine, LocalShare } from "~/domain/impact/local";
import { displayLongDate, localeOrDefault } from "~/domain/locale";
import { displayMoney, formatMinor, type MoneyStyle } from "~/domain/money";
import type { Executor } from "~/utils/db.server";
import { headlineFigures, headlineText, remembered, rememberedOrLast, SLOW_FIGURE_MS, type HeadlineText } from "~/models/core/headline-figures.server";
import { impactDashboardSql, impactHeadlineSql } from "./impact-sql.server";

export interface AnnualFigures {
  yearStart: string;
  yearEnd: string;
  /** The last day the figures cover: the year end, or today for a year not yet ended. */
  figuresTo: string;
  /** False while the year has not ended: the figures are the position so far, not a return to file. */
  ended: boolean;
  membersAtYearEnd: number;
  membersJoined: number;
  membersLeft: number;
  shareCapitalAtYearEnd: bigint;
  sharesIssued: bigint;
  sharesWithdrawn: bigint;
  loansOutstandingAtYearEnd: bigint;
  loansOutstandingCount: number;
  loansAdvanced: bigint;
  loansAdvancedCount: number;
  principalRepaid: bigint;
  interestOnShares: bigint;
  interestOnSharesPaidAsShares: bigint;
  interestOnSharesPaidInCash: bigint;
}

/** The day before the same date a year earlier: the financial year ending `yearEnd`. */
export function yearStartFor(yearEnd: string): string {
  const d = new Date(`${yearEnd}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const big = (v: unknown) => BigInt((v as bigint | string | number | null) ?? 0);

/**
 * Figures for a society's annual return (FCA form AR30 asks for members,
 * share capital, loans and interest paid on shares) for the year ending
 * `yearEnd`. Worked out in SQL from the ledgers, as at the year end.
 */
export async function annualFigures(db: Executor, organisationId: string, requestedYearEnd: string, today?: string): Promise<AnnualFigures> {
  const yearStart = yearStartFor(requestedYearEnd);
  // A year that has not ended (its last day is today or later) is worked out to today, and says so.
  const ended = today === undefined || requestedYearEnd < today;
  const yearEnd = ended ? requestedYearEnd : today;
  // Members, share capital and loans outstanding at the year end come from their one source (ADR 0010).
  const headline = await headlineFigures(db, organisationId, yearEnd);
  // Each count is an index range over the year (members_register_dates_idx, members_ceased_idx), and the share
  // flows read the year's rows only (share_transactions_date_idx): not the whole register and ledger.
  const { rows: [members] } = await sql<{ joined: number; left: number }>`
    SELECT (SELECT COUNT(*) FROM members WHERE organisation_id = ${organisationId} AND admitted_on BETWEEN ${yearStart}::date AND ${yearEnd}::date)::int AS joined,
           (SELECT COUNT(*) FROM members WHERE organisation_id = ${organisationId} AND ceased_on BETWEEN ${yearStart}::date AND ${yearEnd}::date AND admitted_on IS NOT NULL)::int AS left`.execute(db);

  // A reversal moves the holding (or the loan book) the opposite way to the row it reverses. The year's own
  // rows are added up apart from its reversals, which alone look up what they reverse: a join of every row
  // to the ledger would hash the whole ledger (1.3 million share transactions at the bench's scale).
  const { rows: [shares] } = await sql<{ issued: string; withdrawn: string }>`
    WITH year AS (
      SELECT t.kind, t.amount, t.reverses_id FROM share_transactions t
       WHERE t.organisation_id = ${organisationId} AND t.effective_on BETWEEN ${yearStart}::date AND ${yearEnd}::date
    ), reversed AS (
      SELECT o.kind, -y.amount AS amount FROM year y
        JOIN share_transactions o ON o.organisation_id = ${organisationId} AND o.id = y.reverses_id
       WHERE y.kind = 'reversal'
    ), moves AS (
      SELECT kind, amount FROM year WHERE kind <> 'reversal' UNION ALL SELECT kind, amount FROM reversed
    )
    SELECT COALESCE(SUM(amount) FILTER (WHERE kind = 'purchase'), 0)::text AS issued,
           COALESCE(SUM(amount) FILTER (WHERE kind = 'withdrawal'), 0)::text AS withdrawn
      FROM moves`.execute(db);

  const { rows: [flows] } = await sql<{ advanced: string; advanced_count: number; repaid: string }>`
    WITH year AS (
      SELECT t.kind, t.amount, t.principal_part, t.reverses_id FROM loan_transactions t
       WHERE t.organisation_id = ${organisationId} AND t.on_date BETWEEN ${yearStart}::date AND ${yearEnd}::date
    ), reversed AS (
      -- A pay-out reversed as recorded in error (loans.reversePayout) takes its advance back out, in the period of the
      -- correction; a reversed repayment recorded the negated principal, so adding it takes the repayment back out.
      SELECT o.kind, -y.amount AS amount, y.principal_part, -1 AS n FROM year y
        JOIN loan_transactions o ON o.organisation_id = ${organisationId} AND o.id = y.reverses_id
       WHERE y.kind = 'reversal'
    ), moves AS (
      SELECT kind, amount, principal_part, 1 AS n FROM year WHERE kind <> 'reversal' UNION ALL SELECT kind, amount, principal_part, n FROM reversed
    )
    SELECT COALESCE(SUM(amount) FILTER (WHERE kind = 'disbursement'), 0)::text AS advanced,
           COALESCE(SUM(n) FILTER (WHERE kind = 'disbursement'), 0)::int AS advanced_count,
           COALESCE(SUM(principal_part) FILTER (WHERE kind = 'repayment'), 0)::text AS repaid
      FROM moves`.execute(db);

  const interest = await db
    .selectFrom("interest_lines as l")
    .innerJoin("interest_runs as r", (j) => j.onRef("r.organisation_id", "=", "l.organisation_id").onRef("r.id", "=", "l.run_id"))
    .select([
      sql<bigint>`COALESCE(SUM(l.interest), 0)::int8`.as("total"),
      sql<bigint>`COALESCE(SUM(l.cash), 0)::int8`.as("cash"),
    ])
    .where("l.organisation_id", "=", organisationId)
    .where("r.status", "=", "posted")
    .where("r.posted_on", ">=", yearStart)
    .where("r.posted_on", "<=", yearEnd)
    .executeTakeFirstOrThrow();

  const interestTotal = big(interest.total);
  const interestCash = big(interest.cash);
  return {
    yearStart,
    yearEnd: requestedYearEnd,
    figuresTo: yearEnd,
    ended,
    membersAtYearEnd: headline.members.members,
    membersJoined: Number(members.joined),
    membersLeft: Number(members.left),
    shareCapitalAtYearEnd: headline.capital.capital,
    sharesIssued: big(shares.issued),
    sharesWithdrawn: big(shares.withdrawn),
    loansOutstandingAtYearEnd: headline.portfolio.outstanding,
    loansOutstandingCount: headline.portfolio.loans,
    loansAdvanced: big(flows.advanced),
    loansAdvancedCount: Number(flows.advanced_count),
    // A reversed repayment recorded the negated principal, so adding it takes the repayment back out.
    principalRepaid: big(flows.repaid),
    interestOnShares: interestTotal,
    interestOnSharesPaidInCash: interestCash,
    interestOnSharesPaidAsShares: interestTotal - interestCash,
  };
}

/** The annual return lines; `figure` names the headline figure (core/headline-figures.server.ts) a line shows. */
export const ANNUAL_LINES: { key: keyof AnnualFigures; label: string; money: boolean; figure?: string }[] = [
  { key: "membersAtYearEnd", label: "Members at the year end", money: false, figure: "members" },
  { key: "membersJoined", label: "Members admitted in the year", money: false },
  { key: "membersLeft", label: "Members who left in the year", money: false },
  { key: "shareCapitalAtYearEnd", label: "Share capital at the year end", money: true, figure: "capital" },
  { key: "sharesIssued", label: "Shares issued in the year", money: true },
  { key: "sharesWithdrawn", label: "Shares withdrawn in the year", money: true },
  { key: "loansOutstandingAtYearEnd", label: "Loans outstanding at the year end (principal)", money: true, figure: "outstanding" },
  { key: "loansOutstandingCount", label: "Number of loans outstanding", money: false, figure: "loans" },
  { key: "loansAdvanced", label: "Loans advanced in the year", money: true },
  { key: "loansAdvancedCount", label: "Number of loans advanced", money: false },
  { key: "principalRepaid", label: "Loan principal repaid in the year", money: true },
  { key: "interestOnShares", label: "Interest paid on shares in the year", money: true },
  { key: "interestOnSharesPaidInCash", label: "of which paid in cash", money: true },
  { key: "interestOnSharesPaidAsShares", label: "of which credited as shares", money: true },
];

/** The organisation behind a public impact page, only if it has opted in. */
export async function publicOrganisation(db: Executor, slug: string) {
  const row = await db
    .selectFrom("organisations as o")
    .innerJoin("impact_settings as s", "s.organisation_id", "o.id")
    .select(["o.id", "o.name", "o.slug", "o.currency", "o.locale", "o.time_zone as timeZone", "o.legal_form", "s.public_summary"])
    .where("o.slug", "=", slug)
    .where("s.public_page", "=", true)
    .executeTakeFirst();
  // Its money written as the organisation writes it (a MoneyStyle), like a signed-in page's.
  return row && { ...row, locale: localeOrDefault(row.locale) };
}

// ---------------------------------------------------------------------------
// The dashboard as loaders return it: money as strings, never Number.
// ---------------------------------------------------------------------------

/** The community wealth dashboard, worked out in the database (impact-sql.server.ts). */
/** The job that works the community wealth figures out again when a page was served their last working-out (rememberedOrLast). */
export const IMPACT_FIGURES_JOB = "impact.work-out-figures";

const ImpactFiguresJob = z.discriminatedUnion("figure", [
  z.object({ figure: z.literal("impact-headlines"), asAt: isoDate }),
  z.object({ figure: z.literal("impact-dashboard"), asAt: isoDate, months: z.number().int().min(1).max(120) }),
]);
export type ImpactFiguresPayload = z.infer<typeof ImpactFiguresJob>;

/** The job's work: the figure worked out for the ledger as it stands now, and kept. */
export async function workOutImpactFigures(db: Executor, organisationId: string, payload: unknown) {
  const job = ImpactFiguresJob.parse(payload);
  if (job.figure === "impact-headlines") await remembered(db, organisationId, "impact-headlines", job.asAt, { fresh: true }, () => impactHeadlineSql(db, organisationId, job.asAt));
  else await remembered(db, organisationId, `impact-dashboard-${job.months}`, job.asAt, { fresh: true }, () => impactDashboardSql(db, organisationId, job.asAt, job.months));
}

/** Organisations whose community wealth figures last took longer than SLOW_FIGURE_MS to work out: the daily jobs work theirs out ahead. */
export async function organisationsWithSlowImpactFigures(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom("headline_figure_cache").select("organisation_id").distinct()
    .where("figure", "like", "impact-%").where("work_ms", ">", SLOW_FIGURE_MS).execute();
  return rows.map((r) => r.organisation_id);
}

/**
 * `exact`: always the figures of the ledger as it stands (a download);
 * otherwise, on an organisation where they take seconds to work out, the
 * last working-out may be served while a job works them out again
 * (`figuresAsAt`, `stale`).
 */
export async function impactDashboard(db: Executor, organisationId: string, asAt: string, currency: string | MoneyStyle, months = 24, options: { exact?: boolean } = {}) {
  const workOut = () => impactDashboardSql(db, organisationId, asAt, months);
  const figure = `impact-dashboard-${months}` as const;
  const [{ value: { localArea, figures, trends }, asAt: figuresAsAt, stale }, headlines] = await Promise.all([
    options.exact
      ? remembered(db, organisationId, figure, asAt, {}, workOut).then((value) => ({ value, asAt, stale: null }))
      : rememberedOrLast(db, organisationId, figure, asAt, { kind: IMPACT_FIGURES_JOB, payload: { figure: "impact-dashboard", asAt, months } }, workOut),
    // Members, share capital and lending outstanding from their one source (ADR 0010).
    headlineFigures(db, organisationId, asAt),
  ]);
  const money = (v: bigint) => displayMoney(v, currency);
  const headline = headlineText(headlines, currency);
  const line = (l: BreakdownLine) => ({ key: l.key, amount: money(l.amount), plain: formatMinor(l.amount), value: Number(formatMinor(l.amount)), percent: l.percent, count: l.count });
  const share = (s: LocalShare) => ({
    local: money(s.localAmount),
    total: money(s.totalAmount),
    unknown: money(s.unknownAmount),
    hasUnknown: s.unknownAmount > 0n,
    localPercent: s.localPercent,
    holders: s.holders,
    localHolders: s.localHolders,
  });
  return {
    asAt,
    figuresAsAt,
    stale,
    headline,
    localArea: localArea.join(", "),
    capital: share(figures.capital),
    lending: share(figures.lending),
    jobs: { created: figures.jobs.created, safeguarded: figures.jobs.safeguarded, total: figures.jobs.total },
    members: figures.members,
    bySector: figures.bySector.map(line),
    byOwnership: figures.byOwnership.map(line),
    byLeadership: figures.byLeadership.map((l) => ({ group: l.group, label: l.label, loans: l.loans, amount: money(l.amount), plain: formatMinor(l.amount), percent: l.percent })),
    trends: trends.map((t) => ({
      monthEnd: t.monthEnd,
      capitalTotal: formatMinor(t.capitalTotal),
      capitalLocal: formatMinor(t.capitalLocal),
      capitalLocalPercent: t.capitalLocalPercent,
      lendingTotal: formatMinor(t.lendingTotal),
      lendingLocal: formatMinor(t.lendingLocal),
      lendingLocalPercent: t.lendingLocalPercent,
      jobsCreated: t.jobsCreated,
      jobsSafeguarded: t.jobsSafeguarded,
      members: t.members,
      localMembers: t.localMembers,
      joined: t.joined,
      left: t.left,
    })),
  };
}

/**
 * The few figures shown to members and, if the society opts in, to the
 * public. `headline`: the ADR 0010 headline figures as at `asAt` when the
 * caller has them already (the dashboard asks for them once for all its
 * sections), so they are not worked out twice.
 */
export async function impactHeadlines(
  db: Executor,
  organisationId: string,
  asAt: string,
  currency: string | MoneyStyle,
  headline?: Promise<HeadlineText | null>,
) {
  // Members, share capital and lending outstanding from their one source (ADR 0010).
  const own = () => headlineFigures(db, organisationId, asAt).then((h) => headlineText(h, currency));
  const [{ value: figures, asAt: localSharesAsAt, stale }, headlineNow, lm3] = await Promise.all([
    // Worked out from the same tables as the headline figures, plus borrowers and the local area: remembered the same way (ADR 0020),
    // and served from their last working-out while a job works them out again where that takes seconds.
    rememberedOrLast(db, organisationId, "impact-headlines", asAt, { kind: IMPACT_FIGURES_JOB, payload: { figure: "impact-headlines", asAt } }, () => impactHeadlineSql(db, organisationId, asAt)),
    headline ? headline.then((h) => h ?? own()) : own(),
    db
      .selectFrom("lm3_studies")
      .select(["name", "lm3", "period_to"])
      .where("organisation_id", "=", organisationId)
      .orderBy("period_to", "desc")
      .orderBy("created_at", "desc")
      .executeTakeFirst(),
  ]);
  const money = (v: bigint) => displayMoney(v, currency);
  return {
    asAt,
    members: headlineNow.members,
    localMembersPercent: figures.members.localPercent,
    capitalTotal: headlineNow.capital,
    capitalLocal: money(figures.capital.localAmount),
    capitalLocalPercent: figures.capital.localPercent,
    lendingTotal: headlineNow.outstanding,
    loans: headlineNow.loans,
    lendingLocal: money(figures.lending.localAmount),
    lendingLocalPercent: figures.lending.localPercent,
    jobsCreated: figures.jobs.created,
    jobsSafeguarded: figures.jobs.safeguarded,
    lm3: lm3 ? { name: lm3.name, value: String(lm3.lm3) } : null,
    joinedLastYear: figures.joinedLastYear,
    /** The local shares' own date and, when they are from before the latest changes, when they were worked out. */
    localShares: { asAt: localSharesAsAt, stale },
  };
}

export type ImpactHeadlines = Awaited<ReturnType<typeof impactHeadlines>>;

/** The most recent 31 December before `today`: the default year end of an annual return. */
export function defaultYearEnd(today: string): string {
  return `${Number(today.slice(0, 4)) - 1}-12-31`;
}

/** What a return for a year not yet ended says on its page, CSV and PDF. */
export function annualNotEndedNote(f: AnnualFigures, locale?: string): string | null {
  const day = (iso: string) => displayLongDate(iso, locale);
  return f.ended ? null : `The year ending ${day(f.yearEnd)} has not ended yet: these figures cover ${day(f.yearStart)} to ${day(f.figuresTo)} (today), not the whole year, and are not a return to file.`;
}

/** Annual return lines as display text and plain CSV values. */
export function annualLines(f: AnnualFigures, currency: string | MoneyStyle) {
  return ANNUAL_LINES.map((l) => {
    const v = f[l.key];
    return {
      key: l.key,
      figure: l.figure ?? null,
      label: l.label,
      display: l.money ? displayMoney(v as bigint, currency) : String(v),
      plain: l.money ? formatMinor(v as bigint) : String(v),
    };
  });
}
