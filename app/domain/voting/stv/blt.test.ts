import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BltError, parseBlt, refuseEqualRankings, writeBlt, type BltElection } from "./blt";
import { countElection } from "./index";
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
    ["missing name", `3 1\n1 1 0\n0\n"A"\n"B"\n"T"\n`, 6, "expected 3 candidate names, found 2"],
    ["equal ranking with a side missing", `3 1\n1 1= 3 0\n0\n${names}`, 2, 'expected candidates on both sides of "="'],
    ["unknown option", `3 1\n[colour red]\n1 1 0\n0\n${names}`, 2, "unknown option [colour]"],
    ["option not closed", `3 1\n[tie 3 2 1\n1 1 0\n0\n${names}`, 2, "the [tie] option is not closed with ]"],
    ["option after the ballots began", `3 1\n1 1 0\n[tie 3 2 1]\n0\n${names}`, 3, "must come before the first ballot"],
    ["nick list too short", `3 1\n[nick a b]\n1 a 0\n0\n${names}`, 2, "[nick] must give exactly one nickname for each of the 3 candidates"],
    ["unknown nickname", `3 1\n[nick a b c]\n1 a d 0\n0\n${names}`, 3, '"d" is neither a candidate number nor a nickname'],
    ["tie order missing a candidate", `3 1\n[tie 3 2]\n1 1 0\n0\n${names}`, 2, "[tie] must list each of the 3 candidates exactly once"],
    ["ballot id used twice", `3 1\n(a1) 1 0\n(a1) 2 0\n0\n${names}`, 3, "ballot id (a1) is used twice"],
    ["unterminated block comment", `3 1\n/* a comment\n1 1 0\n0\n${names}`, 2, "unterminated comment"],
    ["candidate in an equal ranking twice", `3 1\n1 1=2 2 0\n0\n${names}`, 2, "candidate 2 ranked twice"],
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

describe("parseBlt reads what other counting programs write", () => {
  const names = '"A"\n"B"\n"C"\n"T"\n';

  it("accepts ballot lines without the terminating 0, one ballot per line", () => {
    const e = parseBlt(`3 1\n5 2 3\n2 1 0\n4\n0\n${names}`);
    expect(e.ballots).toEqual([
      { weight: 5, prefs: [1, 2] },
      { weight: 2, prefs: [0] },
      { weight: 4, prefs: [] },
    ]);
  });

  it("keeps a party or affiliation written after a candidate's name (OpaVote, ERS)", () => {
    const e = parseBlt(`3 1\n1 1 0\n0\n"Jane DOE" "Green Party"\n"John ROE"\n"Ann POE" "Labour" "Co-operative"\n"Board 2026"\n`);
    expect(e.candidates).toEqual(["Jane DOE", "John ROE", "Ann POE"]);
    expect(e.affiliations).toEqual(["Green Party", null, "Labour, Co-operative"]);
    expect(e.title).toBe("Board 2026");
  });

  it("reads # and /* */ comments, inside and across lines, but not inside quotes", () => {
    const e = parseBlt(`/* written by a counting program\n   over two lines */ 3 1\n2 /* two papers */ 1 3 0 # note\n0\n"A /* not a comment */"\n"B"\n"C"\n"T"\n`);
    expect(e.ballots).toEqual([{ weight: 2, prefs: [0, 2] }]);
    expect(e.candidates[0]).toBe("A /* not a comment */");
  });

  it("reads ballot ids in place of the weight (droop)", () => {
    const e = parseBlt(`3 1\n(b1) 1 2 0\n(voter 7) 3 0\n0\n${names}`);
    expect(e.ballots).toEqual([
      { weight: 1, prefs: [0, 1], id: "b1" },
      { weight: 1, prefs: [2], id: "voter 7" },
    ]);
  });

  it("drops a skipped ranking (-) so the later ones move up", () => {
    expect(parseBlt(`3 1\n1 2 - 3 0\n0\n${names}`).ballots).toEqual([{ weight: 1, prefs: [1, 2] }]);
  });

  it("keeps equal rankings with their line, for the counting rule to accept or refuse", () => {
    const e = parseBlt(`3 1\n\n4 1=2 3 0\n0\n${names}`);
    expect(e.ballots).toEqual([{ weight: 4, prefs: [], ranks: [[0, 1], [2]], line: 3 }]);
    const err = (() => {
      try {
        refuseEqualRankings(e, "Scottish STV");
      } catch (x) {
        return x as BltError;
      }
    })();
    expect(err).toBeInstanceOf(BltError);
    expect(err?.line).toBe(3);
    expect(err?.reason).toContain("equal rankings (1=2 3) cannot be counted under Scottish STV");
  });

  it("reads droop's [nick], [tie], [droop] and [withdrawn] options", () => {
    const e = parseBlt(`3 2\n[nick a b c] [droop meek precision=9]\n[tie 3\n 2 1]\n[withdrawn c]\n5 a b 0\n1 b=c 0\n3 3 0\n0\n${names}`);
    expect(e.options).toEqual({ nick: ["a", "b", "c"], tie: [2, 1, 0], droop: ["meek", "precision=9"] });
    expect(e.withdrawn).toEqual([2]);
    expect(e.ballots[0]).toEqual({ weight: 5, prefs: [0, 1] });
    expect(e.ballots[1].ranks).toEqual([[1, 2]]);
  });

  it("reads Wichmann's source and comment after the title, a byte-order mark and CRLF", () => {
    const e = parseBlt(`\uFEFF3 1\r\n1 1 0\r\n0\r\n"A"\r\n"B"\r\n"C"\r\n"T"\r\n"Electoral Reform Society sample"\r\n"recounted"\r\n`);
    expect([e.title, e.source, e.comment]).toEqual(["T", "Electoral Reform Society sample", "recounted"]);
  });
});

describe("writeBlt then parseBlt", () => {
  /** Line numbers belong to a file, not to the election: drop them to compare. */
  const withoutLines = (e: BltElection): BltElection => ({ ...e, ballots: e.ballots.map(({ line: _line, ...b }) => b) });
  const safeText = fc.string({ maxLength: 12 }).filter((s) => !/["\r\n]/.test(s));
  const election = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      title: safeText,
      seats: fc.integer({ min: 1, max: n }),
      candidates: fc.array(safeText, { minLength: n, maxLength: n }),
      affiliations: fc.option(fc.array(fc.option(safeText.filter((s) => s !== ""), { nil: null }), { minLength: n, maxLength: n }).filter((a) => a.some((x) => x !== null)), { nil: undefined }),
      withdrawn: fc.constant([] as number[]),
      ballots: fc.array(
        fc.record({
          weight: fc.integer({ min: 1, max: 50 }),
          order: fc.shuffledSubarray([...Array(n).keys()]),
          tieAt: fc.option(fc.nat({ max: n }), { nil: undefined }),
          id: fc.option(fc.stringMatching(/^[a-z0-9]{1,6}$/), { nil: undefined }),
        }),
        { maxLength: 12 },
      ),
    }),
  );

  it("gives back the same election, options, affiliations, ids and equal rankings included (fuzzed)", () => {
    fc.assert(
      fc.property(election, (x) => {
        const ids = new Set<string>();
        const ballots = x.ballots.map((b): BltElection["ballots"][number] => {
          const id = b.id !== undefined && !ids.has(b.id) ? (ids.add(b.id), b.id) : undefined;
          const weight = id !== undefined ? 1 : b.weight;
          const base = { weight, ...(id !== undefined ? { id } : {}) };
          if (b.tieAt !== undefined && b.tieAt + 1 < b.order.length) {
            const ranks = b.order.map((c) => [c]);
            ranks.splice(b.tieAt, 2, [b.order[b.tieAt], b.order[b.tieAt + 1]]);
            return { ...base, prefs: [], ranks };
          }
          return { ...base, prefs: b.order };
        });
        const e: BltElection = { title: x.title, seats: x.seats, candidates: x.candidates, withdrawn: [], ballots, ...(x.affiliations ? { affiliations: x.affiliations } : {}) };
        expect(withoutLines(parseBlt(writeBlt(e)))).toEqual(e);
      }),
      { numRuns: 300 },
    );
  });

  it("counts the same after export and import", () => {
    for (const f of readdirSync(SCOTLAND).filter((x) => x.endsWith(".blt")).slice(0, 4)) {
      const e = parseBlt(readFileSync(SCOTLAND + f, "utf8"));
      expect(countElection(parseBlt(writeBlt(e)), "scottish")).toEqual(countElection(e, "scottish"));
    }
  });
});
