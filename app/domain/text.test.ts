import { describe, expect, it } from "vitest";
import { nonEmptyLines } from "./text";

describe("nonEmptyLines", () => {
  it("splits on LF and CRLF, trims, and drops blank lines", () => {
    expect(nonEmptyLines("  Ann \r\n\r\nBob\n   \nCat  ")).toEqual(["Ann", "Bob", "Cat"]);
    expect(nonEmptyLines("")).toEqual([]);
  });
});
