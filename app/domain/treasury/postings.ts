/**
 * The posting rules of the books (issue #18 point 4, ADR 0018): each kind of
 * money event the ledgers record maps to balanced debit and credit lines on
 * the default chart of accounts. Pure: no I/O, no dates read; the journal
 * (app/models/treasury/journal.server.ts) reads the events from the
 * append-only ledgers and stores what this returns.
 *
 * Lines name the default account codes below; an organisation maps each to
 * its own code and name in its accounting package (chart_of_accounts), so
 * the journal never changes when the mapping does.
 */
import { fromDay, toDay } from "~/domain/calendar";
import type { Minor } from "~/domain/money";

export type AccountType = "asset" | "liability" | "equity" | "income" | "expense";

export interface DefaultAccount {
  code: string;
  name: string;
  type: AccountType;
  /** What the account holds, in words, for the chart page. */
  holds: string;
}

export const ACCOUNTS = {
  loansReceivable: "1100",
  bank: "1200",
  cardClearing: "1210",
  directDebitClearing: "1220",
  cardRefundsDue: "2100",
  shareInterestPayable: "2200",
  shareCapital: "3000",
  shareTransfersClearing: "3050",
  reserves: "3100",
  openingBalances: "3900",
  interestIncome: "4000",
  feeIncome: "4100",
  badDebt: "6000",
  shareInterest: "6100",
} as const;
export type AccountCode = (typeof ACCOUNTS)[keyof typeof ACCOUNTS];

export const DEFAULT_CHART: readonly DefaultAccount[] = [
  { code: ACCOUNTS.loansReceivable, name: "Loans receivable", type: "asset", holds: "Loan principal lent and not yet repaid or written off" },
  { code: ACCOUNTS.bank, name: "Bank", type: "asset", holds: "Money in and out of the bank account (cash, cheques, transfers)" },
  { code: ACCOUNTS.cardClearing, name: "Card clearing (Stripe)", type: "asset", holds: "Card payments taken by Stripe and not yet paid out to the bank" },
  { code: ACCOUNTS.directDebitClearing, name: "Direct Debit clearing", type: "asset", holds: "Direct Debit collections not yet paid out to the bank" },
  { code: ACCOUNTS.cardRefundsDue, name: "Card payments to refund", type: "liability", holds: "Card payments received that could not be applied, until refunded" },
  { code: ACCOUNTS.shareInterestPayable, name: "Share interest payable", type: "liability", holds: "Interest on shares owed to members in cash" },
  { code: ACCOUNTS.shareCapital, name: "Share capital", type: "equity", holds: "Paid-up share capital, as the register of members shows it" },
  { code: ACCOUNTS.shareTransfersClearing, name: "Share transfers clearing", type: "equity", holds: "Both halves of a transfer between members (nets to nothing)" },
  { code: ACCOUNTS.reserves, name: "Reserves", type: "equity", holds: "Bonus shares issued from, and forfeited shares returned to, reserves" },
  { code: ACCOUNTS.openingBalances, name: "Opening balances", type: "equity", holds: "Share capital brought in by importing an earlier register" },
  { code: ACCOUNTS.interestIncome, name: "Loan interest income", type: "income", holds: "Interest received on loans" },
  { code: ACCOUNTS.feeIncome, name: "Loan fee income", type: "income", holds: "Arrangement and other loan fees" },
  { code: ACCOUNTS.badDebt, name: "Loan write-offs (bad debt)", type: "expense", holds: "Principal written off, less recoveries" },
  { code: ACCOUNTS.shareInterest, name: "Interest on shares", type: "expense", holds: "Interest paid to members on their shares" },
];

export interface Line {
  account: AccountCode;
  debit: Minor;
  credit: Minor;
}

export interface Posting {
  description: string;
  lines: Line[];
}

export type ShareKind = "purchase" | "withdrawal" | "transfer_in" | "transfer_out" | "interest_shares" | "bonus" | "forfeit";
export type LoanKind = "disbursement" | "repayment" | "fee" | "write_off" | "recovery";

/** A share ledger row; a reversal carries what it reverses (kind and method). */
export interface ShareEvent {
  source: "share_transaction";
  kind: ShareKind | "reversal";
  amount: Minor;
  method: string;
  reference: string;
  /** For a reversal: the row reversed. */
  reverses?: { kind: ShareKind; method: string } | null;
}

/** A loan ledger row; parts as stored (a reversal's parts are the negated parts of what it reverses). */
export interface LoanEvent {
  source: "loan_transaction";
  kind: LoanKind | "reversal";
  loanReference: number;
  amount: Minor;
  principal: Minor;
  interest: Minor;
  fees: Minor;
  method: string | null;
  reverses?: { kind: LoanKind; method: string | null } | null;
}

/** Interest on shares owed in cash (an interest line of a posted run). */
export interface ShareInterestCashEvent {
  source: "share_interest_cash";
  amount: Minor;
  period: string;
}

/** A card payment Stripe took that could not be applied (refund queued), and its refund. */
export interface CardUnappliedEvent {
  source: "card_unapplied" | "card_refund";
  amount: Minor;
  paidFor: "shares" | "loan";
}

export type MoneyEvent = ShareEvent | LoanEvent | ShareInterestCashEvent | CardUnappliedEvent;

export class PostingError extends Error {}

const dr = (account: AccountCode, amount: Minor): Line => ({ account, debit: amount, credit: 0n });
const cr = (account: AccountCode, amount: Minor): Line => ({ account, debit: 0n, credit: amount });

/** Where money paid in or out by a method sits: card payments in Stripe clearing, Direct Debits in their clearing, the rest at the bank. */
export function moneyAccount(method: string | null): AccountCode {
  if (method === "card") return ACCOUNTS.cardClearing;
  if (method === "direct_debit") return ACCOUNTS.directDebitClearing;
  return ACCOUNTS.bank;
}

/** Where the other side of a share issue sits: paid for (by its method), imported, from interest, or from reserves. */
function shareFunding(kind: ShareKind, method: string): AccountCode {
  if (kind === "interest_shares") return ACCOUNTS.shareInterest;
  if (kind === "bonus" || kind === "forfeit") return ACCOUNTS.reserves;
  if (kind === "transfer_in" || kind === "transfer_out") return ACCOUNTS.shareTransfersClearing;
  if (method === "import") return ACCOUNTS.openingBalances;
  return moneyAccount(method);
}

const SHARE_WORDS: Record<ShareKind, string> = {
  purchase: "Shares issued",
  withdrawal: "Shares withdrawn",
  transfer_in: "Shares transferred in",
  transfer_out: "Shares transferred out",
  interest_shares: "Interest on shares credited as shares",
  bonus: "Bonus shares issued",
  forfeit: "Shares forfeited",
};

function shareLines(kind: ShareKind, method: string, amount: Minor): Line[] {
  const other = shareFunding(kind, method);
  // Share capital rises with an issue (credit) and falls with a withdrawal, transfer out or forfeit (debit).
  const issue = kind === "purchase" || kind === "transfer_in" || kind === "interest_shares" || kind === "bonus";
  return issue ? [dr(other, amount), cr(ACCOUNTS.shareCapital, amount)] : [dr(ACCOUNTS.shareCapital, amount), cr(other, amount)];
}

const LOAN_WORDS: Record<LoanKind, string> = {
  disbursement: "Loan paid out",
  repayment: "Loan repayment",
  fee: "Loan fee",
  write_off: "Loan written off",
  recovery: "Recovery on a written-off loan",
};

function loanLines(kind: LoanKind, method: string | null, amount: Minor, principal: Minor, interest: Minor, fees: Minor): Line[] {
  switch (kind) {
    case "disbursement":
      // Paid out from the bank (an arrangement fee taken from it is its own "fee" row).
      return [dr(ACCOUNTS.loansReceivable, principal), cr(moneyAccount(method), principal)];
    case "fee":
      // Taken from the amount paid out: the bank paid out that much less.
      return [dr(moneyAccount(method), fees), cr(ACCOUNTS.feeIncome, fees)];
    case "repayment":
      if (principal + interest + fees !== amount) throw new PostingError(`repayment of ${amount} splits into ${principal} + ${interest} + ${fees}`);
      return [dr(moneyAccount(method), amount), cr(ACCOUNTS.loansReceivable, principal), cr(ACCOUNTS.interestIncome, interest), cr(ACCOUNTS.feeIncome, fees)];
    case "write_off":
      return [dr(ACCOUNTS.badDebt, principal), cr(ACCOUNTS.loansReceivable, principal)];
    case "recovery":
      // Money back on a written-off loan reduces the loss; the loan's balance stays written off.
      return [dr(moneyAccount(method), amount), cr(ACCOUNTS.badDebt, amount)];
  }
}

/** Debits for credits: what a reversal posts. */
export function mirror(lines: readonly Line[]): Line[] {
  return lines.map((l) => ({ account: l.account, debit: l.credit, credit: l.debit }));
}

/**
 * Drop zero lines and merge lines on the same account and side, then check
 * the entry balances and has no negative amounts: every posting passes here.
 */
export function finish(description: string, lines: readonly Line[]): Posting {
  const merged = new Map<string, Line>();
  for (const l of lines) {
    if (l.debit < 0n || l.credit < 0n) throw new PostingError(`${description}: negative amount on ${l.account}`);
    if (l.debit > 0n && l.credit > 0n) throw new PostingError(`${description}: line on ${l.account} both debits and credits`);
    if (l.debit === 0n && l.credit === 0n) continue;
    const key = `${l.account}:${l.debit > 0n ? "d" : "c"}`;
    const m = merged.get(key);
    if (m) merged.set(key, { account: l.account, debit: m.debit + l.debit, credit: m.credit + l.credit });
    else merged.set(key, { ...l });
  }
  const out = [...merged.values()];
  assertBalanced(description, out);
  return { description, lines: out };
}

export function assertBalanced(description: string, lines: readonly Line[]) {
  const debits = lines.reduce((s, l) => s + l.debit, 0n);
  const credits = lines.reduce((s, l) => s + l.credit, 0n);
  if (debits !== credits) throw new PostingError(`${description}: debits ${debits} do not equal credits ${credits}`);
}

/** The journal entry for one money event. */
export function postingFor(event: MoneyEvent): Posting {
  switch (event.source) {
    case "share_transaction": {
      const ref = event.reference ? ` (${event.reference})` : "";
      if (event.kind === "reversal") {
        if (!event.reverses) throw new PostingError("a share reversal needs the transaction it reverses");
        return finish(`Reversed: ${SHARE_WORDS[event.reverses.kind].toLowerCase()}${ref}`, mirror(shareLines(event.reverses.kind, event.reverses.method, event.amount)));
      }
      return finish(`${SHARE_WORDS[event.kind]}${ref}`, shareLines(event.kind, event.method, event.amount));
    }
    case "loan_transaction": {
      const loan = ` on loan ${event.loanReference}`;
      if (event.kind === "reversal") {
        if (!event.reverses) throw new PostingError("a loan reversal needs the transaction it reverses");
        const { kind, method } = event.reverses;
        return finish(`Reversed: ${LOAN_WORDS[kind].toLowerCase()}${loan}`, mirror(loanLines(kind, method, event.amount, -event.principal, -event.interest, -event.fees)));
      }
      return finish(`${LOAN_WORDS[event.kind]}${loan}`, loanLines(event.kind, event.method, event.amount, event.principal, event.interest, event.fees));
    }
    case "share_interest_cash":
      return finish(`Interest on shares owed in cash (${event.period})`, [dr(ACCOUNTS.shareInterest, event.amount), cr(ACCOUNTS.shareInterestPayable, event.amount)]);
    case "card_unapplied":
      return finish(`Card payment for ${event.paidFor === "shares" ? "shares" : "a loan repayment"} that could not be applied: to refund`, [dr(ACCOUNTS.cardClearing, event.amount), cr(ACCOUNTS.cardRefundsDue, event.amount)]);
    case "card_refund":
      return finish(`Card payment refunded (${event.paidFor === "shares" ? "shares" : "loan repayment"})`, [dr(ACCOUNTS.cardRefundsDue, event.amount), cr(ACCOUNTS.cardClearing, event.amount)]);
  }
}

/**
 * The date an event posts on: its own, or the first open day after a locked
 * period (a locked period is never altered). Returns the note to add to the
 * entry's description when moved.
 */
export function postingDate(eventDate: string, lockedThrough: string | null): { postedOn: string; note: string } {
  if (!lockedThrough || eventDate > lockedThrough) return { postedOn: eventDate, note: "" };
  return { postedOn: fromDay(toDay(lockedThrough) + 1), note: ` [dated ${eventDate}, inside the period locked through ${lockedThrough}: posted on the first open day]` };
}
