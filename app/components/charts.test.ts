import { describe, expect, it } from "vitest";
import { shortPeriod } from "./charts";

describe("chart axis labels", () => {
  it("shortens month ends and months, leaves other labels alone", () => {
    expect(shortPeriod("2025-03-31")).toBe("Mar 25");
    expect(shortPeriod("2024-11")).toBe("Nov 24");
    expect(shortPeriod("2025-Q1")).toBe("2025-Q1");
  });
});
