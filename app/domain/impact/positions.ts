/**
 * Figures "as at" a day worked out from append-only ledgers: principal owed
 * on each loan, and the number of members on the register.
 */
import type { Minor } from "~/domain/money";
import { type IsoDate, toDay } from "~/domain/calendar";

export type LoanLedgerKind = "disbursement" | "repayment" | "fee" | "write_off" | "reversal" | "recovery";

export interface LoanLedgerRow {
  loanId: string;
  kind: LoanLedgerKind;
  /** Principal part as recorded (a reversal records minus the row it reverses). */
  principalPart: Minor;
  onDate: IsoDate;
  /** For a reversal: the kind of the row it reverses. */
  reversesKind?: LoanLedgerKind | null;
}

/**
 * Signed change in principal owed. A disbursement adds; repayments and
 * write-offs take away; a recovery (money back after a write-off) does not
 * change what is owed; a reversal undoes the row it reverses, which
 * recorded the negated parts, so it moves the other way.
 */
export function principalMovement(row: LoanLedgerRow): Minor {
  switch (row.kind) {
    case "disbursement":
      return row.principalPart;
    case "repayment":
    case "write_off":
    case "fee":
      return -row.principalPart;
    case "recovery":
      return 0n;
    case "reversal":
      if (row.reversesKind === "disbursement") return row.principalPart;
      if (row.reversesKind === "recovery") return 0n;
      return -row.principalPart;
  }
}

/** Principal owed on each loan at the end of `asAt` (rows dated that day count). */
export function outstandingByLoan(rows: readonly LoanLedgerRow[], asAt: IsoDate): Map<string, Minor> {
  const end = toDay(asAt);
  const out = new Map<string, Minor>();
  for (const r of rows) {
    if (toDay(r.onDate) > end) continue;
    out.set(r.loanId, (out.get(r.loanId) ?? 0n) + principalMovement(r));
  }
  return out;
}

export interface MemberDates {
  admittedOn: IsoDate | null;
  ceasedOn: IsoDate | null;
}

/** Members at the end of `asAt`: admitted on or before it and not ceased by it. */
export function isMemberAt(m: MemberDates, asAt: IsoDate): boolean {
  return m.admittedOn !== null && m.admittedOn <= asAt && (m.ceasedOn === null || m.ceasedOn > asAt);
}

export interface MemberGrowthPoint {
  monthEnd: IsoDate;
  members: number;
  joined: number;
  left: number;
}

/** Members at each month end with those who joined and left in that month. */
export function memberGrowth(members: readonly MemberDates[], monthEnds: readonly IsoDate[]): MemberGrowthPoint[] {
  return monthEnds.map((monthEnd) => {
    const monthStart = `${monthEnd.slice(0, 8)}01`;
    let count = 0;
    let joined = 0;
    let left = 0;
    for (const m of members) {
      if (isMemberAt(m, monthEnd)) count++;
      if (m.admittedOn !== null && m.admittedOn >= monthStart && m.admittedOn <= monthEnd) joined++;
      if (m.admittedOn !== null && m.ceasedOn !== null && m.ceasedOn >= monthStart && m.ceasedOn <= monthEnd) left++;
    }
    return { monthEnd, members: count, joined, left };
  });
}
