/**
 * Share holdings worked out from the share ledger.
 *
 * The ledger is append-only: a mistake is never edited away but corrected by
 * a `reversal` row that points at the row it cancels. Every row records a
 * positive number of shares and a positive amount; the kind says which way it
 * moves the holding:
 *
 *   in:  purchase, transfer_in, interest_shares, bonus
 *   out: withdrawal, transfer_out, forfeit
 *   reversal: the exact opposite of the row it reverses, from the reversal's
 *             own date (so a holding "as at" a day between the two still shows
 *             the original; date the reversal the same day to erase it fully).
 *
 * A holding's `value` is the sum of amounts paid or credited on it, which for
 * fully paid shares is shares x par value.
 */
import type { Minor } from "~/domain/money";
import { type IsoDate, toDay } from "../calendar";

export type ShareTransactionKind =
  | "purchase"
  | "withdrawal"
  | "transfer_in"
  | "transfer_out"
  | "interest_shares"
  | "bonus"
  | "forfeit"
  | "reversal";

export interface ShareTransaction {
  id: string;
  memberId: string;
  classId: string;
  kind: ShareTransactionKind;
  /** Always zero or more; the kind gives the direction. */
  shares: number;
  /** Minor units, always zero or more; the kind gives the direction. */
  amount: Minor;
  effectiveOn: IsoDate;
  /** For a reversal: the id of the row it cancels. */
  reversesId?: string | null;
}

/** A ledger row resolved to a signed change in one member's holding. */
export interface HoldingMovement {
  transactionId: string;
  memberId: string;
  classId: string;
  day: number;
  effectiveOn: IsoDate;
  shares: number;
  value: Minor;
}

export interface Holding {
  memberId: string;
  classId: string;
  shares: number;
  value: Minor;
}

/** The ledger contradicts itself; nothing worked out from it can be trusted. */
export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LedgerError";
  }
}

const DIRECTION: Record<Exclude<ShareTransactionKind, "reversal">, 1 | -1> = {
  purchase: 1,
  transfer_in: 1,
  interest_shares: 1,
  bonus: 1,
  withdrawal: -1,
  transfer_out: -1,
  forfeit: -1,
};

/**
 * Turn ledger rows into signed movements, checking that every row is well
 * formed and every reversal cancels exactly one earlier, non-reversal row of
 * the same member and class. Movements come back in date order (ledger order
 * within a day).
 */
export function holdingMovements(transactions: readonly ShareTransaction[]): HoldingMovement[] {
  const byId = new Map<string, ShareTransaction>();
  for (const t of transactions) {
    if (byId.has(t.id)) throw new LedgerError(`ledger row ${t.id} appears twice`);
    byId.set(t.id, t);
  }
  const reversed = new Set<string>();
  const movements: HoldingMovement[] = [];
  for (const t of transactions) {
    if (!Number.isSafeInteger(t.shares) || t.shares < 0) throw new LedgerError(`ledger row ${t.id} has ${t.shares} shares`);
    if (typeof t.amount !== "bigint" || t.amount < 0n) throw new LedgerError(`ledger row ${t.id} has amount ${String(t.amount)}`);
    let day: number;
    try {
      day = toDay(t.effectiveOn);
    } catch {
      throw new LedgerError(`ledger row ${t.id} has a bad date "${t.effectiveOn}"`);
    }

    let sign: 1 | -1;
    if (t.kind === "reversal") {
      const original = t.reversesId == null ? undefined : byId.get(t.reversesId);
      if (!original) throw new LedgerError(`reversal ${t.id} points at row ${t.reversesId ?? "(none)"}, which is not in the ledger`);
      if (original.kind === "reversal") throw new LedgerError(`reversal ${t.id} reverses another reversal (${original.id})`);
      if (reversed.has(original.id)) throw new LedgerError(`row ${original.id} is reversed more than once`);
      if (original.memberId !== t.memberId || original.classId !== t.classId) {
        throw new LedgerError(`reversal ${t.id} is for a different member or share class than row ${original.id}`);
      }
      if (original.shares !== t.shares || original.amount !== t.amount) {
        throw new LedgerError(`reversal ${t.id} does not match row ${original.id} (shares or amount differ)`);
      }
      if (toDay(original.effectiveOn) > day) throw new LedgerError(`reversal ${t.id} is dated before the row it reverses (${original.id})`);
      reversed.add(original.id);
      sign = DIRECTION[original.kind] === 1 ? -1 : 1;
    } else {
      const direction = DIRECTION[t.kind];
      if (direction === undefined) throw new LedgerError(`ledger row ${t.id} has unknown kind "${String(t.kind)}"`);
      sign = direction;
    }
    movements.push({
      transactionId: t.id,
      memberId: t.memberId,
      classId: t.classId,
      day,
      effectiveOn: t.effectiveOn,
      shares: sign * t.shares,
      value: sign === 1 ? t.amount : -t.amount,
    });
  }
  // Stable sort keeps ledger order within a day.
  return movements.sort((a, b) => a.day - b.day);
}

export function holdingKey(memberId: string, classId: string): string {
  return `${memberId}\u0000${classId}`;
}

/**
 * Holdings by member and share class at the end of `asAt` (rows dated that
 * day count). Throws LedgerError if any holding goes negative at the end of
 * any day up to `asAt`: the ledger must then be put right, not papered over.
 * Empty holdings are left out unless `includeEmpty`.
 */
export function holdingsAsAt(
  transactions: readonly ShareTransaction[],
  asAt: IsoDate,
  options: { includeEmpty?: boolean } = {},
): Holding[] {
  const asAtDay = toDay(asAt);
  const movements = holdingMovements(transactions);
  const holdings = new Map<string, Holding>();
  // Holdings touched on the current day; checked once the day is complete,
  // because rows within a day may be recorded in any order.
  let touched: Holding[] = [];
  let currentDay: number | null = null;
  let currentDate = "";

  const checkDay = () => {
    for (const h of touched) {
      if (h.shares < 0 || h.value < 0n) {
        throw new LedgerError(
          `holding of member ${h.memberId} in share class ${h.classId} goes negative on ${currentDate} (${h.shares} shares, ${h.value} minor units)`,
        );
      }
    }
    touched = [];
  };

  for (const m of movements) {
    if (m.day > asAtDay) break;
    if (m.day !== currentDay) {
      checkDay();
      currentDay = m.day;
      currentDate = m.effectiveOn;
    }
    const key = holdingKey(m.memberId, m.classId);
    let h = holdings.get(key);
    if (!h) {
      h = { memberId: m.memberId, classId: m.classId, shares: 0, value: 0n };
      holdings.set(key, h);
    }
    h.shares += m.shares;
    h.value += m.value;
    touched.push(h);
  }
  checkDay();

  return [...holdings.values()]
    .filter((h) => options.includeEmpty || h.shares !== 0 || h.value !== 0n)
    .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : a.classId < b.classId ? -1 : a.classId > b.classId ? 1 : 0));
}
