import { describe, expect, it } from "vitest";
import { basisPoints, basisPointsText, percentText } from "./percent";

describe("headline percentages", () => {
  it("works in basis points from exact integers", () => {
    expect(basisPoints(94_600n, 1_000_000n)).toBe(946n);
    expect(percentText(94_600n, 1_000_000n)).toBe("9.46%");
    expect(percentText(1n, 3n)).toBe("33.33%");
    expect(percentText(2n, 3n)).toBe("66.67%");
  });

  it("rounds a tie half to even, not down and not always up", () => {
    // 9.455% and 9.445% sit exactly half way between two basis points.
    expect(percentText(9_455n, 100_000n)).toBe("9.46%");
    expect(percentText(9_445n, 100_000n)).toBe("9.44%");
    // Just under a half rounds down, just over rounds up (truncation would give 9.45% for both).
    expect(percentText(94_549n, 1_000_000n)).toBe("9.45%");
    expect(percentText(94_551n, 1_000_000n)).toBe("9.46%");
  });

  it("gives zero for nothing at all, and writes whole and small values with two decimals", () => {
    expect(percentText(0n, 0n)).toBe("0.00%");
    expect(basisPointsText(10_000n)).toBe("100.00%");
    expect(basisPointsText(5n)).toBe("0.05%");
  });
});
