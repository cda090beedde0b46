import { describe, expect, it } from "vitest";
import { ACCOUNTS, DEFAULT_CHART, finish, mirror, postingDate, postingFor, PostingError, type Line, type LoanKind, type MoneyEvent, type ShareKind } from "./postings";

/** Each account's net (debit − credit) over some postings. */
function net(lines: readonly Line[]) {
  const out: Record<string, bigint> = {};
  for (const l of lines) out[l.account] = (out[l.account] ?? 0n) + l.debit - l.credit;
  for (const k of Object.keys(out)) if (out[k] === 0n) delete out[k];
  return out;
}
const sum = (lines: readonly Line[], side: "debit" | "credit") => lines.reduce((s, l) => s + l[side], 0n);

const share = (kind: ShareKind, method = "bank_transfer", amount = 2500n): MoneyEvent => ({ source: "share_transaction", kind, amount, method, reference: "" });
const loan = (kind: LoanKind | "reversal", parts: { amount: bigint; principal?: bigint; interest?: bigint; fees?: bigint; method?: string | null }): MoneyEvent => ({
  source: "loan_transaction", kind, loanReference: 7, amount: parts.amount, principal: parts.principal ?? 0n, interest: parts.interest ?? 0n, fees: parts.fees ?? 0n, method: parts.method ?? null,
});

describe("posting rules", () => {
  it("every default account has a distinct code and every rule's accounts are in the chart", () => {
    const codes = DEFAULT_CHART.map((a) => a.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(codes)).toEqual(new Set(Object.values(ACCOUNTS)));
  });

  it("a share purchase debits where the money came in and credits share capital", () => {
    expect(net(postingFor(share("purchase", "cash")).lines)).toEqual({ [ACCOUNTS.bank]: 2500n, [ACCOUNTS.shareCapital]: -2500n });
    expect(net(postingFor(share("purchase", "card")).lines)).toEqual({ [ACCOUNTS.cardClearing]: 2500n, [ACCOUNTS.shareCapital]: -2500n });
    expect(net(postingFor(share("purchase", "direct_debit")).lines)).toEqual({ [ACCOUNTS.directDebitClearing]: 2500n, [ACCOUNTS.shareCapital]: -2500n });
    expect(net(postingFor(share("purchase", "import")).lines)).toEqual({ [ACCOUNTS.openingBalances]: 2500n, [ACCOUNTS.shareCapital]: -2500n });
  });

  it("a withdrawal pays out of the bank; a transfer's two halves net to nothing on share capital", () => {
    expect(net(postingFor(share("withdrawal", "withdrawal")).lines)).toEqual({ [ACCOUNTS.shareCapital]: 2500n, [ACCOUNTS.bank]: -2500n });
    const both = [...postingFor(share("transfer_out", "transfer")).lines, ...postingFor(share("transfer_in", "transfer")).lines];
    expect(net(both)).toEqual({});
    expect(net(postingFor(share("transfer_in", "transfer")).lines)[ACCOUNTS.shareCapital]).toBe(-2500n);
  });

  it("interest as shares is an expense; bonus and forfeit go through reserves", () => {
    expect(net(postingFor(share("interest_shares", "interest")).lines)).toEqual({ [ACCOUNTS.shareInterest]: 2500n, [ACCOUNTS.shareCapital]: -2500n });
    expect(net(postingFor(share("bonus", "")).lines)).toEqual({ [ACCOUNTS.reserves]: 2500n, [ACCOUNTS.shareCapital]: -2500n });
    expect(net(postingFor(share("forfeit", "")).lines)).toEqual({ [ACCOUNTS.shareCapital]: 2500n, [ACCOUNTS.reserves]: -2500n });
  });

  it("a share reversal posts the mirror of what it reverses", () => {
    const original = postingFor(share("purchase", "card"));
    const reversal = postingFor({ source: "share_transaction", kind: "reversal", amount: 2500n, method: "", reference: "keyed twice", reverses: { kind: "purchase", method: "card" } });
    expect(reversal.lines).toEqual(mirror(original.lines));
    expect(net([...original.lines, ...reversal.lines])).toEqual({});
    expect(reversal.description).toMatch(/^Reversed: shares issued \(keyed twice\)/);
    expect(() => postingFor({ source: "share_transaction", kind: "reversal", amount: 1n, method: "", reference: "" })).toThrow(PostingError);
  });

  it("a pay-out, its fee, and a repayment split into principal, interest and fees", () => {
    expect(net(postingFor(loan("disbursement", { amount: 500000n, principal: 500000n, method: "bank" })).lines)).toEqual({ [ACCOUNTS.loansReceivable]: 500000n, [ACCOUNTS.bank]: -500000n });
    expect(net(postingFor(loan("fee", { amount: 5000n, fees: 5000n })).lines)).toEqual({ [ACCOUNTS.bank]: 5000n, [ACCOUNTS.feeIncome]: -5000n });
    const repay = postingFor(loan("repayment", { amount: 45000n, principal: 40000n, interest: 4000n, fees: 1000n, method: "card" }));
    expect(net(repay.lines)).toEqual({ [ACCOUNTS.cardClearing]: 45000n, [ACCOUNTS.loansReceivable]: -40000n, [ACCOUNTS.interestIncome]: -4000n, [ACCOUNTS.feeIncome]: -1000n });
    expect(repay.description).toBe("Loan repayment on loan 7");
    expect(() => postingFor(loan("repayment", { amount: 45000n, principal: 40000n }))).toThrow(/splits into/);
  });

  it("a write-off moves principal to bad debt and a recovery reduces it", () => {
    expect(net(postingFor(loan("write_off", { amount: 123n, principal: 123n })).lines)).toEqual({ [ACCOUNTS.badDebt]: 123n, [ACCOUNTS.loansReceivable]: -123n });
    expect(net(postingFor(loan("recovery", { amount: 50n, principal: 50n, method: "bank" })).lines)).toEqual({ [ACCOUNTS.bank]: 50n, [ACCOUNTS.badDebt]: -50n });
  });

  it("a loan reversal (parts stored negated) posts the mirror of the original", () => {
    const original = postingFor(loan("repayment", { amount: 45000n, principal: 40000n, interest: 5000n, method: "bank" }));
    const reversal = postingFor({ ...loan("reversal", { amount: 45000n, principal: -40000n, interest: -5000n }), reverses: { kind: "repayment", method: "bank" } } as MoneyEvent);
    expect(reversal.lines).toEqual(mirror(original.lines));
    expect(net([...original.lines, ...reversal.lines])).toEqual({});
  });

  it("card payments that could not be applied sit in refunds due until refunded", () => {
    const taken = postingFor({ source: "card_unapplied", amount: 900n, paidFor: "shares" });
    const refunded = postingFor({ source: "card_refund", amount: 900n, paidFor: "shares" });
    expect(net(taken.lines)).toEqual({ [ACCOUNTS.cardClearing]: 900n, [ACCOUNTS.cardRefundsDue]: -900n });
    expect(net([...taken.lines, ...refunded.lines])).toEqual({});
  });

  it("interest owed in cash is an expense and a liability", () => {
    expect(net(postingFor({ source: "share_interest_cash", amount: 77n, period: "2025-01-01 to 2025-12-31" }).lines)).toEqual({ [ACCOUNTS.shareInterest]: 77n, [ACCOUNTS.shareInterestPayable]: -77n });
  });

  it("every entry balances; zero lines are dropped; unbalanced or negative lines are refused", () => {
    const events: MoneyEvent[] = [share("purchase"), share("withdrawal"), loan("repayment", { amount: 10n, principal: 10n }), loan("repayment", { amount: 10n, interest: 10n }), { source: "card_refund", amount: 3n, paidFor: "loan" }];
    for (const e of events) {
      const p = postingFor(e);
      expect(sum(p.lines, "debit")).toBe(sum(p.lines, "credit"));
      expect(p.lines.every((l) => l.debit > 0n || l.credit > 0n)).toBe(true);
    }
    expect(postingFor(loan("repayment", { amount: 10n, interest: 10n })).lines).toHaveLength(2);
    expect(() => finish("x", [{ account: ACCOUNTS.bank, debit: 5n, credit: 0n }, { account: ACCOUNTS.shareCapital, debit: 0n, credit: 4n }])).toThrow(/do not equal/);
    expect(() => finish("x", [{ account: ACCOUNTS.bank, debit: -5n, credit: 0n }, { account: ACCOUNTS.shareCapital, debit: -5n, credit: 0n }])).toThrow(/negative/);
  });

  it("an event dated inside a locked period posts on the first open day and says so", () => {
    expect(postingDate("2026-03-31", null)).toEqual({ postedOn: "2026-03-31", note: "" });
    expect(postingDate("2026-04-01", "2026-03-31")).toEqual({ postedOn: "2026-04-01", note: "" });
    const moved = postingDate("2026-03-15", "2026-03-31");
    expect(moved.postedOn).toBe("2026-04-01");
    expect(moved.note).toContain("dated 2026-03-15");
    expect(postingDate("2024-02-10", "2024-02-28").postedOn).toBe("2024-02-29");
  });
});
