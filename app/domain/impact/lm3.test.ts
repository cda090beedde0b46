import { describe, expect, it } from "vitest";
import { computeLm3, respendFromSurvey } from "./lm3";
import type { MoneyStyle } from "~/domain/money";

const GBP: MoneyStyle = { currency: "GBP", locale: "en-GB" };

const pounds = (n: number) => BigInt(n) * 100n;

describe("computeLm3", () => {
  it("gives 1.84 for R1 100,000, R2 60,000, R3 24,000", () => {
    const r = computeLm3({ income: pounds(100_000), localSpend: pounds(60_000), localRespend: pounds(24_000) }, GBP);
    expect(r).toEqual({
      ok: true,
      lm3: "1.84",
      r1: pounds(100_000),
      r2: pounds(60_000),
      r3: pounds(24_000),
      warnings: [],
      method: "LM3 = (R1 + R2 + R3) ÷ R1 = (£100,000.00 + £60,000.00 + £24,000.00) ÷ £100,000.00 = 1.84 (rounded to 2 decimals, halves to even).",
    });
  });

  it("adds suppliers and staff for R2 and says so", () => {
    const r = computeLm3({ income: pounds(100_000), localSpend: { suppliers: pounds(35_000), staff: pounds(25_000) }, localRespend: pounds(24_000) }, GBP);
    expect(r.ok && r.lm3).toBe("1.84");
    expect(r.ok && r.method).toContain("£60,000.00 (suppliers £35,000.00 + staff £25,000.00)");
  });

  it("rounds half to even at the second decimal", () => {
    // (1000 + 5 + 0) / 1000 = 1.005 -> 1.00; (1000 + 15) / 1000 = 1.015 -> 1.02
    expect(computeLm3({ income: 100_000n, localSpend: 500n, localRespend: 0n }, GBP)).toMatchObject({ lm3: "1.00" });
    expect(computeLm3({ income: 100_000n, localSpend: 1_500n, localRespend: 0n }, GBP)).toMatchObject({ lm3: "1.02" });
    // 1/3 above 1: 1.333… -> 1.33
    expect(computeLm3({ income: 300n, localSpend: 100n, localRespend: 0n }, GBP)).toMatchObject({ lm3: "1.33" });
  });

  it("gives 1.00 when nothing is spent locally", () => {
    expect(computeLm3({ income: pounds(5), localSpend: 0n, localRespend: 0n }, GBP)).toMatchObject({ ok: true, lm3: "1.00" });
  });

  it("refuses income of zero or less", () => {
    expect(computeLm3({ income: 0n, localSpend: 0n, localRespend: 0n }, GBP)).toEqual({
      ok: false,
      error: "LM3 needs income (R1) above zero; it is £0.00. It measures what happens to money coming in, so there must be some.",
    });
    expect(computeLm3({ income: -100n, localSpend: 0n, localRespend: 0n }, GBP).ok).toBe(false);
  });

  it("refuses negative spend", () => {
    expect(computeLm3({ income: 100n, localSpend: -1n, localRespend: 0n }, GBP)).toMatchObject({ ok: false, error: expect.stringMatching(/R2/) });
    expect(computeLm3({ income: 100n, localSpend: 0n, localRespend: -1n }, GBP)).toMatchObject({ ok: false, error: expect.stringMatching(/R3/) });
    expect(computeLm3({ income: 100n, localSpend: { suppliers: -1n, staff: 5n }, localRespend: 0n }, GBP)).toMatchObject({ ok: false });
  });

  it("allows R2 above R1 but warns, and warns when R3 is above R2", () => {
    const r = computeLm3({ income: pounds(100), localSpend: pounds(150), localRespend: pounds(200) }, GBP);
    expect(r.ok && r.lm3).toBe("4.50");
    expect(r.ok && r.warnings).toEqual([
      "Local spend (R2, £150.00) is more than income (R1, £100.00): check both cover the same period.",
      "Local re-spend (R3, £200.00) is more than local spend (R2, £150.00), which it is part of: check the survey figures.",
    ]);
  });
});

describe("respendFromSurvey", () => {
  it("sums amount received × share spent locally", () => {
    const r = respendFromSurvey([
      { recipient: "supplier", amountReceived: pounds(20_000), localSpendPercent: "40" }, // 8,000
      { recipient: "supplier", amountReceived: pounds(15_000), localSpendPercent: 20 }, // 3,000
      { recipient: "staff", amountReceived: pounds(25_000), localSpendPercent: "52" }, // 13,000
    ], GBP);
    expect(r).toEqual({
      ok: true,
      total: pounds(24_000),
      suppliers: pounds(11_000),
      staff: pounds(13_000),
      method:
        "R3 = sum of (amount received × share spent locally) over 3 survey answers: suppliers £11,000.00 + staff £13,000.00 = £24,000.00 " +
        "(each rounded once to the penny, halves to even).",
    });
  });

  it("adds exact products before rounding once", () => {
    // Three answers of £0.01 at 50% are 0.5p each: 1.5p in all, rounded half-even to 2p
    // (rounding each first would give 0 + 0 + 0).
    const r = respendFromSurvey([1, 2, 3].map(() => ({ recipient: "staff" as const, amountReceived: 1n, localSpendPercent: "50" })), GBP);
    expect(r.ok && r.total).toBe(2n);
  });

  it("takes percentages with up to 2 decimals", () => {
    const r = respendFromSurvey([{ recipient: "staff", amountReceived: pounds(1000), localSpendPercent: 37.5 }], GBP);
    expect(r.ok && r.total).toBe(pounds(375));
  });

  it("reports every bad answer", () => {
    const r = respendFromSurvey([
      { recipient: "staff", amountReceived: 100n, localSpendPercent: "101" },
      { recipient: "supplier", amountReceived: 100n, localSpendPercent: "-5" },
      { recipient: "supplier", amountReceived: 100n, localSpendPercent: "12.345" },
      { recipient: "supplier", amountReceived: 100n, localSpendPercent: 0.1 + 0.2 },
      { recipient: "supplier", amountReceived: -100n, localSpendPercent: "5" },
      { recipient: "volunteer" as "staff", amountReceived: 100n, localSpendPercent: "5" },
      { recipient: "staff", amountReceived: 100n, localSpendPercent: "100" },
    ], GBP);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("gives zero for no answers", () => {
    expect(respendFromSurvey([], GBP)).toMatchObject({ ok: true, total: 0n });
  });
});

describe("LM3 writes money as the organisation does (#17.3)", () => {
  const NBSP = "\u00a0";
  const EUR_DE: MoneyStyle = { currency: "EUR", locale: "de-DE" };
  const USD_US: MoneyStyle = { currency: "USD", locale: "en-US" };

  it("the refusals, in euros in German and dollars in American English", () => {
    expect(computeLm3({ income: 0n, localSpend: 0n, localRespend: 0n }, EUR_DE)).toMatchObject({ error: expect.stringContaining(`it is 0,00${NBSP}€.`) });
    expect(computeLm3({ income: 100n, localSpend: -123_450n, localRespend: 0n }, EUR_DE)).toEqual({ ok: false, error: `Local spend (R2) cannot be negative; it is -1.234,50${NBSP}€.` });
    expect(computeLm3({ income: 100n, localSpend: 0n, localRespend: -123_450n }, USD_US)).toEqual({ ok: false, error: "Local re-spend (R3) cannot be negative; it is -$1,234.50." });
  });

  it("the warnings and the method", () => {
    const r = computeLm3({ income: 100_000n, localSpend: { suppliers: 123_450n, staff: 0n }, localRespend: 200_000n }, EUR_DE);
    expect(r).toMatchObject({
      ok: true,
      warnings: [
        `Local spend (R2, 1.234,50${NBSP}€) is more than income (R1, 1.000,00${NBSP}€): check both cover the same period.`,
        `Local re-spend (R3, 2.000,00${NBSP}€) is more than local spend (R2, 1.234,50${NBSP}€), which it is part of: check the survey figures.`,
      ],
      method:
        `LM3 = (R1 + R2 + R3) ÷ R1 = (1.000,00${NBSP}€ + 1.234,50${NBSP}€ (suppliers 1.234,50${NBSP}€ + staff 0,00${NBSP}€) + 2.000,00${NBSP}€) ÷ 1.000,00${NBSP}€ ` +
        "= 4.23 (rounded to 2 decimals, halves to even).",
    });
  });

  it("R3 from the survey: its method and a refused answer", () => {
    const answers = [{ recipient: "supplier" as const, amountReceived: 246_900n, localSpendPercent: "50" }];
    expect(respendFromSurvey(answers, USD_US)).toMatchObject({ method: expect.stringContaining("suppliers $1,234.50 + staff $0.00 = $1,234.50 (each rounded once to the $0.01, halves to even).") });
    expect(respendFromSurvey(answers, EUR_DE)).toMatchObject({ method: expect.stringContaining(`(each rounded once to the 0,01${NBSP}€, halves to even).`) });
    expect(respendFromSurvey([{ ...answers[0], amountReceived: -123_450n }], EUR_DE)).toEqual({ ok: false, errors: [{ index: 0, reason: `amount received cannot be negative (-1.234,50${NBSP}€)` }] });
  });
});
