import { describe, expect, it } from "vitest";
import { scheduleBalances } from "./balance";

const inst = (n: number, due: string, principal: bigint) => ({ n, due, principal });

describe("scheduleBalances", () => {
  it("runs the balance down to zero over a plain schedule", () => {
    const r = scheduleBalances(300n, [inst(1, "2026-02-15", 100n), inst(2, "2026-03-15", 100n), inst(3, "2026-04-15", 100n)], []);
    expect(r.rows.map((x) => x.balanceAfter)).toEqual([200n, 100n, 0n]);
    expect(r.balanced).toBe(true);
    expect(r.principalTotal).toBe(300n);
  });

  it("shows a prepayment as a row on its date, so the regenerated schedule still ends at zero", () => {
    // 1,200 lent; installment 1 paid; 500 prepaid on 2026-02-20; the rest (600) rescheduled over 2 installments.
    const r = scheduleBalances(1200n, [inst(1, "2026-02-15", 100n), inst(2, "2026-03-15", 300n), inst(3, "2026-04-15", 300n)], [{ onDate: "2026-02-20", amount: 500n }]);
    expect(r.rows.map((x) => [x.kind, x.principal, x.balanceAfter])).toEqual([
      ["installment", 100n, 1100n],
      ["prepayment", 500n, 600n],
      ["installment", 300n, 300n],
      ["installment", 300n, 0n],
    ]);
    expect(r.balanced).toBe(true);
  });

  it("puts a prepayment after an installment due the same day, and one that repays everything last", () => {
    const r = scheduleBalances(200n, [inst(1, "2026-02-15", 100n)], [{ onDate: "2026-02-15", amount: 100n }]);
    expect(r.rows.map((x) => x.kind)).toEqual(["installment", "prepayment"]);
    expect(r.endBalance).toBe(0n);
  });

  it("does not hide a schedule that does not add up: the end balance is what is left", () => {
    const r = scheduleBalances(1000n, [inst(1, "2026-02-15", 400n)], []);
    expect(r.endBalance).toBe(600n);
    expect(r.balanced).toBe(false);
  });
});
