import { describe, expect, it } from "vitest";
import { bareAmounts, moneyProblems } from "../mail-money";

describe("amounts in an email", () => {
  it("finds an amount written without its currency, and not one written with it or a percentage", () => {
    expect(bareAmounts("We paid you 25.00 on 2026-01-01.")).toEqual(["25.00"]);
    expect(bareAmounts("We paid you £1,250.50; APR 12.68%; balance -£3.00.")).toEqual([]);
    expect(bareAmounts("Total 1,000.00 and €5.00", "€")).toEqual(["1,000.00"]);
    expect(moneyProblems("We paid you 25.00.")).toEqual(["no amount with £", "25.00 without £"]);
    expect(moneyProblems("We paid you £25.00.")).toEqual([]);
  });
});
