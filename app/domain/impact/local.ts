/**
 * Local impact figures: how much of the society's capital, lending and
 * spending stays in its local area, the jobs it has helped create or keep,
 * and how these move month by month.
 *
 * "Local" is decided by postcode against the local area set by the society
 * (see ~/domain/postcode: districts, sectors, areas, ranges). A missing or
 * invalid postcode is never counted as local, and such amounts are shown
 * separately as "unknown" so that gaps in the data are visible rather than
 * quietly lowering the local share.
 *
 * Percentages are decimal strings rounded half to even, to 1 decimal by
 * default (2 on request); null when there is nothing to take a share of.
 */
import { divRound, formatMinor, type Minor } from "~/domain/money";
import { isValidPostcode, localAreaMatcher } from "~/domain/postcode";
import { type IsoDate, monthEndsUpTo, toDay } from "~/domain/calendar";
import { holdingMovements, LedgerError, type ShareTransaction } from "~/domain/shares/holdings";

export type PercentDecimals = 1 | 2;

/** part / whole as a percentage string ("62.5"), half-even; null if whole is zero. */
export function percentOf(part: bigint, whole: bigint, decimals: PercentDecimals = 1): string | null {
  if (whole === 0n) return null;
  const scale = 10n ** BigInt(decimals);
  return formatMinor(divRound(part * 100n * scale, whole, "half-even"), decimals);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Capital
// ---------------------------------------------------------------------------

export interface MemberLocation {
  memberId: string;
  postcode: string | null;
}

export interface LocalShare {
  localAmount: Minor;
  totalAmount: Minor;
  /** Part of the total whose postcode is missing or not a valid UK postcode. */
  unknownAmount: Minor;
  localPercent: string | null;
  /** Number of holders (members or borrowers) with something, and how many of them are local. */
  holders: number;
  localHolders: number;
}

export interface LocalCapitalInput {
  /** Holdings as at the day of interest (e.g. holdingsAsAt); all share classes given are added together. */
  holdings: readonly { memberId: string; value: Minor }[];
  members: readonly MemberLocation[];
  localArea: readonly string[];
  decimals?: PercentDecimals;
}

export function localShareOfCapital(input: LocalCapitalInput): LocalShare {
  const isLocal = localAreaMatcher(input.localArea);
  const postcodeOf = new Map(input.members.map((m) => [m.memberId, m.postcode]));
  const byMember = new Map<string, Minor>();
  for (const h of input.holdings) byMember.set(h.memberId, (byMember.get(h.memberId) ?? 0n) + h.value);
  return shareByPlace(byMember, (memberId) => placeOf(postcodeOf.get(memberId) ?? null, isLocal), input.decimals);
}

type Place = "local" | "elsewhere" | "unknown";

/** Where a member is, by postcode: "unknown" when it is missing or not a valid UK postcode. */
function placeOf(postcode: string | null, isLocal: (postcode: string) => boolean): Place {
  return postcode === null || !isValidPostcode(postcode, { allowBfpo: true }) ? "unknown" : isLocal(postcode) ? "local" : "elsewhere";
}

/**
 * Adds up members' balances by where they are. Zero balances are passed over;
 * `onNegative` (if given) is told of any below zero first.
 */
function shareByPlace(
  balances: Iterable<[string, Minor]>,
  place: (memberId: string) => Place,
  decimals: PercentDecimals | undefined,
  onNegative?: (memberId: string) => void,
): LocalShare {
  let localAmount = 0n;
  let totalAmount = 0n;
  let unknownAmount = 0n;
  let holders = 0;
  let localHolders = 0;
  for (const [memberId, value] of balances) {
    if (value < 0n) onNegative?.(memberId);
    if (value === 0n) continue;
    holders++;
    totalAmount += value;
    const where = place(memberId);
    if (where === "unknown") unknownAmount += value;
    else if (where === "local") {
      localAmount += value;
      localHolders++;
    }
  }
  return { localAmount, totalAmount, unknownAmount, localPercent: percentOf(localAmount, totalAmount, decimals), holders, localHolders };
}

// ---------------------------------------------------------------------------
// Lending
// ---------------------------------------------------------------------------

export interface LoanPosition {
  loanId: string;
  borrowerPostcode: string | null;
  /** Principal still owed at the day of interest, minor units. */
  outstandingPrincipal: Minor;
  sector?: string | null;
  /** Ownership of the borrower: "co-operative", "community benefit society", "sole trader", ... */
  ownership?: string | null;
  /** Who leads and owns the borrower as recorded on it (app/schemas/lending.ts OWNERSHIP): "women-led", ... */
  leadership?: readonly string[];
}

export function localShareOfLending(input: { loans: readonly LoanPosition[]; localArea: readonly string[]; decimals?: PercentDecimals }): LocalShare {
  const isLocal = localAreaMatcher(input.localArea);
  let localAmount = 0n;
  let totalAmount = 0n;
  let unknownAmount = 0n;
  let holders = 0;
  let localHolders = 0;
  for (const loan of input.loans) {
    if (loan.outstandingPrincipal <= 0n) continue; // repaid or written off
    holders++;
    totalAmount += loan.outstandingPrincipal;
    if (loan.borrowerPostcode === null || !isValidPostcode(loan.borrowerPostcode)) unknownAmount += loan.outstandingPrincipal;
    else if (isLocal(loan.borrowerPostcode)) {
      localAmount += loan.outstandingPrincipal;
      localHolders++;
    }
  }
  return { localAmount, totalAmount, unknownAmount, localPercent: percentOf(localAmount, totalAmount, input.decimals), holders, localHolders };
}

// ---------------------------------------------------------------------------
// Breakdowns
// ---------------------------------------------------------------------------

export const NOT_RECORDED = "Not recorded";

export interface BreakdownLine {
  key: string;
  amount: Minor;
  count: number;
  percent: string | null;
}

/**
 * Group amounts by a label (sector, ownership, category), largest first,
 * ties by label. Items without a label are grouped as "Not recorded".
 */
export function breakdownBy<T>(
  items: readonly T[],
  keyOf: (item: T) => string | null | undefined,
  amountOf: (item: T) => Minor,
  decimals: PercentDecimals = 1,
): BreakdownLine[] {
  return breakdownOfGroups(items, keyOf, amountOf, () => 1, decimals);
}

/** As breakdownBy, for items that each stand for `countOf(item)` of the things counted (groups added up elsewhere). */
export function breakdownOfGroups<T>(
  items: readonly T[],
  keyOf: (item: T) => string | null | undefined,
  amountOf: (item: T) => Minor,
  countOf: (item: T) => number,
  decimals: PercentDecimals = 1,
): BreakdownLine[] {
  const groups = new Map<string, { amount: Minor; count: number }>();
  let total = 0n;
  for (const item of items) {
    const key = keyOf(item)?.trim() || NOT_RECORDED;
    const amount = amountOf(item);
    const g = groups.get(key) ?? { amount: 0n, count: 0 };
    g.amount += amount;
    g.count += countOf(item);
    groups.set(key, g);
    total += amount;
  }
  return [...groups]
    .map(([key, g]) => ({ key, amount: g.amount, count: g.count, percent: percentOf(g.amount, total, decimals) }))
    .sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : compareText(a.key, b.key)));
}

/** Outstanding lending by borrower sector or ownership. */
export function lendingBreakdown(loans: readonly LoanPosition[], by: "sector" | "ownership", decimals: PercentDecimals = 1): BreakdownLine[] {
  return breakdownBy(
    loans.filter((l) => l.outstandingPrincipal > 0n),
    (l) => l[by],
    (l) => l.outstandingPrincipal,
    decimals,
  );
}

/** The leadership groups whose lending funders and members ask about, in the order they are reported. */
export const LEADERSHIP_GROUPS = [
  ["women-led", "Women-led businesses"],
  ["minority-ethnic-led", "Minority-ethnic-led businesses"],
] as const;
export type LeadershipGroup = (typeof LEADERSHIP_GROUPS)[number][0];

export interface LeadershipLine {
  group: LeadershipGroup;
  label: string;
  /** Loans with principal still owed to a business of this group. */
  loans: number;
  amount: Minor;
  /** Share of all principal outstanding, every borrower counted. */
  percent: string | null;
}

/**
 * Lending outstanding to women-led and to minority-ethnic-led businesses:
 * how many loans, how much principal and what share of all lending. A
 * business both women-led and minority-ethnic-led counts in both lines, so
 * the lines are not meant to add up. Loans repaid or written off count for
 * nothing, as in localShareOfLending.
 */
export function lendingByLeadership(loans: readonly LoanPosition[], decimals: PercentDecimals = 1): { total: Minor; lines: LeadershipLine[] } {
  let total = 0n;
  for (const l of loans) if (l.outstandingPrincipal > 0n) total += l.outstandingPrincipal;
  const lines = LEADERSHIP_GROUPS.map(([group, label]) => {
    let count = 0;
    let amount = 0n;
    for (const l of loans) {
      if (l.outstandingPrincipal <= 0n || !l.leadership?.includes(group)) continue;
      count++;
      amount += l.outstandingPrincipal;
    }
    return { group, label, loans: count, amount, percent: percentOf(amount, total, decimals) };
  });
  return { total, lines };
}

// ---------------------------------------------------------------------------
// Procurement
// ---------------------------------------------------------------------------

export interface SpendLine {
  supplier: string;
  postcode: string | null;
  amount: Minor;
  /** "2026-03" or "2026-Q1". */
  period: string;
  category?: string | null;
}

/**
 * Spend as the reports read it: a line, or lines that share postcode, period
 * and category added up (the database sums an anchor's spend so, and the
 * reports come out the same as from the lines one by one); `lines` is how
 * many it stands for, 1 when absent.
 */
export type SpendGroup = Omit<SpendLine, "supplier"> & { lines?: number };

export interface PeriodSpendShare {
  period: string;
  total: Minor;
  local: Minor;
  /** Spend in the wider area, which includes the local area. */
  wider: Minor;
  localPercent: string | null;
  widerPercent: string | null;
}

/**
 * Share of spend with local suppliers, and with suppliers in the wider area
 * (e.g. the city, then the county), period by period and overall. The wider
 * figure includes the local one, so it is always at least as large.
 */
export function procurementLocalShare(input: {
  spend: readonly SpendGroup[];
  localArea: readonly string[];
  widerArea: readonly string[];
  decimals?: PercentDecimals;
}): { byPeriod: PeriodSpendShare[]; overall: Omit<PeriodSpendShare, "period"> } {
  const isLocal = localAreaMatcher(input.localArea);
  const isWider = localAreaMatcher(input.widerArea);
  const periods = new Map<string, { total: Minor; local: Minor; wider: Minor }>();
  const all = { total: 0n, local: 0n, wider: 0n };
  for (const s of input.spend) {
    const p = periods.get(s.period) ?? { total: 0n, local: 0n, wider: 0n };
    const local = s.postcode !== null && isLocal(s.postcode);
    const wider = local || (s.postcode !== null && isWider(s.postcode));
    for (const bucket of [p, all]) {
      bucket.total += s.amount;
      if (local) bucket.local += s.amount;
      if (wider) bucket.wider += s.amount;
    }
    periods.set(s.period, p);
  }
  const share = (b: { total: Minor; local: Minor; wider: Minor }) => ({
    ...b,
    localPercent: percentOf(b.local, b.total, input.decimals),
    widerPercent: percentOf(b.wider, b.total, input.decimals),
  });
  return {
    byPeriod: [...periods]
      .sort(([a], [b]) => compareText(a, b))
      .map(([period, b]) => ({ period, ...share(b) })),
    overall: share(all),
  };
}

export const UNCATEGORISED = "Uncategorised";

/** Where the money that leaves the local area goes: spend categories, largest first. */
export function topNonLocalCategories(input: {
  spend: readonly SpendGroup[];
  localArea: readonly string[];
  limit?: number;
  decimals?: PercentDecimals;
}): BreakdownLine[] {
  const isLocal = localAreaMatcher(input.localArea);
  const nonLocal = input.spend.filter((s) => s.postcode === null || !isLocal(s.postcode));
  const lines = breakdownOfGroups(nonLocal, (s) => s.category?.trim() || UNCATEGORISED, (s) => s.amount, (s) => s.lines ?? 1, input.decimals);
  return input.limit === undefined ? lines : lines.slice(0, input.limit);
}

// ---------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------

export interface JobsRecord {
  /** Jobs created and safeguarded, as whole jobs (headcount). */
  created: number;
  safeguarded: number;
  sector?: string | null;
  ownership?: string | null;
}

export interface JobsLine {
  key: string;
  created: number;
  safeguarded: number;
  total: number;
}

export interface JobsSummary {
  created: number;
  safeguarded: number;
  total: number;
  bySector: JobsLine[];
  byOwnership: JobsLine[];
}

export function jobsSummary(records: readonly JobsRecord[]): JobsSummary {
  for (const r of records) {
    for (const n of [r.created, r.safeguarded]) {
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`jobs must be whole numbers of zero or more, not ${n}`);
    }
  }
  const group = (keyOf: (r: JobsRecord) => string | null | undefined): JobsLine[] => {
    const groups = new Map<string, JobsLine>();
    for (const r of records) {
      const key = keyOf(r)?.trim() || NOT_RECORDED;
      const g = groups.get(key) ?? { key, created: 0, safeguarded: 0, total: 0 };
      g.created += r.created;
      g.safeguarded += r.safeguarded;
      g.total += r.created + r.safeguarded;
      groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => b.total - a.total || compareText(a.key, b.key));
  };
  const created = records.reduce((t, r) => t + r.created, 0);
  const safeguarded = records.reduce((t, r) => t + r.safeguarded, 0);
  return { created, safeguarded, total: created + safeguarded, bySector: group((r) => r.sector), byOwnership: group((r) => r.ownership) };
}

// ---------------------------------------------------------------------------
// Monthly trends
// ---------------------------------------------------------------------------

/**
 * A series over the last `months` month ends on or before `asAt`, oldest
 * first: `valueAt` is asked for each month end. A month not yet finished at
 * `asAt` is left out, so no point claims to know the future.
 */
export function monthlySeries<T>(asAt: IsoDate, months: number, valueAt: (monthEnd: IsoDate) => T): { monthEnd: IsoDate; value: T }[] {
  return monthEndsUpTo(asAt, months).map((monthEnd) => ({ monthEnd, value: valueAt(monthEnd) }));
}

export interface CapitalTrendPoint extends LocalShare {
  monthEnd: IsoDate;
}

/**
 * Local share of share capital at each of the last `months` month ends,
 * from the share ledger in one pass. Members are placed by their current
 * postcode (the register does not keep postcode history).
 */
export function localCapitalTrend(input: {
  transactions: readonly ShareTransaction[];
  members: readonly MemberLocation[];
  localArea: readonly string[];
  asAt: IsoDate;
  months: number;
  /** Only this share class; all classes if not given. */
  classId?: string;
  decimals?: PercentDecimals;
}): CapitalTrendPoint[] {
  const isLocal = localAreaMatcher(input.localArea);
  const place = new Map<string, Place>();
  for (const m of input.members) place.set(m.memberId, placeOf(m.postcode, isLocal));
  const movements = holdingMovements(input.transactions).filter((m) => input.classId === undefined || m.classId === input.classId);
  const balances = new Map<string, Minor>();
  const points: CapitalTrendPoint[] = [];
  let i = 0;
  for (const monthEnd of monthEndsUpTo(input.asAt, input.months)) {
    const endDay = toDay(monthEnd);
    for (; i < movements.length && movements[i].day <= endDay; i++) {
      const m = movements[i];
      balances.set(m.memberId, (balances.get(m.memberId) ?? 0n) + m.value);
    }
    const share = shareByPlace(balances, (memberId) => place.get(memberId) ?? "unknown", input.decimals, (memberId) => {
      throw new LedgerError(`holding of member ${memberId} is negative at ${monthEnd}`);
    });
    points.push({ monthEnd, ...share });
  }
  return points;
}
