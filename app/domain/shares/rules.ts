/**
 * Share class rules: what a member may buy, withdraw or transfer.
 *
 * Every check returns either { ok: true, ... } or { ok: false, reason, field }
 * where `reason` is a sentence fit to show the member or the officer, and
 * `field` names the input it is about (so a form can put the message in the
 * right place). Checks never throw for a member's mistake; they throw only
 * for a programming error (a fractional share count passed as the holding).
 */
import { displayMoney, type Minor, type MoneyStyle } from "~/domain/money";
import { addDays, type IsoDate } from "../calendar";

export type VotingRule = "one-member-one-vote" | "weighted";

export type MemberKind = "person" | "organisation" | "society";

/** "applied": admission not yet decided; may pay for the first shares. */
export type MemberStatus = "applied" | "admitted" | "suspended" | "ceased";

export interface ShareClass {
  id: string;
  /** Used in messages: "A holding in Community Shares may not exceed ...". */
  name: string;
  /** Price of one share in minor units (£1.00 = 100n). */
  parValue: Minor;
  /** Shares a member must hold to be (and stay) a member through this class. */
  minHolding: number;
  /**
   * Most a member may hold in this class, in minor units.
   *   undefined -> the statutory default: £100,000 for withdrawable shares
   *                (Co-operative and Community Benefit Societies Act 2014 s.24),
   *                no limit for non-withdrawable shares;
   *   null      -> no limit.
   * A member that is itself a registered society is never held to a maximum
   * (s.24 exempts it), whatever the class says.
   */
  maxHoldingValue?: Minor | null;
  withdrawable: boolean;
  transferable: boolean;
  /** Days of withdrawal notice the member must give. */
  noticeDays: number;
  /** Interest rate in basis points a year (300 = 3.00%). */
  interestRateBasisPoints: number;
  voting: VotingRule;
}

/** £100,000: the s.24 limit on withdrawable share capital held by one member. */
export const STATUTORY_WITHDRAWABLE_LIMIT: Minor = 10_000_000n;

export type RuleCheck<T extends object = object> = ({ ok: true } & T) | { ok: false; reason: string; field: string };

function refuse(field: string, reason: string): { ok: false; reason: string; field: string } {
  return { ok: false, reason, field };
}

/** The maximum that applies to this member in this class, or null for none. */
export function maxHoldingFor(cls: ShareClass, memberKind: MemberKind): Minor | null {
  if (memberKind === "society") return null;
  if (cls.maxHoldingValue === undefined) return cls.withdrawable ? STATUTORY_WITHDRAWABLE_LIMIT : null;
  return cls.maxHoldingValue;
}

function isWholeCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function assertHolding(name: string, n: number): void {
  if (!isWholeCount(n)) throw new RangeError(`${name} must be a whole number of shares, not ${n}`);
}

function shares(n: number): string {
  return `${n} share${n === 1 ? "" : "s"}`;
}

function checkCount(field: string, n: number, verb: string): { ok: false; reason: string; field: string } | null {
  if (typeof n !== "number" || !Number.isSafeInteger(n)) return refuse(field, `Shares can only be ${verb} whole, so the number must be a whole number.`);
  if (n <= 0) return refuse(field, `The number of shares to be ${verb} must be at least 1.`);
  return null;
}

export interface PurchaseInput {
  cls: ShareClass;
  currentShares: number;
  buyShares: number;
  memberStatus: MemberStatus;
  memberKind: MemberKind;
  /** The organisation's currency and locale, that a refusal writes amounts in. */
  money: MoneyStyle;
}

export function checkPurchase(input: PurchaseInput): RuleCheck<{ amount: Minor; sharesAfter: number; valueAfter: Minor }> {
  const { cls, currentShares, buyShares, memberStatus, memberKind } = input;
  const money = (v: Minor) => displayMoney(v, input.money);
  assertHolding("currentShares", currentShares);
  if (memberStatus === "suspended") return refuse("memberStatus", "A suspended member cannot buy shares.");
  if (memberStatus === "ceased") return refuse("memberStatus", "Someone who has ceased to be a member cannot buy shares.");
  const bad = checkCount("buyShares", buyShares, "bought");
  if (bad) return bad;

  const sharesAfter = currentShares + buyShares;
  const amount = BigInt(buyShares) * cls.parValue;
  const valueAfter = BigInt(sharesAfter) * cls.parValue;
  const max = maxHoldingFor(cls, memberKind);
  if (max !== null && valueAfter > max) {
    return refuse(
      "buyShares",
      `A holding in ${cls.name} may not exceed ${money(max)}; this purchase would make it ${money(valueAfter)}.`,
    );
  }
  if (sharesAfter < cls.minHolding) {
    return refuse(
      "buyShares",
      `Membership needs at least ${shares(cls.minHolding)} in ${cls.name} (${money(BigInt(cls.minHolding) * cls.parValue)}); this purchase would make ${shares(sharesAfter)}.`,
    );
  }
  return { ok: true, amount, sharesAfter, valueAfter };
}

export interface WithdrawalInput {
  cls: ShareClass;
  currentShares: number;
  /** Shares already under withdrawal notice and not yet paid out. */
  pendingShares: number;
  withdrawShares: number;
  /** The member is giving notice to leave the society (withdrawing everything). */
  leaving: boolean;
}

export function checkWithdrawal(input: WithdrawalInput): RuleCheck<{ amount: Minor; sharesRemaining: number; noticeDays: number }> {
  const { cls, currentShares, pendingShares, withdrawShares, leaving } = input;
  assertHolding("currentShares", currentShares);
  assertHolding("pendingShares", pendingShares);
  if (pendingShares > currentShares) throw new RangeError(`pendingShares (${pendingShares}) exceeds currentShares (${currentShares})`);
  if (!cls.withdrawable) return refuse("cls", `${cls.name} are not withdrawable.`);
  const bad = checkCount("withdrawShares", withdrawShares, "withdrawn");
  if (bad) return bad;

  const available = currentShares - pendingShares;
  if (withdrawShares > available) {
    const pendingNote = pendingShares > 0 ? ` (${shares(currentShares)} held, ${shares(pendingShares)} already under withdrawal notice)` : "";
    return refuse("withdrawShares", `Only ${shares(available)} in ${cls.name} can be withdrawn${pendingNote}; ${shares(withdrawShares)} were asked for.`);
  }
  const remaining = available - withdrawShares;
  if (leaving) {
    if (remaining !== 0) {
      return refuse("withdrawShares", `A member who is leaving withdraws all ${shares(available)} in ${cls.name}, not ${withdrawShares}.`);
    }
  } else if (remaining < cls.minHolding) {
    return refuse(
      "withdrawShares",
      `This would leave ${shares(remaining)} in ${cls.name}, below the ${shares(cls.minHolding)} needed for membership. To withdraw everything, give notice of leaving.`,
    );
  }
  return { ok: true, amount: BigInt(withdrawShares) * cls.parValue, sharesRemaining: remaining, noticeDays: cls.noticeDays };
}

/**
 * The day a withdrawal falls due: the notice runs for `noticeDays` whole days
 * from the day it was given, so notice given on 1 March with 90 days' notice
 * is due on 30 May.
 */
export function withdrawalDueDate(requestedOn: IsoDate, noticeDays: number): IsoDate {
  if (!isWholeCount(noticeDays)) throw new RangeError(`notice must be a whole number of days, not ${noticeDays}`);
  return addDays(requestedOn, noticeDays);
}

export interface TransferInput {
  cls: ShareClass;
  fromMemberId: string;
  toMemberId: string;
  fromShares: number;
  /** Shares of the transferor already under withdrawal notice: they cannot also be transferred. */
  fromPendingShares?: number;
  toShares: number;
  transferShares: number;
  toStatus: MemberStatus;
  toKind: MemberKind;
  /** The transferor is leaving the society, so may transfer everything. */
  leaving?: boolean;
  /** The organisation's currency and locale, that a refusal writes amounts in. */
  money: MoneyStyle;
}

export function checkTransfer(input: TransferInput): RuleCheck<{ amount: Minor; fromSharesAfter: number; toSharesAfter: number }> {
  const { cls, fromShares, toShares, transferShares, toStatus, toKind } = input;
  const pending = input.fromPendingShares ?? 0;
  assertHolding("fromShares", fromShares);
  assertHolding("fromPendingShares", pending);
  assertHolding("toShares", toShares);
  if (!cls.transferable) return refuse("cls", `${cls.name} are not transferable.`);
  if (input.fromMemberId === input.toMemberId) return refuse("toMemberId", "A member cannot transfer shares to themselves.");
  if (toStatus === "suspended") return refuse("toMemberId", "Shares cannot be transferred to a suspended member.");
  if (toStatus === "ceased") return refuse("toMemberId", "Shares cannot be transferred to someone who has ceased to be a member.");
  const bad = checkCount("transferShares", transferShares, "transferred");
  if (bad) return bad;

  const available = fromShares - pending;
  if (transferShares > available) {
    return refuse("transferShares", `Only ${shares(Math.max(available, 0))} in ${cls.name} can be transferred; ${shares(transferShares)} were asked for.`);
  }
  const fromAfter = fromShares - transferShares;
  if (input.leaving) {
    // Shares already under withdrawal notice leave by that route instead.
    if (available - transferShares !== 0) {
      return refuse("transferShares", `A member who is leaving transfers all ${shares(available)} in ${cls.name}.`);
    }
  } else if (fromAfter < cls.minHolding) {
    return refuse(
      "transferShares",
      `This would leave the transferring member ${shares(fromAfter)} in ${cls.name}, below the ${shares(cls.minHolding)} needed for membership.`,
    );
  }
  const toAfter = toShares + transferShares;
  const max = maxHoldingFor(cls, toKind);
  const toValue = BigInt(toAfter) * cls.parValue;
  if (max !== null && toValue > max) {
    return refuse(
      "transferShares",
      `A holding in ${cls.name} may not exceed ${displayMoney(max, input.money)}; this transfer would make the receiving member's ${displayMoney(toValue, input.money)}.`,
    );
  }
  if (toAfter < cls.minHolding) {
    return refuse(
      "transferShares",
      `The receiving member needs at least ${shares(cls.minHolding)} in ${cls.name}; this transfer would give them ${shares(toAfter)}.`,
    );
  }
  return { ok: true, amount: BigInt(transferShares) * cls.parValue, fromSharesAfter: fromAfter, toSharesAfter: toAfter };
}
