import { describe, expect, it } from "vitest";
import {
  checkPurchase,
  checkTransfer,
  checkWithdrawal,
  maxHoldingFor,
  STATUTORY_WITHDRAWABLE_LIMIT,
  withdrawalDueDate,
  type ShareClass,
} from "./rules";
import type { MoneyStyle } from "~/domain/money";

const GBP: MoneyStyle = { currency: "GBP", locale: "en-GB" };

const community: ShareClass = {
  id: "community",
  name: "Community Shares",
  parValue: 2500n, // £25
  minHolding: 4, // £100 to be a member
  withdrawable: true,
  transferable: false,
  noticeDays: 90,
  interestRateBasisPoints: 300,
  voting: "one-member-one-vote",
};

const founder: ShareClass = {
  ...community,
  id: "founder",
  name: "Founder Shares",
  parValue: 100n,
  minHolding: 1,
  withdrawable: false,
  transferable: true,
  maxHoldingValue: 500_000n, // £5,000 cap set by the rules
};

describe("maximum holding", () => {
  it("defaults to £100,000 for withdrawable shares and none for others", () => {
    expect(maxHoldingFor(community, "person")).toBe(STATUTORY_WITHDRAWABLE_LIMIT);
    expect(STATUTORY_WITHDRAWABLE_LIMIT).toBe(10_000_000n);
    expect(maxHoldingFor({ ...community, withdrawable: false }, "person")).toBeNull();
    expect(maxHoldingFor({ ...community, maxHoldingValue: null }, "organisation")).toBeNull();
    expect(maxHoldingFor(founder, "organisation")).toBe(500_000n);
  });

  it("does not apply to a member that is itself a registered society", () => {
    expect(maxHoldingFor(community, "society")).toBeNull();
    expect(maxHoldingFor(founder, "society")).toBeNull();
  });
});

describe("checkPurchase", () => {
  const base = { cls: community, currentShares: 0, buyShares: 4, memberStatus: "applied" as const, memberKind: "person" as const, money: GBP };

  it("prices a purchase at par value", () => {
    expect(checkPurchase(base)).toEqual({ ok: true, amount: 10_000n, sharesAfter: 4, valueAfter: 10_000n });
  });

  it("allows a holding exactly at the maximum", () => {
    expect(checkPurchase({ ...base, currentShares: 3999, buyShares: 1 })).toMatchObject({ ok: true, valueAfter: 10_000_000n });
  });

  it("refuses a holding above the maximum, saying by how much", () => {
    expect(checkPurchase({ ...base, currentShares: 3999, buyShares: 2, memberStatus: "admitted" })).toEqual({
      ok: false,
      field: "buyShares",
      reason: "A holding in Community Shares may not exceed £100,000.00; this purchase would make it £100,025.00.",
    });
  });

  it("lets a society member go above £100,000", () => {
    expect(checkPurchase({ ...base, currentShares: 3999, buyShares: 2, memberKind: "society" })).toMatchObject({ ok: true, valueAfter: 10_002_500n });
  });

  it("sells whole shares only, at least one", () => {
    for (const buyShares of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = checkPurchase({ ...base, currentShares: 4, buyShares });
      expect(r.ok, String(buyShares)).toBe(false);
      expect(!r.ok && r.field).toBe("buyShares");
    }
    expect(checkPurchase({ ...base, currentShares: 4, buyShares: 1.5 })).toMatchObject({ reason: expect.stringMatching(/whole/) });
  });

  it("refuses suspended and ceased members", () => {
    expect(checkPurchase({ ...base, memberStatus: "suspended" })).toEqual({
      ok: false,
      field: "memberStatus",
      reason: "A suspended member cannot buy shares.",
    });
    expect(checkPurchase({ ...base, memberStatus: "ceased" })).toMatchObject({ ok: false, field: "memberStatus" });
  });

  it("needs the minimum holding for membership", () => {
    expect(checkPurchase({ ...base, buyShares: 3 })).toEqual({
      ok: false,
      field: "buyShares",
      reason: "Membership needs at least 4 shares in Community Shares (£100.00); this purchase would make 3 shares.",
    });
    expect(checkPurchase({ ...base, currentShares: 4, buyShares: 1, memberStatus: "admitted" }).ok).toBe(true);
  });

  it("treats a fractional current holding as a programming error", () => {
    expect(() => checkPurchase({ ...base, currentShares: 1.5 })).toThrow(RangeError);
  });
});

describe("checkWithdrawal", () => {
  const base = { cls: community, currentShares: 20, pendingShares: 0, withdrawShares: 5, leaving: false };

  it("allows a part withdrawal that keeps the minimum", () => {
    expect(checkWithdrawal(base)).toEqual({ ok: true, amount: 12_500n, sharesRemaining: 15, noticeDays: 90 });
    expect(checkWithdrawal({ ...base, withdrawShares: 16 })).toMatchObject({ ok: true, sharesRemaining: 4 });
  });

  it("refuses a class that is not withdrawable", () => {
    expect(checkWithdrawal({ ...base, cls: founder })).toEqual({ ok: false, field: "cls", reason: "Founder Shares are not withdrawable." });
  });

  it("will not go below the minimum unless the member is leaving", () => {
    expect(checkWithdrawal({ ...base, withdrawShares: 17 })).toEqual({
      ok: false,
      field: "withdrawShares",
      reason:
        "This would leave 3 shares in Community Shares, below the 4 shares needed for membership. To withdraw everything, give notice of leaving.",
    });
    expect(checkWithdrawal({ ...base, withdrawShares: 20 })).toMatchObject({ ok: false });
    expect(checkWithdrawal({ ...base, withdrawShares: 20, leaving: true })).toMatchObject({ ok: true, sharesRemaining: 0, amount: 50_000n });
  });

  it("makes a leaving member withdraw everything", () => {
    expect(checkWithdrawal({ ...base, withdrawShares: 10, leaving: true })).toEqual({
      ok: false,
      field: "withdrawShares",
      reason: "A member who is leaving withdraws all 20 shares in Community Shares, not 10.",
    });
  });

  it("counts shares already under notice as gone", () => {
    expect(checkWithdrawal({ ...base, pendingShares: 12, withdrawShares: 9 })).toEqual({
      ok: false,
      field: "withdrawShares",
      reason: "Only 8 shares in Community Shares can be withdrawn (20 shares held, 12 shares already under withdrawal notice); 9 shares were asked for.",
    });
    expect(checkWithdrawal({ ...base, pendingShares: 12, withdrawShares: 4 })).toMatchObject({ ok: true, sharesRemaining: 4 });
    // Leaving with some already under notice: "all" means all that is left.
    expect(checkWithdrawal({ ...base, pendingShares: 12, withdrawShares: 8, leaving: true })).toMatchObject({ ok: true, sharesRemaining: 0 });
  });

  it("refuses nonsense counts", () => {
    expect(checkWithdrawal({ ...base, withdrawShares: 0 })).toMatchObject({ ok: false, field: "withdrawShares" });
    expect(checkWithdrawal({ ...base, withdrawShares: 2.5 })).toMatchObject({ ok: false, field: "withdrawShares" });
    expect(() => checkWithdrawal({ ...base, pendingShares: 21 })).toThrow(RangeError);
  });
});

describe("withdrawalDueDate", () => {
  it("adds the notice to the day notice was given", () => {
    expect(withdrawalDueDate("2026-03-01", 90)).toBe("2026-05-30");
    expect(withdrawalDueDate("2025-12-15", 30)).toBe("2026-01-14");
    expect(withdrawalDueDate("2024-02-01", 28)).toBe("2024-02-29");
    expect(withdrawalDueDate("2026-03-01", 0)).toBe("2026-03-01");
    expect(() => withdrawalDueDate("2026-03-01", -1)).toThrow(RangeError);
    expect(() => withdrawalDueDate("2026-02-30", 1)).toThrow(RangeError);
  });
});

describe("checkTransfer", () => {
  const base = {
    cls: founder,
    fromMemberId: "m1",
    toMemberId: "m2",
    fromShares: 10,
    toShares: 0,
    transferShares: 3,
    toStatus: "admitted" as const,
    toKind: "person" as const,
    money: GBP,
  };

  it("moves whole shares between members", () => {
    expect(checkTransfer(base)).toEqual({ ok: true, amount: 300n, fromSharesAfter: 7, toSharesAfter: 3 });
  });

  it("refuses a class that is not transferable", () => {
    expect(checkTransfer({ ...base, cls: community })).toEqual({ ok: false, field: "cls", reason: "Community Shares are not transferable." });
  });

  it("refuses a transfer to oneself or to a suspended or ceased member", () => {
    expect(checkTransfer({ ...base, toMemberId: "m1" })).toMatchObject({ ok: false, field: "toMemberId" });
    expect(checkTransfer({ ...base, toStatus: "suspended" })).toMatchObject({ ok: false, field: "toMemberId" });
    expect(checkTransfer({ ...base, toStatus: "ceased" })).toMatchObject({ ok: false, field: "toMemberId" });
  });

  it("keeps the receiving member within the maximum", () => {
    expect(checkTransfer({ ...base, fromShares: 400, transferShares: 300, toShares: 4800 })).toEqual({
      ok: false,
      field: "transferShares",
      reason: "A holding in Founder Shares may not exceed £5,000.00; this transfer would make the receiving member's £5,100.00.",
    });
    expect(checkTransfer({ ...base, fromShares: 400, transferShares: 300, toShares: 4800, toKind: "society" }).ok).toBe(true);
  });

  it("keeps the transferor at the minimum unless leaving, and cannot move more than is free", () => {
    const cls = { ...founder, minHolding: 5 };
    expect(checkTransfer({ ...base, cls, transferShares: 6, toShares: 5 })).toMatchObject({ ok: false, field: "transferShares" });
    expect(checkTransfer({ ...base, cls, transferShares: 10, toShares: 5, leaving: true })).toMatchObject({ ok: true, fromSharesAfter: 0 });
    expect(checkTransfer({ ...base, cls, transferShares: 9, toShares: 5, leaving: true })).toMatchObject({ ok: false });
    expect(checkTransfer({ ...base, fromPendingShares: 8, transferShares: 3 })).toMatchObject({
      ok: false,
      reason: "Only 2 shares in Founder Shares can be transferred; 3 shares were asked for.",
    });
  });

  it("requires a new holder to reach the minimum", () => {
    const cls = { ...founder, minHolding: 5 };
    expect(checkTransfer({ ...base, cls, transferShares: 3, toShares: 0, fromShares: 20 })).toEqual({
      ok: false,
      field: "transferShares",
      reason: "The receiving member needs at least 5 shares in Founder Shares; this transfer would give them 3 shares.",
    });
  });
});

describe("refusals write money as the organisation does (#17.3)", () => {
  const NBSP = "\u00a0";
  const EUR_DE: MoneyStyle = { currency: "EUR", locale: "de-DE" };
  const USD_US: MoneyStyle = { currency: "USD", locale: "en-US" };
  const purchase = { cls: community, currentShares: 3999, buyShares: 2, memberStatus: "admitted" as const, memberKind: "person" as const };

  it("a purchase over the maximum, in euros in German and dollars in American English", () => {
    expect(checkPurchase({ ...purchase, money: EUR_DE })).toMatchObject({
      ok: false,
      reason: `A holding in Community Shares may not exceed 100.000,00${NBSP}€; this purchase would make it 100.025,00${NBSP}€.`,
    });
    expect(checkPurchase({ ...purchase, money: USD_US })).toMatchObject({
      ok: false,
      reason: "A holding in Community Shares may not exceed $100,000.00; this purchase would make it $100,025.00.",
    });
  });

  it("a purchase below the membership minimum", () => {
    expect(checkPurchase({ ...purchase, currentShares: 0, buyShares: 3, memberStatus: "applied", money: EUR_DE })).toMatchObject({
      ok: false,
      reason: `Membership needs at least 4 shares in Community Shares (100,00${NBSP}€); this purchase would make 3 shares.`,
    });
  });

  it("a transfer over the receiving member's maximum", () => {
    const transfer = { cls: founder, fromMemberId: "m1", toMemberId: "m2", fromShares: 400, toShares: 4800, transferShares: 300, toStatus: "admitted" as const, toKind: "person" as const };
    expect(checkTransfer({ ...transfer, money: EUR_DE })).toMatchObject({
      ok: false,
      reason: `A holding in Founder Shares may not exceed 5.000,00${NBSP}€; this transfer would make the receiving member's 5.100,00${NBSP}€.`,
    });
    expect(checkTransfer({ ...transfer, money: USD_US })).toMatchObject({
      ok: false,
      reason: "A holding in Founder Shares may not exceed $5,000.00; this transfer would make the receiving member's $5,100.00.",
    });
  });
});
