import { describe, expect, it } from "vitest";
import { devToolsEnabled, EnvError, parseEnv } from "./env.server";

const PG = "postgres://coop@db.example/coop";

describe("settings", () => {
  it("serves the development pages only with DEV_TOOLS=true", () => {
    expect(devToolsEnabled(parseEnv({}))).toBe(false); // NODE_ENV unset, as with `node build/server.js`
    expect(devToolsEnabled(parseEnv({ NODE_ENV: "development" }))).toBe(false);
    expect(devToolsEnabled(parseEnv({ DEV_TOOLS: "false" }))).toBe(false);
    expect(devToolsEnabled(parseEnv({ DEV_TOOLS: "true" }))).toBe(true);
    expect(devToolsEnabled(parseEnv({ DEV_TOOLS: "true", NODE_ENV: "test" }))).toBe(true);
  });

  it("refuses DEV_TOOLS=true in production, naming the setting", () => {
    expect(() => parseEnv({ NODE_ENV: "production", DATABASE_URL: PG, DEV_TOOLS: "true" })).toThrow(EnvError);
    expect(() => parseEnv({ NODE_ENV: "production", DATABASE_URL: PG, DEV_TOOLS: "true" })).toThrow(/DEV_TOOLS: cannot be true when NODE_ENV=production/);
    expect(devToolsEnabled(parseEnv({ NODE_ENV: "production", DATABASE_URL: PG, DEV_TOOLS: "false" }))).toBe(false);
    // Even a hand-built setting object (not through parseEnv) never turns them on in production.
    expect(devToolsEnabled({ DEV_TOOLS: true, NODE_ENV: "production" })).toBe(false);
  });

  it("keeps the fault markers off unless FAULT_MARKERS=1, and refuses them in production", () => {
    expect(parseEnv({}).FAULT_MARKERS).toBe(false);
    expect(parseEnv({ FAULT_MARKERS: "1", FAULT_HOLD: "import.rows-written@2" })).toMatchObject({ FAULT_MARKERS: true, FAULT_HOLD: "import.rows-written@2" });
    expect(() => parseEnv({ NODE_ENV: "production", DATABASE_URL: PG, FAULT_MARKERS: "1" })).toThrow(/FAULT_MARKERS: cannot be 1 when NODE_ENV=production/);
    expect(() => parseEnv({ FAULT_HOLD: "import rows" })).toThrow(/FAULT_HOLD: must be a marker name/);
  });

  it("refuses a value other than true or false, naming the setting", () => {
    expect(() => parseEnv({ DEV_TOOLS: "yes" })).toThrow(/DEV_TOOLS: must be true or false/);
    expect(() => parseEnv({ ALLOW_EMBEDDED_DB: "1" })).toThrow(/ALLOW_EMBEDDED_DB: must be true or false/);
  });

  it("refuses to run production on the embedded database unless ALLOW_EMBEDDED_DB=true, with a message naming the settings", () => {
    let message = "";
    try {
      parseEnv({ NODE_ENV: "production" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL: is not set/);
    expect(message).toContain("ALLOW_EMBEDDED_DB=true");
    expect(parseEnv({ NODE_ENV: "production", ALLOW_EMBEDDED_DB: "true" }).ALLOW_EMBEDDED_DB).toBe(true);
    expect(parseEnv({ NODE_ENV: "production", DATABASE_URL: PG }).DATABASE_URL).toBe(PG);
    // Outside production the embedded database is the default, as before.
    expect(parseEnv({}).DATABASE_URL).toBeUndefined();
    expect(parseEnv({ NODE_ENV: "test" }).ALLOW_EMBEDDED_DB).toBe(false);
  });
});
