import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BltError, parseBlt, writeBlt, type BltElection } from "./blt";
import { SCOTLAND } from "../../../../tests/fixtures/vectors/paths";


/** Parse expecting a BltError; return it so line and reason can be checked. */
function bltError(text: string): BltError {
  try {
    parseBlt(text);
  } catch (e) {
    if (e instanceof BltError) return e;
    throw e;
  }
  throw new Error("expected a BltError, but the file parsed");
}

const SAMPLE = `9 4
-3
149 1 0
11 1 2 0
2 1 2 3 0
0
"Nina Baker"
"Erin Boyle"
"Philip Braat"
"Dave Holladay"
"Akhtar Khan"
"Ann Laird"
"Craig MacKay"
"Gordon Matheson"
"Peter Murray"
"ANDERSTON-CITY"
`;

describe("parseBlt", () => {
  it("reads the header, withdrawn line, ballots, names and title", () => {
    const e = parseBlt(SAMPLE);
    expect(e.seats).toBe(4);
    expect(e.candidates).toHaveLength(9);
    expect(e.candidates[0]).toBe("Nina Baker");
    expect(e.title).toBe("ANDERSTON-CITY");
    expect(e.withdrawn).toEqual([2]); // candidate 3, 0-based
    expect(e.ballots).toEqual([
      { weight: 149, prefs: [0] },
      { weight: 11, prefs: [0, 1] },
      { weight: 2, prefs: [0, 1, 2] },
    ]);
  });

  it("keeps names exactly as written, including runs of spaces and trailing spaces", () => {
    const e = parseBlt(readFileSync(SCOTLAND + "Canal-2007.blt", "utf8"));
    expect(e.candidates).toContain("Ellen   Hurcombe");
    expect(e.candidates).toContain("Kieran  Wild ");
    expect(e.title).toBe("CANAL");
  });

  it("ignores comments, blank lines, CRLF and a byte order mark; allows several withdrawn lines", () => {
    const text =
      "\uFEFF# a comment line\r\n3 1   # three candidates, one seat\r\n-1\r\n-2\r\n\r\n4 3 0 # four papers\r\n0\r\n" +
      '"A" "B # not a comment"\r\n"C"\r\n"Title"\r\n';
    const e = parseBlt(text);
    expect(e.withdrawn).toEqual([0, 1]);
    expect(e.ballots).toEqual([{ weight: 4, prefs: [2] }]);
    expect(e.candidates).toEqual(["A", "B # not a comment", "C"]);
  });

  it("accepts a blank ballot (weight then 0) and optional source and comment strings", () => {
    const e = parseBlt('2 1\n3 0\n1 2 0\n0\n"A"\n"B"\n"T"\n"source"\n"comment"\n');
    expect(e.ballots[0]).toEqual({ weight: 3, prefs: [] });
    expect(e.source).toBe("source");
    expect(e.comment).toBe("comment");
  });

  it("parses all 21 Glasgow files", () => {
    const expected = JSON.parse(readFileSync(SCOTLAND + "expected.json", "utf8")) as {
      file: string; title: string; seats: number; candidates: number; ballots: number;
    }[];
    const files = readdirSync(SCOTLAND).filter((f) => f.endsWith(".blt"));
    expect(files).toHaveLength(21);
    for (const x of expected) {
      const e = parseBlt(readFileSync(SCOTLAND + x.file, "utf8"));
      expect(e.title).toBe(x.title);
      expect(e.seats).toBe(x.seats);
      expect(e.candidates).toHaveLength(x.candidates);
      expect(e.ballots.reduce((s, b) => s + b.weight, 0)).toBe(x.ballots);
    }
  });
});

describe("parseBlt errors name the line and the reason", () => {
  const names = '"A"\n"B"\n"C"\n"T"\n';
  it.each([
    ["preference out of range", `3 1\n1 1 2 0\n2 4 0\n0\n${names}`, 3, "preference 4 is not a candidate (there are 3)"],
    ["candidate ranked twice", `3 1\n1 3 1 3 0\n0\n${names}`, 2, "candidate 3 ranked twice"],
    ["missing terminating 0", `3 1\n1 1 2 0\n5 2 3\n0\n${names}`, 3, "missing terminating 0"],
    ["missing name", `3 1\n1 1 0\n0\n"A"\n"B"\n"T"\n`, 6, "expected 3 candidate names, found 2"],
    ["equal rankings refused", `3 1\n1 1=2 3 0\n0\n${names}`, 2, "equal rankings (1=2) are not supported"],
    ["text after terminating 0", `3 1\n1 1 0 2\n0\n${names}`, 2, 'unexpected "2" after the terminating 0'],
    ["missing end of ballots", `3 1\n1 1 0\n"A"\n"B"\n"C"\n"T"\n`, 3, "missing end-of-ballots line"],
    ["withdrawn out of range", `3 1\n-7\n1 1 0\n0\n${names}`, 2, "withdrawn candidate 7 is not a candidate"],
    ["withdrawn after ballots", `3 1\n1 1 0\n-2\n0\n${names}`, 3, "must come before the first ballot"],
    ["fractional weight", `3 1\n1.5 1 0\n0\n${names}`, 2, "ballot weight must be a whole number"],
    ["bad header", `three 1\n0\n${names}`, 1, "expected the number of candidates"],
    ["more seats than candidates", `3 4\n0\n${names}`, 1, "4 seats but only 3 candidates"],
    ["unterminated quote", `3 1\n1 1 0\n0\n"A\n"B"\n"C"\n"T"\n`, 4, "unterminated quoted string"],
    ["unexpected text after names", `3 1\n1 1 0\n0\n${names}"x"\n"y"\n"z"\n`, 10, 'unexpected quoted string "z"'],
    ["bare word among names", `3 1\n1 1 0\n0\n"A"\nB\n"C"\n"T"\n`, 5, 'expected a quoted candidate name, found "B"'],
    ["zero weight with preferences", `3 1\n0 1 0\n0\n${names}`, 2, "ballot weight must be at least 1"],
    ["empty file", "  \n# nothing\n", 1, "empty file"],
  ])("%s", (_label, text, line, reason) => {
    const err = bltError(text);
    expect(err.line).toBe(line);
    expect(err.reason).toContain(reason);
    expect(err.message).toBe(`line ${line}: ${err.reason}`);
  });

  it("counts lines as an editor does, including comment and blank lines", () => {
    const err = bltError(`# header comment\n\n3 1\n# ballots\n1 1 2 0\n\n2 2 9 0\n0\n${names}`);
    expect(err.line).toBe(7);
    expect(err.reason).toBe("preference 9 is not a candidate (there are 3)");
  });
});

describe("writeBlt", () => {
  it("round-trips the sample and every Glasgow file exactly", () => {
    expect(parseBlt(writeBlt(parseBlt(SAMPLE)))).toEqual(parseBlt(SAMPLE));
    for (const f of readdirSync(SCOTLAND).filter((x) => x.endsWith(".blt"))) {
      const text = readFileSync(SCOTLAND + f, "utf8");
      const e = parseBlt(text);
      const again = parseBlt(writeBlt(e));
      expect(again).toEqual(e);
    }
  });

  it("round-trips withdrawn candidates, blank ballots, odd spacing, source and comment", () => {
    const e: BltElection = {
      title: "  Odd  title ",
      seats: 2,
      candidates: ["A  b ", " C", "D#E"],
      withdrawn: [1],
      ballots: [
        { weight: 1, prefs: [2, 0, 1] },
        { weight: 7, prefs: [] },
      ],
      source: "src",
      comment: "cmt",
    };
    expect(parseBlt(writeBlt(e))).toEqual(e);
  });

  it("refuses what BLT cannot express", () => {
    const base: BltElection = { title: "T", seats: 1, candidates: ["A"], withdrawn: [], ballots: [] };
    expect(() => writeBlt({ ...base, candidates: ['Say "hi"'] })).toThrow(/cannot be written/);
    expect(() => writeBlt({ ...base, ballots: [{ weight: 0, prefs: [0] }] })).toThrow(/weight/);
    expect(() => writeBlt({ ...base, ballots: [{ weight: 1, prefs: [3] }] })).toThrow(/not a candidate/);
  });
});
