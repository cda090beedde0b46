import { describe, expect, it } from "vitest";
import {
  isLocal,
  isValidPostcode,
  localAreaMatcher,
  normalisePostcode,
  outwardCode,
  parseLocalArea,
  parsePostcode,
  postcodeArea,
  postcodeDistrict,
  postcodeSector,
} from "./postcode";

describe("normalisePostcode", () => {
  it("upper-cases and puts one space before the inward code", () => {
    expect(normalisePostcode("pr1 2ab")).toBe("PR1 2AB");
    expect(normalisePostcode("pr12ab")).toBe("PR1 2AB");
    expect(normalisePostcode("  PR1   2AB ")).toBe("PR1 2AB");
    expect(normalisePostcode("sw1a1aa")).toBe("SW1A 1AA");
    expect(normalisePostcode("M1 1AE")).toBe("M1 1AE");
    expect(normalisePostcode("b338th")).toBe("B33 8TH");
    expect(normalisePostcode("cr26xh")).toBe("CR2 6XH");
    expect(normalisePostcode("DN551PT")).toBe("DN55 1PT");
    expect(normalisePostcode("w1a 0ax")).toBe("W1A 0AX");
    expect(normalisePostcode("ec1a 1bb")).toBe("EC1A 1BB");
  });

  it("accepts the Crown Dependencies and Northern Ireland", () => {
    expect(normalisePostcode("je2 3ab")).toBe("JE2 3AB");
    expect(normalisePostcode("BT1 5GS")).toBe("BT1 5GS");
    expect(normalisePostcode("im1 1aa")).toBe("IM1 1AA");
  });

  it("refuses things that are not postcodes", () => {
    for (const bad of ["XYZ", "", "   ", "PR1", "PR1 2A", "12345", "PR1 2ABC", "Q1 1AA", "AI1 1AA", "PR1 2CA", "PR1 2AO", "D02 X285", "A1 1A"]) {
      expect(isValidPostcode(bad), bad).toBe(false);
    }
    expect(normalisePostcode("XYZ")).toBeNull();
  });

  it("refuses a well-shaped postcode in a postcode area that does not exist", () => {
    const r = parsePostcode("AA1 1AA");
    expect(r).toEqual({ ok: false, reason: '"AA1 1AA" is not a UK postcode: there is no AA postcode area' });
  });

  it("explains a half postcode", () => {
    expect(parsePostcode("PR1")).toEqual({ ok: false, reason: '"PR1" is only the first half of a postcode' });
    expect(parsePostcode("")).toEqual({ ok: false, reason: "postcode is missing" });
  });

  it("handles GIR 0AA", () => {
    const r = parsePostcode("gir0aa");
    expect(r.ok && r.value).toMatchObject({ postcode: "GIR 0AA", kind: "giro", district: "GIR", sector: "GIR 0", area: "GIR" });
  });

  it("takes BFPO numbers only when asked", () => {
    expect(parsePostcode("BFPO 1234")).toEqual({ ok: false, reason: 'BFPO numbers are not accepted here ("BFPO 1234")' });
    const r = parsePostcode("bfpo  57", { allowBfpo: true });
    expect(r.ok && r.value).toEqual({ postcode: "BFPO 57", kind: "bfpo", outward: "BFPO", inward: "57", area: null, district: null, sector: null });
    expect(normalisePostcode("BFPO0057", { allowBfpo: true })).toBe("BFPO 57");
    expect(isValidPostcode("BFPO 12345", { allowBfpo: true })).toBe(false);
  });
});

describe("postcode parts", () => {
  it("extracts district (outward code), sector and area", () => {
    expect(postcodeDistrict("pr1 2ab")).toBe("PR1");
    expect(outwardCode("PR12AB")).toBe("PR1");
    expect(postcodeSector("pr1 2ab")).toBe("PR1 2");
    expect(postcodeArea("pr1 2ab")).toBe("PR");
    expect(postcodeArea("M1 1AE")).toBe("M");
    expect(postcodeDistrict("EC1A 1BB")).toBe("EC1A");
    expect(postcodeSector("EC1A 1BB")).toBe("EC1A 1");
    expect(postcodeDistrict("XYZ")).toBeNull();
    expect(postcodeSector("nonsense")).toBeNull();
    expect(postcodeArea("")).toBeNull();
  });
});

describe("parseLocalArea", () => {
  it("reads districts, sectors, areas and ranges separated by commas and new lines", () => {
    const r = parseLocalArea("pr1, PR2 6\nbb\r\nPR3-PR5;  fy1 - 3 ,,");
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual(["PR1", "PR2 6", "BB", "PR3", "PR4", "PR5", "FY1", "FY2", "FY3"]);
  });

  it("removes duplicates, keeping the first", () => {
    expect(parseLocalArea("PR1, pr1, PR1-PR2").entries).toEqual(["PR1", "PR2"]);
  });

  it("accepts a whole postcode", () => {
    expect(parseLocalArea("pr1 2ab").entries).toEqual(["PR1 2AB"]);
  });

  it("reports every entry it cannot read, with a reason", () => {
    const r = parseLocalArea("PR1, XYZ123, PR5-PR3, PR1-BB3, QQ, AA9, PR1-PR300");
    expect(r.entries).toEqual(["PR1"]);
    expect(r.errors.map((e) => e.entry)).toEqual(["XYZ123", "PR5-PR3", "PR1-BB3", "QQ", "AA9", "PR1-PR300"]);
    expect(r.errors[1].reason).toMatch(/runs backwards/);
    expect(r.errors[2].reason).toMatch(/within one postcode area/);
    expect(r.errors[3].reason).toMatch(/no QQ postcode area/);
    expect(r.errors[4].reason).toMatch(/no AA postcode area/);
    expect(r.errors[0].reason).toMatch(/is not a postcode area/);
    expect(r.errors[5].reason).toMatch(/beyond district 99/);
  });

  it("gives nothing for empty text", () => {
    expect(parseLocalArea("  \n , ")).toEqual({ entries: [], errors: [] });
  });
});

describe("isLocal", () => {
  const area = ["PR1-PR3", "BB2 1", "FY", "EC1"];

  it("matches a district, including one from a range", () => {
    expect(isLocal("pr2 9zz", area)).toBe(true);
    expect(isLocal("PR4 1AA", area)).toBe(false);
  });

  it("does not let PR1 match PR10", () => {
    expect(isLocal("PR10 1AA", ["PR1"])).toBe(false);
    expect(isLocal("PR1 0AA", ["PR1"])).toBe(true);
  });

  it("matches a sector but not its neighbours", () => {
    expect(isLocal("BB2 1AB", area)).toBe(true);
    expect(isLocal("BB2 2AB", area)).toBe(false);
  });

  it("matches a whole area", () => {
    expect(isLocal("FY8 5QR", area)).toBe(true);
    expect(isLocal("F10 1AA", area)).toBe(false);
  });

  it("treats the lettered parts of a London district as inside it", () => {
    expect(isLocal("EC1A 1BB", area)).toBe(true);
    expect(isLocal("EC1M 6BN", area)).toBe(true);
    expect(isLocal("EC2A 1AA", area)).toBe(false);
    expect(isLocal("EC1A 1BB", ["EC1A"])).toBe(true);
    expect(isLocal("EC1M 6BN", ["EC1A"])).toBe(false);
  });

  it("matches a single postcode", () => {
    expect(isLocal("pr72ab", ["PR7 2AB"])).toBe(true);
    expect(isLocal("PR7 2AD", ["PR7 2AB"])).toBe(false);
  });

  it("never counts an invalid postcode or a BFPO number as local", () => {
    expect(isLocal("XYZ", ["PR"])).toBe(false);
    expect(isLocal("BFPO 1", ["PR"])).toBe(false);
    expect(isLocal("", ["PR"])).toBe(false);
  });

  it("refuses a local area it cannot understand rather than matching nothing", () => {
    expect(() => isLocal("PR1 2AB", ["PR1", "Preston"])).toThrow(/Preston/);
    expect(() => localAreaMatcher(["PR9-PR1"])).toThrow(/backwards/);
  });

  it("is case-insensitive about the local area entries", () => {
    const local = localAreaMatcher(["pr1 - pr2", "bb2 1"]);
    expect(local("PR2 1AA")).toBe(true);
    expect(local("bb2 1xx")).toBe(true);
  });
});
