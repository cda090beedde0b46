import { describe, expect, it } from "vitest";
import { capInWords, overCapSentence, productsOverCap } from "./products";

const products = [
  { name: "Start-up loan", maxAnnualRate: "36" },
  { name: "Community energy loan", maxAnnualRate: "24.5" },
  { name: "Small business loan", maxAnnualRate: "24" },
];

describe("products over the rate cap", () => {
  it("lists the products whose highest rate is above a lowered cap, exactly at the cap not included", () => {
    const cap = { monthlyPercent: "2" }; // 24% a year
    expect(productsOverCap(products, cap).map((p) => p.name)).toEqual(["Start-up loan", "Community energy loan"]);
    expect(overCapSentence(productsOverCap(products, cap), cap)).toBe(
      "The highest rate of 2 products is above the cap of 24% a year (2% a month): Start-up loan (36% a year), Community energy loan (24.5% a year). Applications above the cap are refused; lower their highest rate or retire them on the products page.",
    );
  });

  it("lists none under the statutory cap, and has nothing to say then or without a cap", () => {
    expect(productsOverCap(products, { monthlyPercent: "3" })).toEqual([]);
    expect(overCapSentence([], { monthlyPercent: "3" })).toBeNull();
    expect(productsOverCap(products, {})).toEqual([]);
    expect(capInWords({})).toBeUndefined();
  });

  it("names one product in the singular, with a decimal cap compared exactly", () => {
    const cap = { monthlyPercent: "2.5" }; // 30% a year: 30.0001 is above, 30 is not
    const over = productsOverCap([{ name: "Bridge loan", maxAnnualRate: "30.0001" }, { name: "Shop loan", maxAnnualRate: "30.0000" }], cap);
    expect(over.map((p) => p.name)).toEqual(["Bridge loan"]);
    expect(overCapSentence(over, cap)).toBe(
      "The highest rate of 1 product is above the cap of 30% a year (2.5% a month): Bridge loan (30.0001% a year). Applications above the cap are refused; lower its highest rate or retire it on the products page.",
    );
  });
});
