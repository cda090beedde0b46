/**
 * The SQL rule for where a postcode is (impact_postcode_place, migration
 * 0038) against the JavaScript one (parsePostcode, localAreaMatcher) over
 * many postcodes and every form of local-area entry: the community wealth
 * figures are worked out in SQL and must place every member and borrower
 * exactly as the hand-checked domain code does.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { isValidPostcode, localAreaMatcher, localAreaSets, parsePostcode, POSTCODE_AREAS } from "~/domain/postcode";
import type { Database } from "~/utils/db.server";
import { testDb } from "../db";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

/** The JavaScript answer, in the SQL function's words. */
function placeInJs(postcode: string | null, localArea: readonly string[]): string {
  if (postcode === null || !isValidPostcode(postcode, { allowBfpo: true })) return "unknown";
  const p = parsePostcode(postcode, { allowBfpo: true });
  if (p.ok && p.value.kind === "bfpo") return "bfpo";
  return localAreaMatcher(localArea)(postcode) ? "local" : "elsewhere";
}

async function placeInSql(postcodes: readonly (string | null)[], localArea: readonly string[]): Promise<string[]> {
  const s = localAreaSets(localArea);
  const { rows } = await sql<{ place: string }>`
    SELECT impact_postcode_place(p, ${[...s.areas]}::text[], ${[...s.districts]}::text[], ${[...s.sectors]}::text[], ${[...s.postcodes]}::text[]) AS place
      FROM unnest(${postcodes}::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n`.execute(db);
  return rows.map((r) => r.place);
}

const WHITESPACE = ["\t", "\n", "\u000b", "\f", "\r", " ", "\u00a0", "\u1680", "\u2000", "\u2005", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"];
/** Not whitespace to JavaScript's \s: kept, so the postcode is not one. */
const NOT_WHITESPACE = ["\u0085", "\u180e", "\u200b", "\u00ad", "_", "-", "."];

function postcodesToTry(): (string | null)[] {
  const out: (string | null)[] = [null, "", " ", "  \t", "PR", "PR1", "PR1 2", "pr1", "GIR 0AA", "gir0aa", "G I R 0 A A", "GIR 0AB",
    "BFPO 1234", "bfpo1", "BFPO 12345", "BFPO", "BFPO 0", "AA1 1AA", "QA1 1AA", "A1 1AA", "PR1 2AC", "PR1 2AI", "PR12AB3", "PR1  2AB ",
    "PR1\t2AB", "pR1 2aB", "PR1-2AB", "PR 1 2AB", "P R 1 2 A B", "123 4AB", "PR1 ABC", "SW1A 1AA", "sw1a1aa", "EC1A 1BB", "EC1M 6BB",
    "EC1 1BB", "W1A 0AX", "W1J 7NT", "M1 1AE", "M60 1NW", "B33 8TH", "CR2 6XH", "DN55 1PT", "LS1 4DY", "BB1 1AA", "PR25 1AB", "PR5 1QZ",
    "ß1 1AA", "ſs1 1aa", "ıG1 1AA", "ﬀ1 1AA", "ST1 1AA", "ﬅ1 1AA", "ﬆ1 1ab", "PR1 2ﬁ", "PR1 2AＢ", "ＰR1 2AB", "PR١ 2AB", "PR1 2AB\u0000".slice(0, -1),
    "KT1 1AA", "\u212aT1 1AA", "İG1 1AA", "ǰE1 1AA", "ŉ1 1AA", "PR1 2AB😀", "😀"];
  // Every postcode area, in three spellings and with a wrong letter.
  for (const area of POSTCODE_AREAS) out.push(`${area}1 1AB`, `${area.toLowerCase()}12 3xy`, `${area}1A1AA`, `${area}9 9ZZ`, `${area}1 1CI`);
  // Every whitespace character JavaScript removes, and some it does not.
  for (const w of WHITESPACE) out.push(`PR1${w}2AB`, `${w}pr1 2ab${w}`, `PR${w}1${w}2AB`);
  for (const w of NOT_WHITESPACE) out.push(`PR1${w}2AB`, `PR12AB${w}`);
  // Generated postcodes over the format's letters, valid and not, in varied spacing and case.
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 1500; i++) {
    const area = [...POSTCODE_AREAS][next(POSTCODE_AREAS.size)];
    const district = next(4) === 0 ? `${next(10)}${letters[next(26)]}` : String(next(100));
    const inward = `${next(10)}${letters[next(26)]}${letters[next(26)]}`;
    const text = next(5) === 0 ? `${letters[next(26)]}${letters[next(26)]}${district}${inward}` : `${area}${district} ${inward}`;
    const spaced = [text, text.toLowerCase(), text.replace(" ", ""), ` ${text.replace(" ", "  ")} `][next(4)];
    out.push(spaced);
  }
  return out;
}

const LOCAL_AREAS: (readonly string[])[] = [
  [],
  ["PR1-PR5"],
  ["PR1-5", "BB"],
  ["pr", "m"],
  ["PR1 2", "LS1 4DY", "M1 1AE"],
  ["EC1", "W1"],
  ["EC1A", "SW1A 1"],
  ["GIR 0AA", "B33"],
  ["  pr25 ", "bb1 1", "B"],
  ["LS1-LS3", "PR2 6", "sw1a1aa", "E"],
];

describe("impact_postcode_place", () => {
  it("places every postcode where the JavaScript rule does, for every form of local area", async () => {
    const postcodes = postcodesToTry();
    expect(postcodes.length).toBeGreaterThan(2000);
    for (const localArea of LOCAL_AREAS) {
      const inSql = await placeInSql(postcodes, localArea);
      const differ = postcodes.map((p, i) => ({ p, js: placeInJs(p, localArea), sql: inSql[i] })).filter((r) => r.js !== r.sql);
      expect({ localArea, differ }).toEqual({ localArea, differ: [] });
    }
  });

  it("finds places of every kind among them, so the comparison is not empty", async () => {
    const places = new Set(await placeInSql(postcodesToTry(), ["PR1-PR5", "EC1", "GIR 0AA"]));
    expect([...places].sort()).toEqual(["bfpo", "elsewhere", "local", "unknown"]);
  });

  it("reads spacing, case and the letters JavaScript upper-cases to ASCII as the postcode parser does", async () => {
    const cases: [string, string][] = [
      ["ß1 1AA", "elsewhere"], // "SS1 1AA"
      ["pr1\u30002ab", "local"],
      ["PR1\u200b2AB", "unknown"], // a zero-width space is not whitespace to \s
      ["bfpo 12", "bfpo"],
      ["ec1a 1bb", "local"], // EC1 includes EC1A
      ["GIR0AA", "local"],
      ["PR6 1AA", "elsewhere"],
    ];
    expect(await placeInSql(cases.map((c) => c[0]), ["PR1-PR5", "EC1", "gir 0aa"])).toEqual(cases.map((c) => c[1]));
  });
});
