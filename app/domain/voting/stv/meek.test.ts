import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StvResult } from "./common";
import { countBlt } from "./index";
import { countMeek, mulDown } from "./meek";
import { parseBlt } from "./blt";
import { randomElection } from "./random";
import { mulberry32 } from "./common";
import { SCOTLAND } from "../../../../tests/fixtures/vectors/paths";

const EXPECTED = JSON.parse(readFileSync(SCOTLAND + "expected.json", "utf8")) as { file: string; seats: number; elected: string[] }[];

const units = (s: string) => BigInt(s.replace(".", ""));

/** Tallies are shown truncated to 5 of the 9 decimals, so sums may fall short by a few 1e-5 units. */
function expectConservation(r: StvResult) {
  for (const rd of r.rounds) {
    const shown = Object.values(rd.tally).reduce((a, v) => a + units(v), 0n) + units(rd.exhausted) + units(rd.residual);
    const gap = BigInt(r.valid) * 100_000n - shown;
    expect(gap >= 0n && gap <= BigInt(Object.keys(rd.tally).length + 2), `round ${rd.n} gap ${gap}`).toBe(true);
  }
}

describe("Meek STV: hand-made elections", () => {
  it("with one seat is the alternative vote: lowest excluded until someone has a majority", () => {
    // A 8, B 5, C 4 (C's voters prefer B next). Quota 17/2 = 8.5: nobody yet.
    // C out, B reaches 9 and wins although A led on first preferences.
    const r = countBlt(`3 1\n8 1 0\n5 2 0\n4 3 2 0\n0\n"A"\n"B"\n"C"\n"T"\n`, "meek");
    expect(r.rounds[0].quota).toBe("8.500000001");
    expect(r.rounds[1]).toMatchObject({ action: "exclude", candidate: "C", tally: { A: "8.00000", B: "9.00000" } });
    expect(r.elected).toEqual(["B"]);
  });

  it("passes votes through an elected candidate at the keep factor", () => {
    // 60 papers, 2 seats. A is elected at once. B's voters rank A second and C
    // third. When B is excluded, each of B's papers gives A only A's keep
    // factor and passes the rest on to C (under Scottish STV, A being elected,
    // C would get all of it).
    const r = countBlt(`4 2\n24 1 0\n10 2 1 3 0\n11 3 0\n15 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"T"\n`, "meek");
    const ex = r.rounds[1];
    expect(ex).toMatchObject({ action: "exclude", candidate: "B" });
    expect(ex.keepFactors).toEqual({ A: "0.777777779" });
    // A keeps 34 papers x 0.777777779; C gets 11 + 10 x 0.222222221.
    expect(ex.tally).toMatchObject({ A: "26.44444", C: "13.22222", D: "15.00000" });
    expect(r.elected).toEqual(["A", "C"]);
    expectConservation(r);
  });

  it("recomputes the quota as votes exhaust, electing on a lower quota than the Droop quota", () => {
    // A's surplus has nowhere to go, so it exhausts and the quota falls.
    // Meek elects B on quota (about 27.96) while Scottish STV, with its fixed
    // quota of 34, only elects B as the last candidate standing.
    const text = `4 2\n40 1 0\n28 2 1 3 0\n27 3 0\n5 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"T"\n`;
    const meek = countBlt(text, "meek");
    expect(meek.elected).toEqual(["A", "B"]);
    const bRound = meek.rounds.find((rd) => rd.elected.includes("B"))!;
    expect(bRound.action).toBe("surplus");
    expect(bRound.quota).toBe("27.962962974");
    expect(Number(bRound.keepFactors!.A)).toBeLessThan(0.75 + 0.0001);
    const scot = countBlt(text, "scottish");
    expect(scot.elected).toEqual(["A", "B"]);
    expect(scot.rounds.at(-1)!.action).toBe("elect-remaining");
    expectConservation(meek);
  });

  it("shares surpluses between elected candidates in both directions", () => {
    // A (50) and B (20 + A's surplus) are elected. Papers go A -> B -> C and
    // B -> A -> D, so each elected candidate's surplus flows partly through the
    // other. With kf(A) = 0.6 and kf(B) = 0.75:
    //   A = 50 x 0.6 + 20 x 0.25 x 0.6 = 33
    //   C = 18 + 15 (E's papers) + 50 x 0.4 x 0.25 = 38
    //   D = 17 + 20 x 0.25 x 0.4 = 19
    const r = countBlt(
      `5 3\n50 1 2 3 0\n20 2 1 4 0\n18 3 0\n17 4 0\n15 5 3 0\n0\n"A"\n"B"\n"C"\n"D"\n"E"\n"T"\n`,
      "meek",
    );
    expect(r.rounds[1]).toMatchObject({ action: "surplus", elected: ["B"], keepFactors: { A: "0.600000001" } });
    expect(r.rounds[2]).toMatchObject({
      action: "exclude",
      excluded: ["E"],
      keepFactors: { A: "0.600000001", B: "0.750000001" },
      tally: { A: "33.00000", C: "37.99999", D: "18.99999", E: "0.00000" },
    });
    expect(r.elected).toEqual(["A", "B", "C"]);
    expectConservation(r);
  });

  it("iterates until the total surplus is within omega before excluding anyone", () => {
    // A's surplus splits evenly between B and C, who stay level: no one can be
    // excluded as a sure loser, so the keep factor is iterated until the
    // surplus is below 0.00001, and then B and C are tied (decided by lot).
    const r = countBlt(`3 2\n10 1 2 0\n10 1 3 0\n5 2 0\n5 3 0\n0\n"A"\n"B"\n"C"\n"T"\n`, "meek");
    const ex = r.rounds[1];
    expect(ex.action).toBe("exclude");
    const m = /^Converged after \d+ iterations?: total surplus ([\d.]+) <= 0\.000010000\.$/.exec(ex.notes[0]);
    expect(m).not.toBeNull();
    expect(units(m![1]) <= 10_000n).toBe(true); // 9-decimal units: 0.00001
    expect(ex.notes[1]).toMatch(/between B, C equal at every stage; decided by lot/);
    expect(ex.keepFactors).toEqual({ A: "0.500000001" });
    expect(r.elected).toHaveLength(2);
  });

  it("breaks a near-tie by the earlier round at which the candidates differed", () => {
    // droop's "Pollux and Helen should tie": Castor's surplus can lift Pollux to
    // at most 2 - 10^-9, never past Helen's 2, so Pollux is a sure loser.
    const r = countBlt(`3 2\n4 1 2 0\n2 3 0\n0\n"Castor"\n"Pollux"\n"Helen"\n"T"\n`, "meek");
    expect(r.elected).toEqual(["Castor", "Helen"]);
    expect(r.rounds[1].excluded).toEqual(["Pollux"]);
  });

  it("draws lots reproducibly when candidates are equal throughout", () => {
    const text = `2 1\n2 1 0\n2 2 0\n0\n"A"\n"B"\n"T"\n`;
    const r = countBlt(text, "meek");
    expect(r.rounds[1].notes.join(" ")).toMatch(/equal at every stage; decided by lot/);
    expect(countBlt(text, "meek")).toEqual(r);
    const winners = new Set<string>();
    for (let i = 0; i < 40; i++) winners.add(countBlt(text, "meek", { lotSeed: String(i) }).elected[0]);
    expect(winners).toEqual(new Set(["A", "B"]));
  });

  it("skips withdrawn candidates and does not count papers that rank only them", () => {
    const r = countBlt(`3 1\n-1\n4 1 0\n3 1 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"T"\n`, "meek");
    expect(r.valid).toBe(5);
    expect(Object.keys(r.rounds[0].tally)).toEqual(["B", "C"]);
    expect(r.elected).toEqual(["B"]);
  });

  it("refuses a nonsensical tolerance", () => {
    expect(() => countMeek(parseBlt(`1 1\n1 1 0\n0\n"A"\n"T"\n`), { omegaPlaces: 12 })).toThrow(/omegaPlaces/);
  });
});

describe("Meek STV: Glasgow 2007 files", () => {
  // Meek and Scottish STV agree on 19 of the 21 wards. In Craigton and
  // Pollokshields Meek elects differently; these results were cross-checked
  // during development against droop's own `meek` rule (fixed point, 9
  // places, omega 10^-5), which gives the same winners.
  const MEEK_DIFFERS: Record<string, string[]> = {
    "Craigton-2007.blt": ["Iris Gibson", "Alistair Watson", "Matthew John Kerr", "Gordon Macdiarmid"],
    "Pollokshields-2007.blt": ["Irfan Rabbani", "Khalil Malik", "Ian A Ruffell"],
  };
  it.each(EXPECTED.map((x) => [x.file, x] as const))("%s", (file, x) => {
    const r = countBlt(readFileSync(SCOTLAND + file, "utf8"), "meek");
    expect(r.elected).toHaveLength(x.seats);
    expect(new Set(r.elected)).toEqual(new Set(MEEK_DIFFERS[file] ?? x.elected));
    expectConservation(r);
  });
});

describe("fixed-point helpers", () => {
  it("mulDown is exactly floor(a*b/1e9) across the whole range", () => {
    const rand = mulberry32(7);
    const cases: [number, number][] = [
      [0, 0],
      [1_000_000_000, 1_000_000_000],
      [999_999_999, 999_999_999],
      [2 ** 31 - 1, 2 ** 31 - 1],
      [1, 999_999_999],
    ];
    for (let i = 0; i < 20_000; i++) cases.push([Math.floor(rand() * 2 ** 31), Math.floor(rand() * 2 ** 31)]);
    for (const [a, b] of cases) {
      expect(mulDown(a, b)).toBe(Number((BigInt(a) * BigInt(b)) / 1_000_000_000n));
    }
  });
});

describe("Meek STV speed", () => {
  it("counts 100,000 random ballots", () => {
    const e = randomElection({ ballots: 100_000, candidates: 20, seats: 5, seed: 99 });
    const t0 = performance.now();
    const r = countMeek(e);
    const ms = performance.now() - t0;
    console.log(`Meek STV: 100,000 ballots, 20 candidates, ${r.rounds.length} rounds in ${ms.toFixed(0)} ms`);
    expect(r.elected).toHaveLength(5);
    expect(ms).toBeLessThan(10_000);
  });
});
