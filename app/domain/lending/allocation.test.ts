import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateRepayment, allocatedTo, applyAllocation, outstanding, reverseAllocation, type InstallmentState } from "./allocation";

const zero = { fees: 0n, interest: 0n, principal: 0n };
function installment(n: number, due: string, fees: bigint, interest: bigint, principal: bigint): InstallmentState {
  return { n, due, owed: { fees, interest, principal }, paid: { ...zero } };
}

// Three monthly installments of 10.00 fees + 50.00 interest + 255.00 principal.
const schedule: InstallmentState[] = [
  installment(1, "2024-02-01", 1000n, 5000n, 25500n),
  installment(2, "2024-03-01", 1000n, 4745n, 25755n),
  installment(3, "2024-04-01", 1000n, 4487n, 26013n),
];

describe("allocating a repayment", () => {
  it("default: oldest installment first, fees then interest then principal", () => {
    // 400.00 clears installment 1 (315.00) and puts 85.00 into installment 2: 10.00 fees, 47.45 interest, 27.55 principal.
    const { allocation, state } = allocateRepayment(schedule, 40000n);
    expect(allocation.lines).toEqual([
      { n: 1, component: "fees", amount: 1000n },
      { n: 1, component: "interest", amount: 5000n },
      { n: 1, component: "principal", amount: 25500n },
      { n: 2, component: "fees", amount: 1000n },
      { n: 2, component: "interest", amount: 4745n },
      { n: 2, component: "principal", amount: 2755n },
    ]);
    expect(allocation.excess).toBe(0n);
    expect(state[1].paid).toEqual({ fees: 1000n, interest: 4745n, principal: 2755n });
    expect(schedule[0].paid).toEqual(zero); // the input is untouched
  });

  it("a partial payment stops where the money runs out", () => {
    const { allocation, state } = allocateRepayment(schedule, 3000n);
    expect(allocation.lines).toEqual([
      { n: 1, component: "fees", amount: 1000n },
      { n: 1, component: "interest", amount: 2000n },
    ]);
    expect(outstanding(state)).toEqual({ fees: 2000n, interest: 14232n - 2000n, principal: 77268n });
  });

  it("a settable order: interest before fees", () => {
    const { allocation } = allocateRepayment(schedule, 5500n, { order: ["interest", "fees", "principal"] });
    expect(allocation.lines).toEqual([
      { n: 1, component: "interest", amount: 5000n },
      { n: 1, component: "fees", amount: 500n },
    ]);
  });

  it("component first: all interest on every installment before any principal", () => {
    const { allocation } = allocateRepayment(schedule, 20000n, { by: "component", order: ["interest", "fees", "principal"] });
    expect(allocatedTo(allocation, "interest")).toBe(14232n);
    expect(allocatedTo(allocation, "fees")).toBe(3000n);
    expect(allocatedTo(allocation, "principal")).toBe(20000n - 14232n - 3000n);
  });

  it("overpayment comes back as excess for a prepayment", () => {
    const total = 3000n + 14232n + 77268n;
    const { allocation, state } = allocateRepayment(schedule, total + 12345n);
    expect(allocation.excess).toBe(12345n);
    expect(outstanding(state)).toEqual(zero);
  });

  it("asAt limits the payment to installments already due; the rest is excess", () => {
    // As at 1 Mar only installments 1 and 2 are due: 315.00 + 315.00 = 630.00; 700.00 leaves 70.00.
    const { allocation, state } = allocateRepayment(schedule, 70000n, { asAt: "2024-03-01" });
    expect(allocation.excess).toBe(7000n);
    expect(state[2].paid).toEqual(zero);
  });

  it("takes installments oldest first even when given out of order", () => {
    const { allocation } = allocateRepayment([schedule[2], schedule[0], schedule[1]], 1000n);
    expect(allocation.lines).toEqual([{ n: 1, component: "fees", amount: 1000n }]);
  });

  it("refuses a non-positive payment and a malformed order", () => {
    expect(() => allocateRepayment(schedule, 0n)).toThrow(/more than zero/);
    expect(() => allocateRepayment(schedule, 100n, { order: ["fees", "fees", "principal"] })).toThrow(/order/);
  });
});

describe("reversing an allocation", () => {
  it("the reversal undoes the payment exactly", () => {
    const first = allocateRepayment(schedule, 30000n);
    const second = allocateRepayment(first.state, 45000n);
    const reversal = reverseAllocation(second.allocation);
    expect(reversal.amount).toBe(-45000n);
    expect(reversal.lines.every((l) => l.amount < 0n)).toBe(true);
    expect(applyAllocation(second.state, reversal)).toEqual(first.state);
  });

  it("a reversal applied twice fails loudly", () => {
    const { allocation, state } = allocateRepayment(schedule, 30000n);
    const once = applyAllocation(state, reverseAllocation(allocation));
    expect(() => applyAllocation(once, reverseAllocation(allocation))).toThrow(/more than was paid/);
  });

  it("property: allocate then reverse is the identity, and nothing is lost", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 50000n }), { minLength: 1, maxLength: 6 }), (payments) => {
        let state = schedule;
        const history = [];
        for (const p of payments) {
          const { allocation, state: next } = allocateRepayment(state, p);
          const allocated = allocation.lines.reduce((s, l) => s + l.amount, 0n);
          expect(allocated + allocation.excess).toBe(p);
          history.push({ before: state, allocation });
          state = next;
        }
        // Undo in reverse order, checking each step.
        for (const { before, allocation } of history.reverse()) {
          state = applyAllocation(state, reverseAllocation(allocation));
          expect(state).toEqual(before);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
