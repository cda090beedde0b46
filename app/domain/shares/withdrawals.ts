/**
 * Which withdrawal requests can be paid on a given day.
 *
 * Members are paid in the order they gave notice (first come, first served),
 * which is what most society rules require and what is fair when money is
 * short. A request is payable when its notice has run out and the board has
 * not suspended withdrawals, either for the whole society or for that share
 * class (boards may do this to protect the society's liquidity).
 */
import type { Minor } from "~/domain/money";
import { type IsoDate, toDay } from "../calendar";

export interface WithdrawalRequest {
  id: string;
  memberId: string;
  classId: string;
  shares: number;
  amount?: Minor;
  /** The day notice was given. */
  requestedOn: IsoDate;
  /** The day the notice runs out (see withdrawalDueDate). */
  dueOn: IsoDate;
}

export interface WithdrawalSuspension {
  /** null = every share class (the whole society). */
  classId: string | null;
  from: IsoDate;
  /** Last day of the suspension, inclusive; null while it is still in force. */
  until: IsoDate | null;
  reason: string;
}

export type WaitingReason = "notice-running" | "suspended";

export interface WaitingWithdrawal {
  request: WithdrawalRequest;
  code: WaitingReason;
  reason: string;
}

export interface PayableWithdrawalsOptions {
  asOf: IsoDate;
  suspensions: readonly WithdrawalSuspension[];
  /** Share class names by id, for messages ("Withdrawals of Community Shares suspended ..."). */
  classNames?: Readonly<Record<string, string>>;
  /** How a date is written in the reasons ("runs until 3 December 2026"); ISO when not given. */
  writeDate?: (iso: IsoDate) => string;
}

/**
 * Compare ids so that numeric ids sort as numbers ("9" before "10") and other
 * ids as text; used only to break ties between notices given the same day.
 */
function compareIds(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) {
    if (a.length !== b.length) return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order of notice: the day notice was given, then id. */
export function compareByNotice(a: WithdrawalRequest, b: WithdrawalRequest): number {
  const byDate = toDay(a.requestedOn) - toDay(b.requestedOn);
  return byDate !== 0 ? byDate : compareIds(a.id, b.id);
}

export function isSuspensionActive(s: WithdrawalSuspension, asOf: IsoDate): boolean {
  const day = toDay(asOf);
  return toDay(s.from) <= day && (s.until === null || day <= toDay(s.until));
}

export function payableWithdrawals(
  requests: readonly WithdrawalRequest[],
  options: PayableWithdrawalsOptions,
): { payable: WithdrawalRequest[]; waiting: WaitingWithdrawal[] } {
  const asOfDay = toDay(options.asOf);
  const active = options.suspensions
    .filter((s) => isSuspensionActive(s, options.asOf))
    // A society-wide suspension is reported in preference to a class one,
    // then the longest-standing, so the message names the main cause.
    .sort((a, b) => (a.classId === null ? 0 : 1) - (b.classId === null ? 0 : 1) || toDay(a.from) - toDay(b.from));

  const payable: WithdrawalRequest[] = [];
  const waiting: WaitingWithdrawal[] = [];
  const writeDate = options.writeDate ?? ((iso: IsoDate) => iso);
  for (const request of [...requests].sort(compareByNotice)) {
    if (toDay(request.dueOn) > asOfDay) {
      waiting.push({ request, code: "notice-running", reason: `Notice period runs until ${writeDate(request.dueOn)}` });
      continue;
    }
    const blocking = active.find((s) => s.classId === null || s.classId === request.classId);
    if (blocking) {
      const what =
        blocking.classId === null ? "Withdrawals" : `Withdrawals of ${options.classNames?.[blocking.classId] ?? `share class ${blocking.classId}`}`;
      waiting.push({ request, code: "suspended", reason: `${what} suspended by the board since ${writeDate(blocking.from)}: ${blocking.reason}` });
      continue;
    }
    payable.push(request);
  }
  return { payable, waiting };
}
