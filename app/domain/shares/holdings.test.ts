import { describe, expect, it } from "vitest";
import { holdingMovements, holdingsAsAt, LedgerError, type ShareTransaction, type ShareTransactionKind } from "./holdings";

let seq = 0;
function tx(
  kind: ShareTransactionKind,
  memberId: string,
  shares: number,
  effectiveOn: string,
  extra: Partial<ShareTransaction> = {},
): ShareTransaction {
  seq += 1;
  return { id: `t${seq}`, memberId, classId: "community", kind, shares, amount: Number.isInteger(shares) ? BigInt(shares) * 100n : 0n, effectiveOn, ...extra };
}

describe("holdingsAsAt", () => {
  it("adds purchases and takes away withdrawals, by member and class", () => {
    const ledger = [
      tx("purchase", "m1", 100, "2025-01-10"),
      tx("purchase", "m2", 50, "2025-02-01"),
      tx("purchase", "m1", 20, "2025-03-01", { classId: "loan" }),
      tx("withdrawal", "m1", 30, "2025-06-01"),
      tx("interest_shares", "m2", 2, "2025-12-31"),
      tx("bonus", "m2", 1, "2025-12-31"),
    ];
    expect(holdingsAsAt(ledger, "2025-12-31")).toEqual([
      { memberId: "m1", classId: "community", shares: 70, value: 7000n },
      { memberId: "m1", classId: "loan", shares: 20, value: 2000n },
      { memberId: "m2", classId: "community", shares: 53, value: 5300n },
    ]);
  });

  it("counts rows dated on the as-at day and nothing later", () => {
    const ledger = [tx("purchase", "m1", 100, "2025-01-10"), tx("purchase", "m1", 5, "2025-01-11")];
    expect(holdingsAsAt(ledger, "2025-01-09")).toEqual([]);
    expect(holdingsAsAt(ledger, "2025-01-10")[0].shares).toBe(100);
    expect(holdingsAsAt(ledger, "2025-01-11")[0].shares).toBe(105);
  });

  it("moves shares with transfers and takes them away on forfeit", () => {
    const ledger = [
      tx("purchase", "m1", 100, "2025-01-10"),
      tx("transfer_out", "m1", 40, "2025-02-01"),
      tx("transfer_in", "m2", 40, "2025-02-01"),
      tx("forfeit", "m2", 10, "2025-03-01"),
    ];
    expect(holdingsAsAt(ledger, "2025-12-31").map((h) => [h.memberId, h.shares])).toEqual([
      ["m1", 60],
      ["m2", 30],
    ]);
  });

  it("applies a reversal from its own date, cancelling the row it points at", () => {
    const buy = tx("purchase", "m1", 100, "2025-01-10");
    const mistake = tx("withdrawal", "m1", 40, "2025-02-01");
    const undo = tx("reversal", "m1", 40, "2025-02-05", { reversesId: mistake.id, amount: 4000n });
    const ledger = [buy, mistake, undo];
    expect(holdingsAsAt(ledger, "2025-02-03")[0].shares).toBe(60);
    expect(holdingsAsAt(ledger, "2025-02-05")[0]).toEqual({ memberId: "m1", classId: "community", shares: 100, value: 10_000n });
  });

  it("reverses a purchase to nothing and leaves out empty holdings unless asked", () => {
    const buy = tx("purchase", "m1", 100, "2025-01-10");
    const ledger = [buy, tx("reversal", "m1", 100, "2025-01-10", { reversesId: buy.id })];
    expect(holdingsAsAt(ledger, "2025-12-31")).toEqual([]);
    expect(holdingsAsAt(ledger, "2025-12-31", { includeEmpty: true })).toEqual([
      { memberId: "m1", classId: "community", shares: 0, value: 0n },
    ]);
  });

  it("judges a day as a whole, whatever order its rows were recorded in", () => {
    const ledger = [tx("withdrawal", "m1", 10, "2025-01-10"), tx("purchase", "m1", 10, "2025-01-10")];
    expect(holdingsAsAt(ledger, "2025-01-10")).toEqual([]);
  });

  it("throws when a holding would go negative", () => {
    const ledger = [tx("purchase", "m1", 10, "2025-01-10"), tx("withdrawal", "m1", 11, "2025-02-01"), tx("purchase", "m1", 5, "2025-03-01")];
    expect(() => holdingsAsAt(ledger, "2025-12-31")).toThrow(LedgerError);
    expect(() => holdingsAsAt(ledger, "2025-12-31")).toThrow(/member m1 .* goes negative on 2025-02-01/);
    // Before the bad row the ledger is still usable.
    expect(holdingsAsAt(ledger, "2025-01-31")[0].shares).toBe(10);
  });

  it("throws on a reversal that does not make sense", () => {
    const buy = tx("purchase", "m1", 10, "2025-01-10");
    const cases: ShareTransaction[][] = [
      [buy, tx("reversal", "m1", 10, "2025-01-11", { reversesId: "nope" })],
      [buy, tx("reversal", "m1", 10, "2025-01-11")],
      [buy, tx("reversal", "m2", 10, "2025-01-11", { reversesId: buy.id })],
      [buy, tx("reversal", "m1", 9, "2025-01-11", { reversesId: buy.id })],
      [buy, tx("reversal", "m1", 10, "2025-01-09", { reversesId: buy.id })],
      [buy, tx("reversal", "m1", 10, "2025-01-11", { reversesId: buy.id }), tx("reversal", "m1", 10, "2025-01-12", { reversesId: buy.id })],
    ];
    for (const ledger of cases) expect(() => holdingsAsAt(ledger, "2025-12-31")).toThrow(LedgerError);
    const undo = tx("reversal", "m1", 10, "2025-01-11", { reversesId: buy.id });
    expect(() => holdingsAsAt([buy, undo, tx("reversal", "m1", 10, "2025-01-12", { reversesId: undo.id })], "2025-12-31")).toThrow(
      /reverses another reversal/,
    );
  });

  it("throws on malformed rows", () => {
    expect(() => holdingsAsAt([tx("purchase", "m1", -5, "2025-01-10")], "2025-12-31")).toThrow(LedgerError);
    expect(() => holdingsAsAt([tx("purchase", "m1", 1.5, "2025-01-10")], "2025-12-31")).toThrow(LedgerError);
    expect(() => holdingsAsAt([tx("purchase", "m1", 5, "2025-02-30")], "2025-12-31")).toThrow(/bad date/);
    const a = tx("purchase", "m1", 5, "2025-01-10");
    expect(() => holdingsAsAt([a, { ...a }], "2025-12-31")).toThrow(/appears twice/);
    expect(() => holdingsAsAt([tx("gift" as ShareTransactionKind, "m1", 5, "2025-01-10")], "2025-12-31")).toThrow(/unknown kind/);
  });
});

describe("holdingMovements", () => {
  it("gives signed movements in date order, ledger order within a day", () => {
    const a = tx("purchase", "m1", 10, "2025-02-01");
    const b = tx("withdrawal", "m1", 3, "2025-01-01");
    const c = tx("purchase", "m2", 1, "2025-01-01");
    expect(holdingMovements([a, b, c]).map((m) => [m.transactionId, m.shares, m.value])).toEqual([
      [b.id, -3, -300n],
      [c.id, 1, 100n],
      [a.id, 10, 1000n],
    ]);
  });
});
