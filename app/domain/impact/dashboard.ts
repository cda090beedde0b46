/**
 * The community wealth dashboard worked out from the ledgers: share capital
 * held by local members, lending to local businesses, jobs created and
 * safeguarded, lending by sector and ownership, and member growth, as at any
 * day and month by month, added up from the rows in memory. The app works
 * the same figures out in SQL (~/models/impact/impact-sql.server.ts: a
 * society's ledgers run to millions of rows); this stays the hand-checked
 * reference the SQL is tested against (tests/integration/impact-sql.test.ts).
 */
import type { Minor } from "~/domain/money";
import { localAreaMatcher } from "~/domain/postcode";
import { type IsoDate, monthEndsUpTo, toDay } from "~/domain/calendar";
import { holdingsAsAt, type ShareTransaction } from "~/domain/shares/holdings";
import {
  jobsSummary,
  lendingBreakdown,
  lendingByLeadership,
  localCapitalTrend,
  localShareOfCapital,
  localShareOfLending,
  percentOf,
  type BreakdownLine,
  type JobsSummary,
  type LeadershipLine,
  type LoanPosition,
  type LocalShare,
} from "./local";
import { isMemberAt, memberGrowth, principalMovement, type LoanLedgerRow } from "./positions";

export interface ImpactMember {
  memberId: string;
  postcode: string | null;
  admittedOn: IsoDate | null;
  ceasedOn: IsoDate | null;
}

export interface ImpactLoan {
  loanId: string;
  borrowerId: string;
  postcode: string | null;
  sector: string | null;
  ownership: string | null;
  /** The borrower's recorded leadership and ownership ("women-led", "minority-ethnic-led", ...). */
  leadership: readonly string[];
  disbursedOn: IsoDate;
  jobsToCreate: number;
  jobsToSafeguard: number;
}

export interface ImpactBase {
  localArea: readonly string[];
  members: readonly ImpactMember[];
  shareTransactions: readonly ShareTransaction[];
  loans: readonly ImpactLoan[];
  loanLedger: readonly LoanLedgerRow[];
}

export interface MemberFigures {
  members: number;
  localMembers: number;
  localPercent: string | null;
}

export interface ImpactFigures {
  asAt: IsoDate;
  capital: LocalShare;
  lending: LocalShare;
  jobs: JobsSummary;
  bySector: BreakdownLine[];
  byOwnership: BreakdownLine[];
  /** Lending outstanding to women-led and to minority-ethnic-led businesses. */
  byLeadership: LeadershipLine[];
  members: MemberFigures;
}

function memberFigures(base: ImpactBase, asAt: IsoDate, isLocal: (p: string) => boolean): MemberFigures {
  let members = 0;
  let localMembers = 0;
  for (const m of base.members) {
    if (!isMemberAt(m, asAt)) continue;
    members++;
    // The matcher refuses invalid postcodes itself, so one parse decides it.
    if (m.postcode !== null && isLocal(m.postcode)) localMembers++;
  }
  return { members, localMembers, localPercent: percentOf(BigInt(localMembers), BigInt(members)) };
}

function positionsAt(base: ImpactBase, outstanding: ReadonlyMap<string, Minor>): LoanPosition[] {
  return base.loans.map((l) => ({
    loanId: l.loanId,
    borrowerPostcode: l.postcode,
    outstandingPrincipal: outstanding.get(l.loanId) ?? 0n,
    sector: l.sector,
    ownership: l.ownership,
    leadership: l.leadership,
  }));
}

/** Jobs of each borrower with a loan paid out by `asAt`, counted once per borrower. */
function jobsAt(base: ImpactBase, asAt: IsoDate): JobsSummary {
  const seen = new Map<string, ImpactLoan>();
  for (const l of base.loans) if (l.disbursedOn <= asAt && !seen.has(l.borrowerId)) seen.set(l.borrowerId, l);
  return jobsSummary([...seen.values()].map((l) => ({ created: l.jobsToCreate, safeguarded: l.jobsToSafeguard, sector: l.sector, ownership: l.ownership })));
}

function outstandingAt(base: ImpactBase, asAt: IsoDate): Map<string, Minor> {
  const end = toDay(asAt);
  const out = new Map<string, Minor>();
  for (const r of base.loanLedger) if (toDay(r.onDate) <= end) out.set(r.loanId, (out.get(r.loanId) ?? 0n) + principalMovement(r));
  return out;
}

export function impactFiguresAsAt(base: ImpactBase, asAt: IsoDate): ImpactFigures {
  const isLocal = localAreaMatcher(base.localArea);
  const holdings = holdingsAsAt(base.shareTransactions, asAt);
  const capital = localShareOfCapital({
    holdings: holdings.map((h) => ({ memberId: h.memberId, value: h.value })),
    members: base.members.map((m) => ({ memberId: m.memberId, postcode: m.postcode })),
    localArea: base.localArea,
  });
  const positions = positionsAt(base, outstandingAt(base, asAt));
  return {
    asAt,
    capital,
    lending: localShareOfLending({ loans: positions, localArea: base.localArea }),
    jobs: jobsAt(base, asAt),
    bySector: lendingBreakdown(positions, "sector"),
    byOwnership: lendingBreakdown(positions, "ownership"),
    byLeadership: lendingByLeadership(positions).lines,
    members: memberFigures(base, asAt, isLocal),
  };
}

export interface TrendPoint {
  monthEnd: IsoDate;
  capitalTotal: Minor;
  capitalLocal: Minor;
  capitalLocalPercent: string | null;
  lendingTotal: Minor;
  lendingLocal: Minor;
  lendingLocalPercent: string | null;
  jobsCreated: number;
  jobsSafeguarded: number;
  members: number;
  localMembers: number;
  joined: number;
  left: number;
}

/**
 * The last `months` month ends up to `asAt`, oldest first. Each member's and
 * borrower's place is decided once (postcode parsing dominates the cost),
 * then every month end is a pass over the positions.
 */
export function impactTrends(base: ImpactBase, asAt: IsoDate, months = 24): TrendPoint[] {
  const isLocal = localAreaMatcher(base.localArea);
  const ends = monthEndsUpTo(asAt, months);
  const capital = localCapitalTrend({
    transactions: base.shareTransactions,
    members: base.members.map((m) => ({ memberId: m.memberId, postcode: m.postcode })),
    localArea: base.localArea,
    asAt,
    months,
  });
  const growth = memberGrowth(base.members, ends);
  const memberLocal = base.members.map((m) => m.postcode !== null && isLocal(m.postcode));
  const loanLocal = new Map(base.loans.map((l) => [l.loanId, l.postcode !== null && isLocal(l.postcode)]));
  // Walk the loan ledger once in date order, taking a snapshot at each month end.
  const ledger = [...base.loanLedger].sort((a, b) => (a.onDate < b.onDate ? -1 : a.onDate > b.onDate ? 1 : 0));
  const outstanding = new Map<string, Minor>();
  let i = 0;
  return ends.map((monthEnd, k) => {
    for (; i < ledger.length && ledger[i].onDate <= monthEnd; i++) {
      const r = ledger[i];
      outstanding.set(r.loanId, (outstanding.get(r.loanId) ?? 0n) + principalMovement(r));
    }
    // Same rule as localShareOfLending: a loan repaid or written off counts for nothing.
    let lendingTotal = 0n;
    let lendingLocal = 0n;
    for (const [loanId, owed] of outstanding) {
      if (owed <= 0n) continue;
      lendingTotal += owed;
      if (loanLocal.get(loanId)) lendingLocal += owed;
    }
    const jobs = jobsAt(base, monthEnd);
    let localMembers = 0;
    base.members.forEach((m, j) => {
      if (memberLocal[j] && isMemberAt(m, monthEnd)) localMembers++;
    });
    return {
      monthEnd,
      capitalTotal: capital[k].totalAmount,
      capitalLocal: capital[k].localAmount,
      capitalLocalPercent: capital[k].localPercent,
      lendingTotal,
      lendingLocal,
      lendingLocalPercent: percentOf(lendingLocal, lendingTotal),
      jobsCreated: jobs.created,
      jobsSafeguarded: jobs.safeguarded,
      members: growth[k].members,
      localMembers,
      joined: growth[k].joined,
      left: growth[k].left,
    };
  });
}
