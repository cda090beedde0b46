import { describe, expect, it } from "vitest";
import { sameName } from "./names";

describe("sameName", () => {
  it("ignores case, accents, punctuation and spacing", () => {
    expect(sameName("Siân O'Neil", "sian  o neil")).toBe(true);
    expect(sameName("Preston Bike Kitchen Ltd.", "preston bike kitchen ltd")).toBe(true);
  });
  it("tells different names apart, and never matches an empty name", () => {
    expect(sameName("Ann Lee", "Anne Lee")).toBe(false);
    expect(sameName("", "")).toBe(false);
    expect(sameName("...", "!!")).toBe(false);
  });
});
