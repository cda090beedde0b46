import { describe, expect, it } from "vitest";
import { backupDue, backupFileName, backupsNewestFirst, backupsToRemove, backupTakenAt } from "./backups";

const now = new Date("2026-12-02T03:00:00Z");
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
/** One embedded backup a day at 03:00 for `days` days, newest first. */
const daily = (days: number) => Array.from({ length: days }, (_, i) => backupFileName("embedded", hoursAgo(24 * i)));

describe("backup file names", () => {
  it("carry the UTC instant and the kind, and read back", () => {
    expect(backupFileName("server", now)).toBe("coop-2026-12-02T03-00-00Z.dump");
    expect(backupFileName("embedded", new Date("2026-01-09T23:59:58.900Z"))).toBe("coop-2026-01-09T23-59-58Z.sql");
    expect(backupTakenAt("coop-2026-12-02T03-00-00Z.dump")).toEqual(now);
    expect(backupTakenAt("coop-2026-12-02T03-00-00Z.sql")).toEqual(now);
  });

  it("are the only files counted: other files, half-written ones and impossible dates are not backups", () => {
    for (const name of ["notes.txt", "coop-2026-12-02T03-00-00Z.sql.partial", "coop-2026-12-02T03-00-00Z.tar.gz", "coop-2026-02-30T03-00-00Z.sql", "xcoop-2026-12-02T03-00-00Z.sql"]) {
      expect(backupTakenAt(name)).toBeUndefined();
    }
    expect(backupsNewestFirst(["notes.txt", "coop-2026-12-01T03-00-00Z.sql", "coop-2026-12-02T03-00-00Z.dump"]).map((b) => b.name)).toEqual([
      "coop-2026-12-02T03-00-00Z.dump",
      "coop-2026-12-01T03-00-00Z.sql",
    ]);
  });
});

describe("when a backup is due", () => {
  it("is due when there is none, and once the newest is as old as the interval", () => {
    expect(backupDue([], now, 24)).toBe(true);
    expect(backupDue(["readme.txt"], now, 24)).toBe(true);
    expect(backupDue([backupFileName("embedded", hoursAgo(23.9))], now, 24)).toBe(false);
    expect(backupDue([backupFileName("embedded", hoursAgo(24))], now, 24)).toBe(true);
    expect(backupDue([backupFileName("server", hoursAgo(30)), backupFileName("server", hoursAgo(2))], now, 6)).toBe(false);
    expect(backupDue([backupFileName("server", hoursAgo(30)), backupFileName("server", hoursAgo(2))], now, 1)).toBe(true);
  });
});

describe("which backups go", () => {
  it("keeps the newest N and removes the older ones", () => {
    const files = daily(20);
    const removed = backupsToRemove(files, now, { keep: 14 });
    expect(removed).toEqual(files.slice(14));
    expect(backupsToRemove(files.slice(0, 14), now, { keep: 14 })).toEqual([]);
  });

  it("with a number of days, removes older ones too, but never the newest", () => {
    const files = daily(10);
    expect(backupsToRemove(files, now, { keep: 30, keepDays: 7 })).toEqual(files.slice(8));
    // The schedule stopped a month ago: the last backup stays.
    const stale = [backupFileName("embedded", hoursAgo(24 * 40)), backupFileName("embedded", hoursAgo(24 * 41))];
    expect(backupsToRemove(stale, now, { keep: 14, keepDays: 7 })).toEqual([stale[1]]);
  });

  it("never removes files that are not backups, and keeps at least one whatever the setting", () => {
    const files = [...daily(3), "notes.txt", "coop-2026-12-02T03-00-00Z.sql.partial"];
    expect(backupsToRemove(files, now, { keep: 0 })).toEqual(files.slice(1, 3));
  });
});
