import { describe, expect, it } from "vitest";
import { backupSettings } from "./backups.server";
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

describe("backup settings (BACKUP_DIR, BACKUP_EVERY_HOURS, BACKUP_KEEP, BACKUP_KEEP_DAYS)", () => {
  it("makes no scheduled backups unless BACKUP_DIR is set; then daily, keeping the newest 14", () => {
    const unset = parseEnv({});
    expect(unset.BACKUP_DIR).toBeUndefined();
    expect(backupSettings(unset)).toBeUndefined();
    expect(backupSettings(parseEnv({ BACKUP_DIR: "/var/backups/coop" }))).toEqual({ dir: "/var/backups/coop", everyHours: 24, keep: 14, keepDays: undefined, DATABASE_URL: undefined });
    expect(backupSettings(parseEnv({ BACKUP_DIR: "b", BACKUP_EVERY_HOURS: "6", BACKUP_KEEP: "28", BACKUP_KEEP_DAYS: "7" }))).toMatchObject({ everyHours: 6, keep: 28, keepDays: 7 });
  });

  it("refuses bad values, naming the setting", () => {
    expect(() => parseEnv({ BACKUP_EVERY_HOURS: "0" })).toThrow(/BACKUP_EVERY_HOURS/);
    expect(() => parseEnv({ BACKUP_KEEP: "0" })).toThrow(/BACKUP_KEEP/);
    expect(() => parseEnv({ BACKUP_KEEP: "two" })).toThrow(/BACKUP_KEEP: must be a number of backups/);
    expect(() => parseEnv({ BACKUP_KEEP_DAYS: "1.5" })).toThrow(/BACKUP_KEEP_DAYS: must be a whole number of days/);
  });
});
