import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

describe("operations settings (HOST, LOG_LEVEL, SHUTDOWN_GRACE_SECONDS, METRICS_TOKEN)", () => {
  it("listens on 127.0.0.1 unless told, logs at info, gives jobs 8 s to finish, serves no /metrics", () => {
    expect(parseEnv({})).toMatchObject({ HOST: "127.0.0.1", LOG_LEVEL: "info", SHUTDOWN_GRACE_SECONDS: 8 });
    expect(parseEnv({}).METRICS_TOKEN).toBeUndefined();
  });

  it("takes 0.0.0.0 (containers) and other addresses", () => {
    expect(parseEnv({ HOST: "0.0.0.0" }).HOST).toBe("0.0.0.0");
    expect(parseEnv({ HOST: "::" }).HOST).toBe("::");
    expect(parseEnv({ HOST: "app.internal" }).HOST).toBe("app.internal");
  });

  it("refuses bad values, naming the setting", () => {
    expect(() => parseEnv({ HOST: "http://0.0.0.0" })).toThrow(/HOST: must be an IP address or host name/);
    expect(() => parseEnv({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL/);
    expect(() => parseEnv({ SHUTDOWN_GRACE_SECONDS: "-1" })).toThrow(/SHUTDOWN_GRACE_SECONDS/);
    expect(() => parseEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });
});
