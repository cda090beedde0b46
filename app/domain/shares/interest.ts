/**
 * Preview of the annual share interest run for one share class.
 *
 * Method (the same words appear in each member's `explain`):
 *  - A member's balance for a day is the value of their holding in the class
 *    at the END of that day, so shares bought on 1 July earn for 1 July, and
 *    shares withdrawn on 1 July do not.
 *  - interest = sum over the days of the period of
 *        balance x rate / days-in-year
 *    worked out exactly as a fraction and rounded ONCE per member, so
 *    rounding never accumulates day by day.
 *  - days-in-year is 366 if the period contains a 29 February and 365
 *    otherwise. So a full calendar year, leap or not, earns exactly the
 *    stated rate, and a period that straddles a leap day is treated as a leap
 *    year. A period may not be longer than 366 days.
 *  - Default rounding is "down" (truncate to the penny) so the society never
 *    pays more than the declared rate; the mode can be chosen.
 *  - Interest can be added as shares: whole shares at par value, with what is
 *    left over paid in cash.
 */
import { displayMoney, divRound, formatMinor, minorUnitDigits, smallestUnitWords, type Minor, type MoneyStyle, type RoundingMode } from "~/domain/money";
import { containsLeapDay, fromDay, type IsoDate, toDay } from "../calendar";
import { holdingMovements, LedgerError, type ShareTransaction } from "./holdings";
import type { ShareClass } from "./rules";

export interface InterestRunInput {
  cls: Pick<ShareClass, "id" | "name" | "parValue" | "interestRateBasisPoints">;
  /** First and last day of the period, both included. */
  from: IsoDate;
  to: IsoDate;
  /** The share ledger (rows of other classes are ignored). */
  transactions: readonly ShareTransaction[];
  /** Rate declared for this run, if not the class rate (basis points a year). */
  rateBasisPoints?: number;
  rounding?: RoundingMode;
  /** The organisation's currency and locale, that each member's explanation writes amounts in. */
  money: MoneyStyle;
}

export interface BalanceSpan {
  from: IsoDate;
  to: IsoDate;
  days: number;
  balance: Minor;
}

export interface MemberInterest {
  memberId: string;
  /** Average daily balance over the whole period, to the penny (half-even). */
  averageBalance: Minor;
  /** Days in the period on which the member held shares in the class. */
  days: number;
  /** Sum of the daily balances (minor units x days): the exact base of the calculation. */
  balanceDays: bigint;
  interest: Minor;
  asShares: { shares: number; cash: Minor };
  spans: BalanceSpan[];
  explain: string;
}

export interface InterestRunPreview {
  classId: string;
  from: IsoDate;
  to: IsoDate;
  periodDays: number;
  daysInYear: 365 | 366;
  rateBasisPoints: number;
  rounding: RoundingMode;
  members: MemberInterest[];
  totalInterest: Minor;
  totalShares: number;
  totalCash: Minor;
  method: string;
}

/** How the interest was rounded, in words: "to the nearest penny" for pounds, "to the nearest €0.01" for euros. */
function roundingWords(rounding: RoundingMode, money: MoneyStyle): string {
  const unit = smallestUnitWords(money);
  return { down: "rounded down", up: "rounded up", "half-up": `rounded to the nearest ${unit} (halves up)`, "half-even": `rounded to the nearest ${unit} (halves to even)` }[rounding];
}

function percent(bp: number): string {
  return `${formatMinor(BigInt(bp))}%`;
}

/** An exact fraction of minor units shown to 4 places beyond the minor unit (£30.000000), with "…" if it goes on. */
function showFraction(numerator: bigint, denominator: bigint, money: MoneyStyle): string {
  const scaled = (numerator * 10_000n) / denominator;
  const exact = (numerator * 10_000n) % denominator === 0n;
  return `${displayMoney(scaled, money, minorUnitDigits(money.currency) + 4)}${exact ? "" : "…"}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function previewInterestRun(input: InterestRunInput): InterestRunPreview {
  const { cls, from, to } = input;
  const money = (v: Minor) => displayMoney(v, input.money);
  const rounding = input.rounding ?? "down";
  const rate = input.rateBasisPoints ?? cls.interestRateBasisPoints;
  if (!Number.isSafeInteger(rate) || rate < 0) throw new RangeError(`interest rate must be whole basis points, not ${rate}`);
  if (cls.parValue <= 0n) throw new RangeError(`share class ${cls.id} has no par value`);
  const firstDay = toDay(from);
  const lastDay = toDay(to);
  if (lastDay < firstDay) throw new RangeError(`interest period ends (${to}) before it starts (${from})`);
  const periodDays = lastDay - firstDay + 1;
  if (periodDays > 366) throw new RangeError(`an interest run covers at most one year; ${from} to ${to} is ${periodDays} days`);
  const daysInYear: 365 | 366 = containsLeapDay(from, to) ? 366 : 365;
  const denominator = 10_000n * BigInt(daysInYear);

  // Group this class's movements by member (already in date order).
  const byMember = new Map<string, { day: number; value: Minor }[]>();
  for (const m of holdingMovements(input.transactions)) {
    if (m.classId !== cls.id || m.day > lastDay) continue;
    let list = byMember.get(m.memberId);
    if (!list) byMember.set(m.memberId, (list = []));
    list.push({ day: m.day, value: m.value });
  }

  const members: MemberInterest[] = [];
  for (const [memberId, moves] of byMember) {
    const spans: BalanceSpan[] = [];
    let balance = 0n;
    let cursor = firstDay;
    const addSpan = (start: number, end: number, value: Minor) => {
      const last = spans[spans.length - 1];
      if (last && last.balance === value) {
        last.to = fromDay(end);
        last.days += end - start + 1;
      } else {
        spans.push({ from: fromDay(start), to: fromDay(end), days: end - start + 1, balance: value });
      }
    };
    for (let i = 0; i < moves.length; ) {
      const day = moves[i].day;
      if (day >= firstDay && day > cursor) {
        addSpan(cursor, day - 1, balance);
        cursor = day;
      }
      // Apply the whole day before checking: rows within a day may be in any order.
      for (; i < moves.length && moves[i].day === day; i++) balance += moves[i].value;
      if (balance < 0n) {
        throw new LedgerError(`holding of member ${memberId} in share class ${cls.id} goes negative on ${fromDay(day)}`);
      }
    }
    addSpan(cursor, lastDay, balance);

    let balanceDays = 0n;
    let daysHeld = 0;
    for (const s of spans) {
      balanceDays += s.balance * BigInt(s.days);
      if (s.balance > 0n) daysHeld += s.days;
    }
    if (balanceDays === 0n) continue;

    const numerator = balanceDays * BigInt(rate);
    const interest = divRound(numerator, denominator, rounding);
    const wholeShares = interest / cls.parValue;
    const cash = interest % cls.parValue;
    const held = spans.filter((s) => s.balance > 0n);
    const base =
      held.length === 1 && held[0].days === periodDays
        ? `${money(held[0].balance)} held all ${periodDays} days of ${from} to ${to}`
        : held.map((s) => `${money(s.balance)} × ${plural(s.days, "day")} (${s.from} to ${s.to})`).join(" + ");
    const explain =
      `${base} = ${money(balanceDays)} balance-days; ` +
      `× ${percent(rate)} ÷ ${daysInYear} = ${showFraction(numerator, denominator, input.money)}; ` +
      `${roundingWords(rounding, input.money)} to ${money(interest)}. ` +
      `As shares: ${plural(Number(wholeShares), "share")} of ${money(cls.parValue)} and ${money(cash)} in cash.`;

    members.push({
      memberId,
      averageBalance: divRound(balanceDays, BigInt(periodDays), "half-even"),
      days: daysHeld,
      balanceDays,
      interest,
      asShares: { shares: Number(wholeShares), cash },
      spans,
      explain,
    });
  }
  members.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));

  return {
    classId: cls.id,
    from,
    to,
    periodDays,
    daysInYear,
    rateBasisPoints: rate,
    rounding,
    members,
    totalInterest: members.reduce((t, m) => t + m.interest, 0n),
    totalShares: members.reduce((t, m) => t + m.asShares.shares, 0),
    totalCash: members.reduce((t, m) => t + m.asShares.cash, 0n),
    method:
      `Interest on ${cls.name} at ${percent(rate)} a year for ${from} to ${to} (${periodDays} days): ` +
      `each member's end-of-day balance × rate ÷ ${daysInYear} (${daysInYear === 366 ? "the period contains 29 February" : "no 29 February in the period"}), ` +
      `summed exactly and ${roundingWords(rounding, input.money)} once per member.`,
  };
}
