import { afterEach, describe, expect, it, vi } from "vitest";

/*
 * The markers read the settings once, so each case loads the module afresh
 * with its own environment. Holding (the promise that never settles) is
 * proved by the fault runs (tests/faults), which kill the held process.
 */
async function load(settings: Record<string, string>) {
  vi.resetModules();
  for (const [k, v] of Object.entries(settings)) vi.stubEnv(k, v);
  return import("./fault-markers.server");
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("fault markers", () => {
  it("are silent and give nothing to wait for unless FAULT_MARKERS=1", async () => {
    const { faultPoint } = await load({ FAULT_MARKERS: "" });
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(faultPoint("import.rows-written", { rows: 2000 })).toBeUndefined();
    expect(write).not.toHaveBeenCalled();
  });

  it("print each passage with its fields, and go on past points other than the one held", async () => {
    const { faultPoint } = await load({ FAULT_MARKERS: "1", FAULT_HOLD: "import.before-commit" });
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
    expect(faultPoint("import.rows-written", { rows: 2000, last: "2000" })).toBeUndefined();
    expect(faultPoint("import.rows-written", { rows: 4000, last: "4000" })).toBeUndefined();
    expect(lines).toEqual(["fault-marker import.rows-written rows=2000 last=2000 passage=1\n", "fault-marker import.rows-written rows=4000 last=4000 passage=2\n"]);
  });
});
