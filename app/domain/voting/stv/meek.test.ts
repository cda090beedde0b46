import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StvResult } from "./common";
import { countBlt } from "./index";
import { countMeek, mulDown, mulUp } from "./meek";
import { parseBlt } from "./blt";
import { randomElection } from "./random";
import { mulberry32 } from "./common";
import { SCOTLAND } from "../../../../tests/fixtures/vectors/paths";

const EXPECTED = JSON.parse(readFileSync(SCOTLAND + "expected.json", "utf8")) as { file: string; seats: number; elected: string[] }[];

const units = (s: string) => BigInt(s.replace(".", ""));

/**
 * Tallies are shown to all 9 decimals, and what a candidate keeps is taken
 * off the paper, so at every stage votes + non-transferable = valid papers
 * exactly, with nothing lost to rounding.
 */
function expectConservation(r: StvResult) {
  for (const rd of r.rounds) {
    const shown = Object.values(rd.tally).reduce((a, v) => a + units(v), 0n) + units(rd.exhausted);
    expect(shown, `round ${rd.n}`).toBe(BigInt(r.valid) * 1_000_000_000n);
    expect(rd.residual).toBe("0.000000000");
  }
}

describe("Meek STV: hand-made elections", () => {
  it("with one seat is the alternative vote: lowest excluded until someone has a majority", () => {
    // A 8, B 5, C 4 (C's voters prefer B next). Quota 17/2 = 8.5: nobody yet.
    // C out (the stage shows the votes C was excluded on), then B reaches 9
    // and wins although A led on first preferences.
    const r = countBlt(`3 1\n8 1 0\n5 2 0\n4 3 2 0\n0\n"A"\n"B"\n"C"\n"T"\n`, "meek");
    expect(r.rounds[0].quota).toBe("8.500000001");
    expect(r.rounds[1]).toMatchObject({ action: "exclude", candidate: "C", tally: { A: "8.000000000", B: "5.000000000", C: "4.000000000" } });
    expect(r.rounds[2]).toMatchObject({ action: "surplus", elected: ["B"], tally: { A: "8.000000000", B: "9.000000000", C: "0.000000000" } });
    expect(r.elected).toEqual(["B"]);
  });

  it("passes votes through an elected candidate at the keep factor", () => {
    // 60 papers, 2 seats. A is elected at once. B's voters rank A second and C
    // third. When B is excluded, each of B's papers gives A only A's keep
    // factor and passes the rest on to C (under Scottish STV, A being elected,
    // C would get all of it).
    // Stage 1 elects A (24 >= 20.000000001). Stage 2 iterates A's keep factor:
    // A's own papers exhaust what A does not keep, so the quota falls with it,
    // converging on kf 0.75 (A keeps 18 of 24, quota (18+10+11+15)/3 = 18);
    // B (10) is then the lowest and is excluded.
    const r = countBlt(`4 2\n24 1 0\n10 2 1 3 0\n11 3 0\n15 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"T"\n`, "meek");
    expect(r.rounds[1]).toMatchObject({ action: "surplus", elected: ["A"] });
    const ex = r.rounds[2];
    expect(ex).toMatchObject({ action: "exclude", candidate: "B" });
    expect(Math.abs(Number(ex.keepFactors!.A) - 0.75)).toBeLessThan(1e-6);
    // Stage 3: each of B's papers gives A only kf(A) and passes the rest to C:
    // C = 11 + 10 x (1 - kf(A)), which takes C over the (falling) quota.
    const next = r.rounds[3];
    const kfA = Number(next.keepFactors!.A);
    expect(next).toMatchObject({ action: "surplus", elected: ["C"] });
    expect(Math.abs(Number(next.tally.C) - (11 + 10 * (1 - kfA)))).toBeLessThan(1e-8);
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
    // A keeps about 28.33 of 40; B 28; C 27; D's 5 papers exhausted with
    // D's exclusion: quota = (100 - exhausted) / 3.
    expect(bRound.quota).toBe("27.777777867");
    expect(Number(bRound.keepFactors!.A)).toBeLessThan(0.75 + 0.0001);
    const scot = countBlt(text, "scottish");
    expect(scot.elected).toEqual(["A", "B"]);
    expect(scot.rounds.at(-1)!.action).toBe("elect-remaining");
    expectConservation(meek);
  });

  it("shares surpluses between elected candidates in both directions", () => {
    // A (50) and B (20 + A's surplus) are elected. Papers go A -> B -> C and
    // B -> A -> D, so each elected candidate's surplus flows partly through the
    // other: with keep factors a and b, A = 50a + 20(1 - b)a and
    // B = 20b + 50(1 - a)b, and both are iterated to the quota (120 / 4).
    const r = countBlt(
      `5 3\n50 1 2 3 0\n20 2 1 4 0\n18 3 0\n17 4 0\n15 5 3 0\n0\n"A"\n"B"\n"C"\n"D"\n"E"\n"T"\n`,
      "meek",
    );
    expect(r.rounds[1]).toMatchObject({ action: "surplus", elected: ["A"] });
    expect(r.rounds[2]).toMatchObject({ action: "surplus", elected: ["B"] });
    const ex = r.rounds[3];
    expect(ex).toMatchObject({ action: "exclude", excluded: ["E"], quota: "30.000000001" });
    const a = Number(ex.keepFactors!.A);
    const b = Number(ex.keepFactors!.B);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(1);
    expect(b).toBeLessThan(1);
    expect(Math.abs(Number(ex.tally.A) - (50 * a + 20 * (1 - b) * a))).toBeLessThan(1e-7);
    expect(Math.abs(Number(ex.tally.B) - (20 * b + 50 * (1 - a) * b))).toBeLessThan(1e-7);
    // Converged: each within the outstanding surplus (< omega) of the quota.
    expect(Number(ex.tally.A) - 30).toBeLessThan(1e-6);
    expect(Number(ex.tally.B) - 30).toBeLessThan(1e-6);
    expect(Number(ex.surplus)).toBeLessThan(1e-6);
    expect(r.elected).toEqual(["A", "B", "C"]);
    expectConservation(r);
  });

  it("iterates until the total surplus is below omega before excluding anyone, and excludes one candidate a stage", () => {
    // A's surplus splits evenly between B and C, who stay level just under
    // the quota, so the keep factor is iterated until the surplus is below
    // 0.000001, and then B and C are tied (decided by lot).
    const r = countBlt(`3 2\n10 1 2 0\n10 1 3 0\n5 2 0\n5 3 0\n0\n"A"\n"B"\n"C"\n"T"\n`, "meek");
    const ex = r.rounds[2];
    expect(ex.action).toBe("exclude");
    expect(ex.excluded).toHaveLength(1);
    const m = /Excluded \(surplus ([\d.]+) < omega 0\.000001000\)\./.exec(ex.notes.join(" "));
    expect(m).not.toBeNull();
    expect(m![1]).toBe(ex.surplus);
    expect(units(m![1]) < 1_000n).toBe(true); // 9-decimal units: 0.000001
    expect(ex.notes.join(" ")).toMatch(/between B, C equal at every stage; decided by lot/);
    expect(ex.keepFactors).toEqual({ A: "0.500000001" });
    expect(r.elected).toHaveLength(2);
  });

  it("excludes several sure losers at once only when bulk exclusion is asked for", () => {
    // A is elected and A's surplus exhausts (quota falls towards 11). D, E and
    // F together (1 + 1 + 1 plus the surplus) cannot reach C's 9, so bulk
    // exclusion removes them in one stage; the reference rule takes one stage
    // for each. With their papers exhausted too, B (10) reaches the quota.
    const text = `6 2\n30 1 0\n10 2 0\n9 3 0\n1 4 0\n1 5 0\n1 6 0\n0\n"A"\n"B"\n"C"\n"D"\n"E"\n"F"\n"T"\n`;
    const one = countBlt(text, "meek");
    const bulk = countBlt(text, "meek", { bulkExclusion: true });
    expect(one.rounds.filter((rd) => rd.action === "exclude").map((rd) => rd.excluded.length)).toEqual([1, 1, 1]);
    const firstBulk = bulk.rounds.find((rd) => rd.action === "exclude")!;
    expect(firstBulk.excluded.length).toBeGreaterThan(1);
    expect(firstBulk.notes.join(" ")).toMatch(/bulk exclusion/);
    expect(firstBulk.excluded).toEqual(["D", "E", "F"]);
    expect(bulk.elected).toEqual(["A", "B"]);
    expect(one.elected).toEqual(["A", "B"]);
  });

  it("excludes the lowest once the surplus is below omega, as droop's reference count does", () => {
    // droop's "Pollux and Helen should tie": Castor's surplus lifts Pollux to
    // 1.999999996 at convergence (outstanding surplus 0.000000003), still
    // below Helen's 2, so Pollux is excluded and Helen fills the last seat.
    const text = `3 2\n4 1 2 0\n2 3 0\n0\n"Castor"\n"Pollux"\n"Helen"\n"T"\n`;
    const r = countBlt(text, "meek");
    expect(r.rounds[2]).toMatchObject({ action: "exclude", excluded: ["Pollux"], surplus: "0.000000003", tally: { Castor: "2.000000004", Pollux: "1.999999996", Helen: "2.000000000" } });
    expect(r.rounds[3]).toMatchObject({ n: 2, action: "elect-remaining", elected: ["Helen"] });
    expect(r.elected).toEqual(["Castor", "Helen"]);
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
  it("mulDown and mulUp are exactly floor and ceil of a*b/1e9 across the whole range", () => {
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
      expect(mulUp(a, b)).toBe(Number((BigInt(a) * BigInt(b) + 999_999_999n) / 1_000_000_000n));
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
