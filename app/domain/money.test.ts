import { describe, expect, it } from "vitest";
import { allocate, applyBasisPoints, displayMoney, divRound, formatMinor, MAX_MINOR_UNITS, minorUnitDigits, parseMoney } from "./money";

describe("money", () => {
  it("parses and formats decimal strings exactly", () => {
    expect(parseMoney("1234.5")).toBe(123450n);
    expect(parseMoney("0.01")).toBe(1n);
    expect(parseMoney("-7")).toBe(-700n);
    expect(formatMinor(123450n)).toBe("1234.50");
    expect(formatMinor(-5n)).toBe("-0.05");
    expect(formatMinor(90071992547409930n)).toBe("900719925474099.30");
  });
  it("refuses malformed amounts and extra decimals", () => {
    expect(() => parseMoney("1.234")).toThrow(/decimal places/);
    expect(() => parseMoney("1e3")).toThrow(/not an amount/);
    expect(() => parseMoney("")).toThrow();
  });
  it("refuses amounts beyond MAX_MINOR_UNITS (so none can overflow a bigint column), either sign", () => {
    expect(parseMoney("10000000000000.00")).toBe(MAX_MINOR_UNITS);
    expect(parseMoney("-10000000000000")).toBe(-MAX_MINOR_UNITS);
    expect(() => parseMoney("10000000000000.01")).toThrow(/larger than any amount/);
    expect(() => parseMoney("-99999999999999999999")).toThrow(/larger than any amount/);
    expect(() => parseMoney("9".repeat(400))).toThrow(RangeError);
  });
  it("rounds half-even, half-up, down and up", () => {
    expect(divRound(25n, 10n)).toBe(2n);
    expect(divRound(35n, 10n)).toBe(4n);
    expect(divRound(-25n, 10n)).toBe(-2n);
    expect(divRound(25n, 10n, "half-up")).toBe(3n);
    expect(divRound(-25n, 10n, "half-up")).toBe(-3n);
    expect(divRound(29n, 10n, "down")).toBe(2n);
    expect(divRound(21n, 10n, "up")).toBe(3n);
    expect(divRound(26n, 10n)).toBe(3n);
  });
  it("allocates without losing a penny", () => {
    const parts = allocate(100n, [1n, 1n, 1n]);
    expect(parts).toEqual([34n, 33n, 33n]);
    expect(allocate(1001n, [3n, 7n]).reduce((a, b) => a + b)).toBe(1001n);
  });
  it("applies basis points", () => {
    expect(applyBasisPoints(10000n, 250n)).toBe(250n);
    expect(applyBasisPoints(333n, 5000n)).toBe(166n); // 166.5 -> even
  });
  it("displays with symbol and separators", () => {
    expect(displayMoney(123456789n)).toBe("£1,234,567.89");
    expect(displayMoney(-100n, "EUR")).toBe("-€1.00");
  });
  it("displays through Intl in the currency's own way, exactly at any size", () => {
    expect(displayMoney(-5n)).toBe("-£0.05");
    expect(displayMoney(500n, "USD")).toBe("$5.00");
    // Beyond a float's 15-16 significant digits: the last penny survives.
    expect(displayMoney(10n ** 25n + 1n)).toBe("£100,000,000,000,000,000,000,000.01");
    expect(displayMoney(-(2n ** 63n) - 7n)).toBe("-£92,233,720,368,547,758.15");
    expect(displayMoney(123456n, "EUR", undefined, "de-DE")).toBe("1.234,56\u00a0€");
    expect(minorUnitDigits("GBP")).toBe(2);
    expect(minorUnitDigits("JPY")).toBe(0);
    expect(displayMoney(1234n, "JPY")).toBe("¥1,234");
    expect(displayMoney(12345678n, "GBP", 6)).toBe("£12.345678");
  });
});
