/*
 * The community wealth figures worked out in the database. On a society of
 * a million members the ledgers are millions of rows, so they are added up
 * where they are and only aggregated rows come back: sums by place (local,
 * elsewhere, BFPO, unknown postcode), by sector and ownership, and by month.
 *
 * The rules are those of ~/domain/impact/dashboard (impactFiguresAsAt,
 * impactTrends), which stays the hand-checked reference: an integration test
 * (tests/integration/impact-sql.test.ts) builds varied ledgers and checks
 * that these figures equal the domain's over the same rows. Places come from
 * impact_postcode_place (migration 0038), the SQL mirror of parsePostcode and
 * localAreaMatcher, given the local area as parsed by localAreaSets.
 */
import { sql, type RawBuilder } from "kysely";
import { monthEndsUpTo, type IsoDate } from "~/domain/calendar";
import type { ImpactFigures, MemberFigures, TrendPoint } from "~/domain/impact/dashboard";
import { breakdownOfGroups, jobsSummary, LEADERSHIP_GROUPS, percentOf, type JobsSummary, type LeadershipLine, type LocalShare } from "~/domain/impact/local";
import { ownershipLabel, sicSection } from "~/domain/impact/sectors";
import type { Minor } from "~/domain/money";
import { localAreaSets } from "~/domain/postcode";
import { conflict } from "~/domain/refusal";
import type { Executor } from "~/utils/db.server";

type Place = "local" | "elsewhere" | "bfpo" | "unknown";

const big = (v: unknown): Minor => BigInt(String(v ?? 0));

/**
 * Runs one of these queries in a transaction of its own with more memory for
 * its hash aggregates (one group per member or loan spills to disk at the
 * default 4 MB) and no JIT compilation, which costs these plans about a
 * second on a 2-core server and saves less.
 */
async function run<R>(db: Executor, query: RawBuilder<R>): Promise<R[]> {
  const go = async (trx: Executor) => {
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
    await sql`SET LOCAL jit = off`.execute(trx);
    return (await query.execute(trx)).rows;
  };
  return db.isTransaction ? go(db) : db.transaction().execute(go);
}

/** The organisation's local area, read once, as the arguments of impact_postcode_place. */
interface AreaSql {
  localArea: readonly string[];
  place: (postcode: RawBuilder<unknown>) => RawBuilder<Place>;
}

async function areaSql(db: Executor, organisationId: string): Promise<AreaSql> {
  const org = await db.selectFrom("organisations").select("local_area").where("id", "=", organisationId).executeTakeFirstOrThrow();
  const s = localAreaSets(org.local_area);
  const [areas, districts, sectors, postcodes] = [s.areas, s.districts, s.sectors, s.postcodes].map((x) => [...x]);
  return {
    localArea: org.local_area,
    place: (postcode) => sql<Place>`impact_postcode_place(${postcode}, ${areas}::text[], ${districts}::text[], ${sectors}::text[], ${postcodes}::text[])`,
  };
}

/**
 * Month buckets for trends over `ends` (consecutive month ends, oldest first)
 * up to `asAt`: 0 for a date in the first month or before it, k for the k-th
 * month, ends.length for a date after the last month end up to `asAt`, null
 * after `asAt` (not yet happened).
 */
function bucketOf(date: RawBuilder<unknown>, ends: readonly IsoDate[], asAt: IsoDate) {
  const first = Number(ends[0].slice(0, 4)) * 12 + Number(ends[0].slice(5, 7));
  const last = ends[ends.length - 1];
  return sql<number | null>`CASE WHEN ${date} IS NULL OR ${date} > ${asAt}::date THEN NULL
    WHEN ${date} > ${last}::date THEN ${ends.length}::int
    ELSE GREATEST(0, (date_part('year', ${date}) * 12 + date_part('month', ${date}))::int - ${first}::int) END`;
}

const firstDayOf = (ends: readonly IsoDate[]) => `${ends[0].slice(0, 8)}01`;

/** Signed change a share ledger row makes to a holding: a reversal moves it the opposite way to the row it reverses. */
const shareSign = sql<number>`CASE WHEN t.kind IN ('purchase','transfer_in','interest_shares','bonus') THEN 1
  WHEN t.kind = 'reversal' THEN (SELECT CASE WHEN o.kind IN ('purchase','transfer_in','interest_shares','bonus') THEN -1 ELSE 1 END
    FROM share_transactions o WHERE o.organisation_id = t.organisation_id AND o.id = t.reverses_id)
  ELSE -1 END`;

/** principalMovement (~/domain/impact/positions) of a loan ledger row `t`. */
const principalMovement = sql<bigint>`CASE t.kind WHEN 'disbursement' THEN t.principal_part
  WHEN 'recovery' THEN 0
  WHEN 'reversal' THEN (SELECT CASE o.kind WHEN 'disbursement' THEN t.principal_part WHEN 'recovery' THEN 0 ELSE -t.principal_part END
    FROM loan_transactions o WHERE o.organisation_id = t.organisation_id AND o.id = t.reverses_id)
  ELSE -t.principal_part END`;

// ---------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------

interface MemberCounts {
  asAt: MemberFigures;
  /** For each month end: members, local members, joined and left in the month. */
  months: { members: number; localMembers: number; joined: number; left: number }[];
}

/**
 * Members on the register at `asAt` and at each month end, local ones, and
 * those who joined and left each month: one pass over the register,
 * grouped by postcode and the months of admission and ceasing.
 */
async function memberCounts(db: Executor, organisationId: string, area: AreaSql, asAt: IsoDate, ends: readonly IsoDate[]): Promise<MemberCounts> {
  const start = firstDayOf(ends);
  const rows = await run(db, sql<{ local: boolean; ia: number | null; ic: number | null; a_in: boolean; c_in: boolean; n: number }>`
    WITH g AS (
      SELECT postcode, ${bucketOf(sql`admitted_on`, ends, asAt)} AS ia, ${bucketOf(sql`ceased_on`, ends, asAt)} AS ic,
             admitted_on >= ${start}::date AS a_in, COALESCE(ceased_on >= ${start}::date, false) AS c_in, count(*) AS n
        FROM members
       WHERE organisation_id = ${organisationId} AND admitted_on IS NOT NULL
       GROUP BY 1, 2, 3, 4, 5
    )
    SELECT ${area.place(sql`postcode`)} = 'local' AS local, ia, ic, a_in, c_in, SUM(n)::int AS n
      FROM g GROUP BY 1, 2, 3, 4, 5`);
  const n = ends.length;
  // Member at the end of bucket k: admitted by it (ia <= k) and not ceased by it.
  const at = (k: number, localOnly: boolean) =>
    rows.reduce((t, r) => t + (r.ia !== null && r.ia <= k && (r.ic === null || r.ic > k) && (!localOnly || r.local) ? r.n : 0), 0);
  const members = at(n, false);
  const localMembers = at(n, true);
  return {
    asAt: { members, localMembers, localPercent: percentOf(BigInt(localMembers), BigInt(members)) },
    months: ends.map((_, k) => ({
      members: at(k, false),
      localMembers: at(k, true),
      joined: rows.reduce((t, r) => t + (r.ia === k && r.a_in ? r.n : 0), 0),
      left: rows.reduce((t, r) => t + (r.ic === k && r.c_in ? r.n : 0), 0),
    })),
  };
}

/**
 * Members and local members at the end of `asAt` and how many joined in the
 * 12 months to the last month end: what the headlines show, without the
 * month-by-month buckets.
 */
async function memberHeadline(db: Executor, organisationId: string, area: AreaSql, asAt: IsoDate) {
  const ends = monthEndsUpTo(asAt, 12);
  const rows = await run(db, sql<{ local: boolean; members: number; joined: number }>`
    WITH by_postcode AS (
      SELECT postcode,
             count(*) FILTER (WHERE admitted_on <= ${asAt}::date AND (ceased_on IS NULL OR ceased_on > ${asAt}::date)) AS members,
             count(*) FILTER (WHERE admitted_on BETWEEN ${firstDayOf(ends)}::date AND ${ends[ends.length - 1]}::date) AS joined
        FROM members
       WHERE organisation_id = ${organisationId} AND admitted_on IS NOT NULL
       GROUP BY postcode
    )
    SELECT ${area.place(sql`postcode`)} = 'local' AS local, SUM(members)::int AS members, SUM(joined)::int AS joined FROM by_postcode GROUP BY 1`);
  const members = rows.reduce((t, r) => t + r.members, 0);
  const localMembers = rows.reduce((t, r) => t + (r.local ? r.members : 0), 0);
  return {
    asAt: { members, localMembers, localPercent: percentOf(BigInt(localMembers), BigInt(members)) } satisfies MemberFigures,
    joinedLastYear: rows.reduce((t, r) => t + r.joined, 0),
  };
}

// ---------------------------------------------------------------------------
// Share capital
// ---------------------------------------------------------------------------

/** Each holding's movement dated after `asAt` (signed value and shares): what share_holdings holds beyond that day. */
function sharesDatedAfter(organisationId: string, asAt: IsoDate) {
  return sql`
      SELECT t.member_id, t.class_id, SUM(${shareSign} * t.amount) AS value, SUM(${shareSign} * t.shares) AS shares
        FROM share_transactions t
       WHERE t.organisation_id = ${organisationId} AND t.effective_on > ${asAt}::date
       GROUP BY t.member_id, t.class_id`;
}

/**
 * Share capital held at the end of `asAt` by where the holders live (a BFPO
 * address counts as elsewhere, as localShareOfCapital places it). A holding
 * below zero at `asAt` means the ledger contradicts itself: refused, as the
 * domain's holdingsAsAt refuses it.
 */
async function capitalAsAt(db: Executor, organisationId: string, area: AreaSql, asAt: IsoDate): Promise<LocalShare> {
  // share_holdings is the ledger's running total (kept in the same statement by a trigger, migration 0002): the
  // holding at the end of `asAt` is it less the rows dated later, which for today are few.
  const rows = await run(db, sql<{ place: Place; holders: number; value: string; negative: boolean }>`
    WITH later AS (${sharesDatedAfter(organisationId, asAt)}), by_member AS (
      SELECT h.member_id, SUM(h.value - COALESCE(l.value, 0)) AS value,
             bool_or(h.value - COALESCE(l.value, 0) < 0 OR h.shares - COALESCE(l.shares, 0) < 0) AS negative
        FROM share_holdings h LEFT JOIN later l ON l.member_id = h.member_id AND l.class_id = h.class_id
       WHERE h.organisation_id = ${organisationId}
       GROUP BY h.member_id
    ), by_postcode AS (
      SELECT m.postcode, count(*) FILTER (WHERE h.value <> 0) AS holders, SUM(h.value) AS value, bool_or(h.negative) AS negative
        FROM by_member h JOIN members m ON m.organisation_id = ${organisationId} AND m.id = h.member_id
       GROUP BY m.postcode
    )
    SELECT ${area.place(sql`postcode`)} AS place, SUM(holders)::int AS holders, SUM(value)::int8 AS value, bool_or(negative) AS negative
      FROM by_postcode GROUP BY 1`);
  if (rows.some((r) => r.negative)) {
    throw conflict(`The share ledger needs putting right before these figures can be worked out: a holding is below zero on ${asAt}`);
  }
  return localShare(rows.map((r) => ({ place: r.place === "bfpo" ? "elsewhere" : r.place, holders: r.holders, amount: big(r.value) })));
}

/**
 * The local share of capital at the end of `asAt` without counting holders
 * (the headlines do not show them): share_holdings and the rows dated later
 * added up by postcode, with no total per member first. Only a holding with
 * rows dated later can be below zero at `asAt` (share_holdings never is).
 */
async function capitalAmountsAsAt(db: Executor, organisationId: string, area: AreaSql, asAt: IsoDate): Promise<Omit<LocalShare, "holders" | "localHolders">> {
  const rows = await run(db, sql<{ place: Place; value: string; negative: boolean | null }>`
    WITH later AS (${sharesDatedAfter(organisationId, asAt)}), negative AS (
      SELECT bool_or(h.value - l.value < 0 OR h.shares - l.shares < 0) AS negative
        FROM later l JOIN share_holdings h ON h.organisation_id = ${organisationId} AND h.member_id = l.member_id AND h.class_id = l.class_id
    ), by_postcode AS (
      SELECT m.postcode, SUM(x.value) AS value
        FROM (SELECT member_id, value FROM share_holdings WHERE organisation_id = ${organisationId}
              UNION ALL
              SELECT member_id, -value FROM later) x
        JOIN members m ON m.organisation_id = ${organisationId} AND m.id = x.member_id
       GROUP BY m.postcode
    )
    SELECT ${area.place(sql`postcode`)} AS place, SUM(value)::int8 AS value, (SELECT negative FROM negative) AS negative
      FROM by_postcode GROUP BY 1`);
  if (rows.some((r) => r.negative)) {
    throw conflict(`The share ledger needs putting right before these figures can be worked out: a holding is below zero on ${asAt}`);
  }
  const { holders: _h, localHolders: _l, ...amounts } = localShare(rows.map((r) => ({ place: r.place === "bfpo" ? "elsewhere" : r.place, holders: 0, amount: big(r.value) })));
  return amounts;
}

function localShare(groups: readonly { place: Place; holders: number; amount: Minor }[]): LocalShare {
  let localAmount = 0n;
  let totalAmount = 0n;
  let unknownAmount = 0n;
  let holders = 0;
  let localHolders = 0;
  for (const g of groups) {
    totalAmount += g.amount;
    holders += g.holders;
    if (g.place === "unknown") unknownAmount += g.amount;
    if (g.place === "local") {
      localAmount += g.amount;
      localHolders += g.holders;
    }
  }
  return { localAmount, totalAmount, unknownAmount, localPercent: percentOf(localAmount, totalAmount), holders, localHolders };
}

/** Share capital in all and held by local members at each month end (members placed by their postcode now). */
async function capitalTrend(db: Executor, organisationId: string, area: AreaSql, asAt: IsoDate, ends: readonly IsoDate[]) {
  const rows = await run(db, sql<{ local: boolean; b: number; value: string }>`
    WITH by_postcode AS (
      SELECT m.postcode, ${bucketOf(sql`t.effective_on`, ends, asAt)} AS b, SUM(${shareSign} * t.amount) AS value
        FROM share_transactions t JOIN members m ON m.organisation_id = t.organisation_id AND m.id = t.member_id
       WHERE t.organisation_id = ${organisationId} AND t.effective_on <= ${ends[ends.length - 1]}::date
       GROUP BY 1, 2
    )
    SELECT ${area.place(sql`postcode`)} = 'local' AS local, b, SUM(value)::int8 AS value FROM by_postcode GROUP BY 1, 2`);
  return cumulative(rows, ends.length);
}

/** Running totals (all, and local) at each bucket from amounts by bucket. */
function cumulative(rows: readonly { local: boolean; b: number; value: string | bigint }[], n: number) {
  const total = Array.from({ length: n }, () => 0n);
  const local = Array.from({ length: n }, () => 0n);
  for (const r of rows) {
    const v = big(r.value);
    for (let k = r.b; k < n; k++) {
      total[k] += v;
      if (r.local) local[k] += v;
    }
  }
  return total.map((t, k) => ({ total: t, local: local[k] }));
}

// ---------------------------------------------------------------------------
// Lending
// ---------------------------------------------------------------------------

interface LendingFigures {
  lending: LocalShare;
  bySector: ImpactFigures["bySector"];
  byOwnership: ImpactFigures["byOwnership"];
  byLeadership: LeadershipLine[];
}

/**
 * Principal owed at the end of `asAt` on loans still owing (a loan repaid or
 * written off counts for nothing; one whose pay-out was reversed as recorded
 * in error is left out), by borrower place, and with `breakdowns` by sector,
 * ownership and leadership too.
 */
async function lendingAsAt(db: Executor, organisationId: string, area: AreaSql, asAt: IsoDate, breakdowns: boolean): Promise<LendingFigures> {
  const detail = breakdowns
    ? sql`b.sic_code, b.legal_form, 'women-led' = ANY (b.ownership), 'minority-ethnic-led' = ANY (b.ownership)`
    : sql`NULL::text, NULL::text, false, false`;
  const rows = await run(db, sql<{ place: Place; sic_code: string | null; legal_form: string | null; women: boolean; minority: boolean; loans: number; amount: string }>`
    WITH owed AS (
      SELECT t.loan_id, SUM(${principalMovement}) AS amount
        FROM loan_transactions t JOIN loans l ON l.organisation_id = t.organisation_id AND l.id = t.loan_id AND l.status <> 'reversed'
       WHERE t.organisation_id = ${organisationId} AND t.on_date <= ${asAt}::date
       GROUP BY t.loan_id
      HAVING SUM(${principalMovement}) > 0
    ), grouped AS (
      SELECT b.postcode, ${detail} , count(*) AS loans, SUM(o.amount) AS amount
        FROM owed o
        JOIN loans l ON l.organisation_id = ${organisationId} AND l.id = o.loan_id
        JOIN borrowers b ON b.organisation_id = l.organisation_id AND b.id = l.borrower_id
       GROUP BY 1, 2, 3, 4, 5
    )
    SELECT ${area.place(sql`NULLIF(postcode, '')`)} AS place, sic_code, legal_form, women, minority, SUM(loans)::int AS loans, SUM(amount)::int8 AS amount
      FROM grouped g (postcode, sic_code, legal_form, women, minority, loans, amount) GROUP BY 1, 2, 3, 4, 5`);
  const groups = rows.map((r) => ({ ...r, amount: big(r.amount) }));
  // A BFPO number is not a valid address for lending (localShareOfLending): unknown.
  const lending = localShare(groups.map((g) => ({ place: g.place === "bfpo" ? "unknown" : g.place, holders: g.loans, amount: g.amount })));
  if (!breakdowns) return { lending, bySector: [], byOwnership: [], byLeadership: [] };
  const by = (keyOf: (g: (typeof groups)[number]) => string | null) => breakdownOfGroups(groups, keyOf, (g) => g.amount, (g) => g.loans);
  const byLeadership = LEADERSHIP_GROUPS.map(([group, label]) => {
    const mine = groups.filter((g) => (group === "women-led" ? g.women : g.minority));
    const amount = mine.reduce((t, g) => t + g.amount, 0n);
    return { group, label, loans: mine.reduce((t, g) => t + g.loans, 0), amount, percent: percentOf(amount, lending.totalAmount) };
  });
  return { lending, bySector: by((g) => sicSection(g.sic_code)), byOwnership: by((g) => ownershipLabel(g.legal_form)), byLeadership };
}

/**
 * Lending outstanding in all and to local borrowers at each month end. Each
 * loan's balance is run up month by month where it moves; a positive balance
 * counts from its month until the loan's next movement.
 */
async function lendingTrend(db: Executor, organisationId: string, area: AreaSql, asAt: IsoDate, ends: readonly IsoDate[]) {
  const rows = await run(db, sql<{ local: boolean; b: number; value: string }>`
    WITH moved AS (
      SELECT t.loan_id, ${bucketOf(sql`t.on_date`, ends, asAt)} AS b, SUM(${principalMovement}) AS amount
        FROM loan_transactions t JOIN loans l ON l.organisation_id = t.organisation_id AND l.id = t.loan_id AND l.status <> 'reversed'
       WHERE t.organisation_id = ${organisationId} AND t.on_date <= ${ends[ends.length - 1]}::date
       GROUP BY 1, 2
    ), run AS (
      SELECT loan_id, b, SUM(amount) OVER (PARTITION BY loan_id ORDER BY b) AS owed, lead(b) OVER (PARTITION BY loan_id ORDER BY b) AS next_b FROM moved
    ), change AS (
      SELECT loan_id, b, owed AS amount FROM run WHERE owed > 0
      UNION ALL
      SELECT loan_id, next_b, -owed FROM run WHERE owed > 0 AND next_b IS NOT NULL
    ), by_postcode AS (
      SELECT bo.postcode, c.b, SUM(c.amount) AS amount
        FROM change c
        JOIN loans l ON l.organisation_id = ${organisationId} AND l.id = c.loan_id
        JOIN borrowers bo ON bo.organisation_id = l.organisation_id AND bo.id = l.borrower_id
       GROUP BY 1, 2
    )
    SELECT ${area.place(sql`NULLIF(postcode, '')`)} = 'local' AS local, b, SUM(amount)::int8 AS value FROM by_postcode GROUP BY 1, 2`);
  return cumulative(rows, ends.length);
}

// ---------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------

/** Borrowers with a loan paid out by a day, and the day of their first pay-out (a reversed pay-out supported no one). */
const firstPayouts = (organisationId: string) => sql`
  SELECT b.id, b.sic_code, b.legal_form, b.jobs_to_create, b.jobs_to_safeguard, MIN(l.disbursed_on) AS first_on
    FROM borrowers b JOIN loans l ON l.organisation_id = b.organisation_id AND l.borrower_id = b.id AND l.status <> 'reversed'
   WHERE b.organisation_id = ${organisationId} AND l.disbursed_on IS NOT NULL
   GROUP BY b.id`;

/** Jobs of each borrower with a loan paid out by `asAt`, counted once per borrower. */
async function jobsAsAt(db: Executor, organisationId: string, asAt: IsoDate): Promise<JobsSummary> {
  const rows = await run(db, sql<{ sic_code: string | null; legal_form: string | null; created: number; safeguarded: number }>`
    SELECT sic_code, legal_form, SUM(jobs_to_create)::int AS created, SUM(jobs_to_safeguard)::int AS safeguarded
      FROM (${firstPayouts(organisationId)}) f
     WHERE first_on <= ${asAt}::date
     GROUP BY 1, 2`);
  return jobsSummary(rows.map((r) => ({ created: r.created, safeguarded: r.safeguarded, sector: sicSection(r.sic_code), ownership: ownershipLabel(r.legal_form) })));
}

async function jobsTrend(db: Executor, organisationId: string, asAt: IsoDate, ends: readonly IsoDate[]) {
  const rows = await run(db, sql<{ b: number; created: number; safeguarded: number }>`
    SELECT ${bucketOf(sql`first_on`, ends, asAt)} AS b, SUM(jobs_to_create)::int AS created, SUM(jobs_to_safeguard)::int AS safeguarded
      FROM (${firstPayouts(organisationId)}) f
     WHERE first_on <= ${ends[ends.length - 1]}::date
     GROUP BY 1`);
  return ends.map((_, k) => ({
    created: rows.reduce((t, r) => t + (r.b <= k ? r.created : 0), 0),
    safeguarded: rows.reduce((t, r) => t + (r.b <= k ? r.safeguarded : 0), 0),
  }));
}

// ---------------------------------------------------------------------------
// The figures as the domain gives them
// ---------------------------------------------------------------------------

type Running = { total: Minor; local: Minor }[];

function trendPoints(ends: readonly IsoDate[], capital: Running, lending: Running, jobs: { created: number; safeguarded: number }[], members: MemberCounts): TrendPoint[] {
  return ends.map((monthEnd, k) => ({
    monthEnd,
    capitalTotal: capital[k].total,
    capitalLocal: capital[k].local,
    capitalLocalPercent: percentOf(capital[k].local, capital[k].total),
    lendingTotal: lending[k].total,
    lendingLocal: lending[k].local,
    lendingLocalPercent: percentOf(lending[k].local, lending[k].total),
    jobsCreated: jobs[k].created,
    jobsSafeguarded: jobs[k].safeguarded,
    members: members.months[k].members,
    localMembers: members.months[k].localMembers,
    joined: members.months[k].joined,
    left: members.months[k].left,
  }));
}

/** The whole dashboard: the figures as at `asAt` and the last `months` month ends, the register read once for both. */
export async function impactDashboardSql(db: Executor, organisationId: string, asAt: IsoDate, months: number) {
  const area = await areaSql(db, organisationId);
  const ends = monthEndsUpTo(asAt, months);
  const [capital, lending, jobs, members, capitalByMonth, lendingByMonth, jobsByMonth] = await Promise.all([
    capitalAsAt(db, organisationId, area, asAt),
    lendingAsAt(db, organisationId, area, asAt, true),
    jobsAsAt(db, organisationId, asAt),
    memberCounts(db, organisationId, area, asAt, ends),
    capitalTrend(db, organisationId, area, asAt, ends),
    lendingTrend(db, organisationId, area, asAt, ends),
    jobsTrend(db, organisationId, asAt, ends),
  ]);
  const figures: ImpactFigures = { asAt, capital, ...lending, jobs, members: members.asAt };
  return { localArea: area.localArea, figures, trends: trendPoints(ends, capitalByMonth, lendingByMonth, jobsByMonth, members) };
}

/**
 * Only what the headlines show (members' page, public page, the officers'
 * dashboard): local shares of members, capital and lending, jobs, and those
 * who joined in the last 12 months. No breakdowns, no monthly trends.
 */
export async function impactHeadlineSql(db: Executor, organisationId: string, asAt: IsoDate) {
  const area = await areaSql(db, organisationId);
  const [capital, lending, jobs, members] = await Promise.all([
    capitalAmountsAsAt(db, organisationId, area, asAt),
    lendingAsAt(db, organisationId, area, asAt, false),
    jobsAsAt(db, organisationId, asAt),
    memberHeadline(db, organisationId, area, asAt),
  ]);
  return { capital, lending: lending.lending, jobs, members: members.asAt, joinedLastYear: members.joinedLastYear };
}
