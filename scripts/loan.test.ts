import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LOAN_VECTORS } from "../tests/fixtures/vectors/paths";

// The CLIs run as a user would run them: npx tsx from the project root, JSON on stdin.
const projectRoot = fileURLToPath(new URL("../", import.meta.url));
const schedules = JSON.parse(readFileSync(join(LOAN_VECTORS, "schedules.json"), "utf8"));
const aprs = JSON.parse(readFileSync(join(LOAN_VECTORS, "apr.json"), "utf8"));

function run(script: string, args: string[], input: string): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync("npx", ["tsx", script, ...args], { input, cwd: projectRoot, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    return { status: 0, stdout, stderr: "" };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("scripts/loan.ts schedule", () => {
  it("prints the first vector's schedule, with its total interest and APR", () => {
    const c = schedules.cases[0];
    const { status, stdout } = run("scripts/loan.ts", ["schedule"], JSON.stringify(c.terms));
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.installments).toHaveLength(18);
    expect(out.installments[0]).toEqual({ n: 1, due: "2024-02-01", principal: "255.00", interest: "50.00", total: "305.00", balance: "4745.00" });
    for (const [n, want] of Object.entries(c.expect.installments)) {
      expect(out.installments[Number(n) - 1]).toMatchObject(want as object);
    }
    expect(out.totalInterest).toBe(c.expect.totalInterest);
    // 1% a month compounds to 12.68%, a touch more after rounding installments up to 305.
    expect(out.apr).toBe("12.7");
  });

  it("bad input: names the field on stderr and exits 1", () => {
    const c = schedules.cases[0];
    const { status, stdout, stderr } = run("scripts/loan.ts", ["schedule"], JSON.stringify({ ...c.terms, termPeriods: "eighteen" }));
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/termPeriods/);
  });
});

describe("scripts/apr.ts", () => {
  it("prints the APR of a vector", () => {
    const c = aprs.cases[0];
    const { status, stdout } = run("scripts/apr.ts", [], JSON.stringify(c.flows));
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual(c.expect);
  });

  it("bad input: names the field on stderr and exits 1", () => {
    const { status, stderr } = run("scripts/apr.ts", [], JSON.stringify({ convention: "eu", advances: [{ date: "2024-02-30", amount: "100.00" }], payments: [] }));
    expect(status).toBe(1);
    expect(stderr).toMatch(/advances\.0\.date/);
  });
});
