import { describe, expect, it } from "vitest";
import { allocate, applyBasisPoints, chartMoney, currencySign, displayMoney, divRound, formatMinor, MAX_MINOR_UNITS, minorUnitDigits, parseMoney, smallestUnitWords, withoutCurrencySign } from "./money";

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

describe("money in the organisation's own words", () => {
  const gb = { currency: "GBP", locale: "en-GB" };
  const de = { currency: "EUR", locale: "de-DE" };
  const us = { currency: "USD", locale: "en-US" };
  const jp = { currency: "JPY", locale: "ja-JP" };

  it("names the smallest amount: the penny for pounds, the amount itself for others", () => {
    expect(smallestUnitWords(gb)).toBe("penny");
    expect(smallestUnitWords(de)).toBe("0,01\u00a0€");
    expect(smallestUnitWords(us)).toBe("$0.01");
    expect(smallestUnitWords(jp)).toBe("￥1");
  });

  it("gives the currency's sign for form labels", () => {
    expect(currencySign(gb)).toBe("£");
    expect(currencySign(de)).toBe("€");
    expect(currencySign(us)).toBe("$");
  });

  it("takes any leading currency sign and thousands commas off typed amounts", () => {
    for (const [typed, plain] of [["£1,234.50", "1234.50"], ["€1,234.50", "1234.50"], ["$12", "12"], ["¥500", "500"], ["1200", "1200"], ["-5.5", "-5.5"]]) {
      expect(withoutCurrencySign(typed)).toBe(plain);
    }
    // Only a sign at the start: a letter code or a sign elsewhere is left for the field's check to refuse.
    expect(withoutCurrencySign("GBP 12")).toBe("GBP 12");
    expect(withoutCurrencySign("12€")).toBe("12€");
  });

  it("writes chart ticks compact and tooltips to the minor unit, where the locale puts the sign", () => {
    const tick = chartMoney(gb, true);
    expect([tick(900), tick(250_000), tick(1_234_567), tick(12_000_000), tick(-2_500)]).toEqual(["£900", "£250k", "£1.2m", "£12m", "-£3k"]);
    expect(chartMoney(de, true)(250_000)).toBe("250k €");
    expect(chartMoney(us, true)(1_500_000)).toBe("$1.5m");
    expect(chartMoney(gb, false)(1234.5)).toBe("£1,234.50");
    expect(chartMoney(de, false)(1234.5)).toBe("1.234,50\u00a0€");
  });
});
