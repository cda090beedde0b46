import { describe, expect, it } from "vitest";
import { futureDateRefusal, resolveAsAt } from "./as-at";

describe("as-at dates", () => {
  it("takes today when no date is asked for, and a past date or today as asked", () => {
    expect(resolveAsAt(undefined, "2026-12-02")).toEqual({ asAt: "2026-12-02", future: false, notice: null });
    expect(resolveAsAt("2025-03-31", "2026-12-02")).toEqual({ asAt: "2025-03-31", future: false, notice: null });
    expect(resolveAsAt("2026-12-02", "2026-12-02")).toEqual({ asAt: "2026-12-02", future: false, notice: null });
  });

  it("never shows a future date as if it had happened: today's position, said plainly", () => {
    expect(resolveAsAt("2026-12-03", "2026-12-02")).toEqual({ asAt: "2026-12-02", future: true, notice: "2026-12-03 is in the future, so these figures are as at today, 2026-12-02." });
    expect(futureDateRefusal("2027-01-01", "2026-12-02")).toBe("The date 2027-01-01 is in the future: figures can be as at today (2026-12-02) at the latest.");
  });
});
