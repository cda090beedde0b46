import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BltError, countBlt, countElection, formatCountSheet, parseBlt, randomElection, resultJson, writeBlt, type StvMethod } from "./index";
import { SCOTLAND } from "../../../../tests/fixtures/vectors/paths";


describe("countBlt", () => {
  const text = readFileSync(SCOTLAND + "Anderston-City-2007.blt", "utf8");

  it("defaults to Scottish STV and dispatches on the method", () => {
    expect(countBlt(text).method).toBe("scottish");
    expect(countBlt(text, "meek").method).toBe("meek");
    expect(() => countBlt(text, "borda" as StvMethod)).toThrow(/unknown STV method/);
  });

  it("throws BltError with the line number for a malformed file", () => {
    const broken = text.replace("\n149 1 0\n", "\n149 99 0\n"); // a candidate that does not exist, on line 2
    expect(() => countBlt(broken)).toThrow(BltError);
    try {
      countBlt(broken);
    } catch (e) {
      expect((e as BltError).line).toBe(2);
      expect((e as BltError).reason).toMatch(/preference 99 is not a candidate/);
    }
  });

  it("gives the result shape the CLI prints", () => {
    const j = resultJson(countBlt(text));
    expect(Object.keys(j)).toEqual(["seats", "quota", "elected", "rounds"]);
    expect(j).toMatchObject({ seats: 4, quota: 1381 });
    expect(j.elected).toEqual(["Craig MacKay", "Philip Braat", "Nina Baker", "Gordon Matheson"]);
    const r0 = j.rounds[0];
    expect(r0).toMatchObject({ n: 0, action: "first", elected: ["Craig MacKay"], excluded: [], exhausted: "0.00000" });
    expect(r0.tally["Craig MacKay"]).toBe("1632.00000");
    // Every value is a decimal string with exactly 5 places.
    for (const rd of j.rounds) for (const v of Object.values(rd.tally)) expect(v).toMatch(/^\d+\.\d{5}$/);
  });

  it("is unaffected by a write/parse round trip", () => {
    const e = parseBlt(text);
    expect(countBlt(writeBlt(e))).toEqual(countElection(e));
  });

  it("prints a readable count sheet", () => {
    const sheet = formatCountSheet(countBlt(text));
    expect(sheet).toContain("ANDERSTON-CITY");
    expect(sheet).toContain("Quota: 1381");
    expect(sheet).toContain("Stage 1: Transfer of surplus of Craig MacKay (251.00000)");
    expect(sheet).toContain("Excluded: Dave Holladay");
    expect(sheet).toMatch(/Elected \(in order\): Craig MacKay; Philip Braat; Nina Baker; Gordon Matheson\n$/);
    const meek = formatCountSheet(countBlt(text, "meek"));
    expect(meek).toContain("Method: Meek STV");
    // Meek stages carry the quota, total surplus and keep values of the count.
    const m = countBlt(text, "meek");
    const last = m.rounds.filter((rd) => rd.action !== "elect-remaining").at(-1)!;
    expect(meek).toMatch(new RegExp(`Quota +${last.quota!.replace(".", "\\.")}\n`));
    expect(meek).toContain(last.surplus!);
    const [who, kf] = Object.entries(last.keepFactors!)[0];
    expect(meek).toMatch(new RegExp(`Keep value ${JSON.stringify(who)} +${kf.replace(".", "\\.")}\n`));
  });

  it("randomElection is reproducible from its seed", () => {
    const a = randomElection({ ballots: 50, candidates: 6, seats: 2, seed: 5 });
    expect(randomElection({ ballots: 50, candidates: 6, seats: 2, seed: 5 })).toEqual(a);
    expect(randomElection({ ballots: 50, candidates: 6, seats: 2, seed: 6 })).not.toEqual(a);
    for (const b of a.ballots) expect(new Set(b.prefs).size).toBe(b.prefs.length);
    // and what it makes is a valid BLT file
    expect(parseBlt(writeBlt(a))).toEqual(a);
  });
});
