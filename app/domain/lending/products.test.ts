import { describe, expect, it } from "vitest";
import { UK_CREDIT_UNION_CAP, validateOffer, validateProduct, type LoanProduct } from "./products";
import type { LoanTerms } from "./schedule";
import type { MoneyStyle } from "~/domain/money";

const GBP: MoneyStyle = { currency: "GBP", locale: "en-GB" };

const product: LoanProduct = {
  name: "Community business loan",
  minPrincipal: "500.00",
  maxPrincipal: "25000.00",
  minTermPeriods: 6,
  maxTermPeriods: 36,
  unit: "month",
};

const offer: LoanTerms = {
  principal: "5000.00",
  annualRate: "12",
  termPeriods: 18,
  every: 1,
  unit: "month",
  amortization: "equal-installments",
  interest: "declining",
  daysInYear: "360",
  daysInMonth: "30",
  installmentMultiple: "0.01",
  rounding: "half-even",
};

describe("loan offers", () => {
  it("accepts an offer inside the product and under the cap", () => {
    expect(validateOffer(product, offer, UK_CREDIT_UNION_CAP, GBP)).toEqual({ ok: true });
  });

  it("refuses a rate above the organisation's cap, saying why", () => {
    const d = validateOffer(product, { ...offer, annualRate: "40" }, UK_CREDIT_UNION_CAP, GBP);
    expect(d).toEqual({
      ok: false,
      reason: "The rate 40% a year is above this organisation's cap of 36% a year (3% a month).",
      reasons: ["The rate 40% a year is above this organisation's cap of 36% a year (3% a month)."],
    });
  });

  it("exactly 3% a month is allowed: 36% nominal is a 42.6% APR (1.03^12 - 1 = 42.58%)", () => {
    expect(validateOffer(product, { ...offer, annualRate: "36" }, UK_CREDIT_UNION_CAP, GBP)).toEqual({ ok: true });
    expect(validateOffer(product, { ...offer, annualRate: "36.01" }, UK_CREDIT_UNION_CAP, GBP).ok).toBe(false);
  });

  it("an upfront fee that pushes the APR over the APR cap is refused", () => {
    const d = validateOffer(product, { ...offer, annualRate: "36", fee: "200.00" }, UK_CREDIT_UNION_CAP, GBP);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(/^The APR of \d+(\.\d)?% is above this organisation's cap of 42\.6% APR\.$/);
  });

  it("a flat rate is checked on its reducing-balance equivalent", () => {
    // 20% flat over 18 months is about 35% on the reducing balance: allowed under 36%.
    expect(validateOffer(product, { ...offer, interest: "flat", annualRate: "20" }, { monthlyPercent: "3" }, GBP).ok).toBe(true);
    // 25% flat is about 43% on the reducing balance: refused although 25 < 36.
    const d = validateOffer(product, { ...offer, interest: "flat", annualRate: "25" }, { monthlyPercent: "3" }, GBP);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(/^The flat rate 25% a year is [\d.]+% a year on the reducing balance, above this organisation's cap of 36% a year \(3% a month\)\.$/);
  });

  it("refuses zero and negative principal", () => {
    expect(validateOffer(product, { ...offer, principal: "0.00" }, UK_CREDIT_UNION_CAP, GBP)).toMatchObject({ ok: false, reason: "The amount must be more than zero." });
    expect(validateOffer(product, { ...offer, principal: "-100.00" }, UK_CREDIT_UNION_CAP, GBP)).toMatchObject({ ok: false, reason: "The amount must be more than zero." });
  });

  it("refuses amounts and terms outside the product's range", () => {
    expect(validateOffer(product, { ...offer, principal: "30000.00" }, UK_CREDIT_UNION_CAP, GBP)).toMatchObject({
      ok: false,
      reason: "The amount £30,000.00 is outside this product's range of £500.00 to £25,000.00.",
    });
    expect(validateOffer(product, { ...offer, termPeriods: 60 }, UK_CREDIT_UNION_CAP, GBP)).toMatchObject({
      ok: false,
      reason: "The term of 60 months is outside this product's range of 6 to 36 months.",
    });
    expect(validateOffer(product, { ...offer, termPeriods: 3 }, UK_CREDIT_UNION_CAP, GBP).ok).toBe(false);
    expect(validateOffer(product, { ...offer, unit: "week", termPeriods: 20 }, UK_CREDIT_UNION_CAP, GBP)).toMatchObject({
      ok: false,
      reason: "Community business loan is repaid by the month, but the offer is by the week.",
    });
  });

  it("lists every reason when several rules fail", () => {
    const d = validateOffer(product, { ...offer, principal: "100.00", termPeriods: 48, annualRate: "40" }, UK_CREDIT_UNION_CAP, GBP);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reasons).toHaveLength(3);
  });

  it("an annual cap on its own is described as such", () => {
    const d = validateOffer(product, { ...offer, annualRate: "30" }, { annualPercent: "25" }, GBP);
    expect(d).toMatchObject({ ok: false, reason: "The rate 30% a year is above this organisation's cap of 25% a year." });
  });
});

describe("loan products", () => {
  it("a product whose highest rate breaks the cap is refused", () => {
    expect(validateProduct({ ...product, maxAnnualRate: "42" }, UK_CREDIT_UNION_CAP, GBP)).toMatchObject({
      ok: false,
      reason: "The highest rate 42% a year is above this organisation's cap of 36% a year (3% a month).",
    });
    expect(validateProduct({ ...product, minAnnualRate: "5", maxAnnualRate: "26.8" }, UK_CREDIT_UNION_CAP, GBP)).toEqual({ ok: true });
  });

  it("inconsistent ranges are refused", () => {
    const d = validateProduct({ ...product, minPrincipal: "0.00", maxTermPeriods: 3 }, UK_CREDIT_UNION_CAP, GBP);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reasons).toEqual(["The smallest amount must be more than zero.", "The longest term is shorter than the shortest term."]);
  });

  it("an offer outside the product's own rate range is refused", () => {
    const d = validateOffer({ ...product, minAnnualRate: "6", maxAnnualRate: "18" }, { ...offer, annualRate: "20" }, UK_CREDIT_UNION_CAP, GBP);
    expect(d).toMatchObject({ ok: false, reason: "The rate 20% a year is outside this product's range of 6% to 18% a year." });
  });
});

describe("refusals write money as the organisation does (#17.3)", () => {
  const NBSP = "\u00a0";
  const EUR_DE: MoneyStyle = { currency: "EUR", locale: "de-DE" };
  const USD_US: MoneyStyle = { currency: "USD", locale: "en-US" };
  const upsideDown = { ...product, minPrincipal: "1234.50", maxPrincipal: "500.00" };

  it("a product whose largest amount is below its smallest", () => {
    expect(validateProduct(upsideDown, UK_CREDIT_UNION_CAP, GBP)).toMatchObject({ reasons: ["The largest amount £500.00 is below the smallest £1,234.50."] });
    expect(validateProduct(upsideDown, UK_CREDIT_UNION_CAP, EUR_DE)).toMatchObject({ reasons: [`The largest amount 500,00${NBSP}€ is below the smallest 1.234,50${NBSP}€.`] });
    expect(validateProduct(upsideDown, UK_CREDIT_UNION_CAP, USD_US)).toMatchObject({ reasons: ["The largest amount $500.00 is below the smallest $1,234.50."] });
  });

  it("an offer outside the product's range of amounts", () => {
    const tooMuch = { ...offer, principal: "30000.00" };
    expect(validateOffer(product, tooMuch, UK_CREDIT_UNION_CAP, EUR_DE)).toMatchObject({
      reason: `The amount 30.000,00${NBSP}€ is outside this product's range of 500,00${NBSP}€ to 25.000,00${NBSP}€.`,
    });
    expect(validateOffer(product, tooMuch, UK_CREDIT_UNION_CAP, USD_US)).toMatchObject({
      reason: "The amount $30,000.00 is outside this product's range of $500.00 to $25,000.00.",
    });
  });
});
