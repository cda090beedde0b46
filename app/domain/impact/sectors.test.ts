import { describe, expect, it } from "vitest";
import { ownershipLabel, sicSection } from "./sectors";

describe("sicSection", () => {
  it("maps a SIC division to its section", () => {
    expect(sicSection("10710")).toBe("C Manufacturing");
    expect(sicSection("56101")).toBe("I Accommodation and food services");
    expect(sicSection("01110")).toBe("A Agriculture, forestry and fishing");
    expect(sicSection("99000")).toBe("U Extraterritorial organisations");
  });
  it("gives null for codes that are not SIC 2007", () => {
    expect(sicSection("04000")).toBeNull(); // division 04 is unused
    expect(sicSection("1071")).toBeNull();
    expect(sicSection(null)).toBeNull();
  });
});

describe("ownershipLabel", () => {
  it("names the borrower's form", () => {
    expect(ownershipLabel("worker-co-op")).toBe("Worker co-operative");
    expect(ownershipLabel("social-enterprise")).toBe("Social enterprise");
    expect(ownershipLabel(null)).toBeNull();
  });
});
