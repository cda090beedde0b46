import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { MEEK_REFERENCE, SCOTLAND } from "../tests/fixtures/vectors/paths";

// Run from the project root so `scripts/stv.ts` resolves whatever the cwd.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const EXPECTED = JSON.parse(readFileSync(SCOTLAND + "expected.json", "utf8")) as {
  file: string; seats: number; quota: number; elected: string[]; elected_round: number[];
}[];

const tmp = mkdtempSync(join(tmpdir(), "stv-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync("npx", ["tsx", "scripts/stv.ts", ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("scripts/stv.ts", () => {
  it("prints the JSON result for a Glasgow ward", () => {
    const x = EXPECTED.find((e) => e.file === "Canal-2007.blt")!;
    const out = execFileSync("npx", ["tsx", "scripts/stv.ts", SCOTLAND + x.file, "--json"], { cwd: ROOT, encoding: "utf8" });
    const j = JSON.parse(out) as { seats: number; quota: number; elected: string[]; rounds: { n: number; elected: string[] }[] };
    expect(Object.keys(j)).toEqual(["seats", "quota", "elected", "rounds"]);
    expect(j.seats).toBe(x.seats);
    expect(j.quota).toBe(x.quota);
    // Names exactly as in the file ("Ellen   Hurcombe", "Kieran  Wild ").
    expect(new Set(j.elected)).toEqual(new Set(x.elected));
    const stageOf = new Map(j.rounds.flatMap((r) => r.elected.map((name) => [name, r.n] as const)));
    x.elected.forEach((name, i) => expect(stageOf.get(name)).toBe(x.elected_round[i]));
  }, 60_000);

  it("prints a count sheet by default and counts with Meek on request", () => {
    const sheet = run([SCOTLAND + "Linn-2007.blt"]);
    expect(sheet.status).toBe(0);
    expect(sheet.stdout).toContain("Quota: 1914");
    expect(sheet.stdout).toContain("2008.75096");
    const meek = run([SCOTLAND + "Linn-2007.blt", "--method", "meek", "--json"]);
    expect(meek.status).toBe(0);
    expect(JSON.parse(meek.stdout).elected).toHaveLength(4);
  }, 60_000);

  it("counts Meek with the reference rule's tie order on request, one exclusion per stage", () => {
    // droop's Sample Count: the reference rule takes one stage per exclusion; bulk exclusion fewer.
    const r = run([MEEK_REFERENCE + "SC.blt", "--method", "meek", "--tie-order", "--json"]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { rounds: { action: string; excluded: string[]; quota: string }[] };
    const exclusions = j.rounds.filter((rd) => rd.action === "exclude");
    expect(exclusions.length).toBeGreaterThan(1);
    for (const rd of exclusions) expect(rd.excluded).toHaveLength(1);
    const bulk = run([MEEK_REFERENCE + "SC.blt", "--method", "meek", "--bulk-exclusion", "--json"]);
    expect(bulk.status).toBe(0);
    const b = JSON.parse(bulk.stdout) as { rounds: { action: string; excluded: string[] }[] };
    expect(b.rounds.filter((rd) => rd.action === "exclude").length).toBeLessThan(exclusions.length);
    expect(run([SCOTLAND + "Linn-2007.blt", "--bulk-exclusion"]).status).toBe(2);
  }, 60_000);

  it("reports a malformed file with its line number on stderr and exits 1", () => {
    const bad = join(tmp, "bad.blt");
    writeFileSync(bad, '3 1\n2 1 2 0\n1 3 3 0\n0\n"A"\n"B"\n"C"\n"T"\n');
    const r = run([bad, "--json"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe(`${bad}:3: candidate 3 ranked twice`);
  }, 60_000);

  it("rejects bad usage with exit code 2", () => {
    const r = run([SCOTLAND + "Linn-2007.blt", "--method", "borda"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown method "borda"/);
  }, 60_000);
});
