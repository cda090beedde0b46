/**
 * Backup files: their names, when the next one is due, and which old ones
 * go (README "Backups"). Pure: the instant is passed in.
 *
 * A backup's name carries the UTC instant it was taken and its kind:
 * `coop-2026-12-02T03-00-00Z.dump` (pg_dump's custom format, from a server)
 * or `coop-2026-12-02T03-00-00Z.sql` (a SQL dump of the embedded database).
 * Files that do not look like that are never touched.
 */
export type BackupKind = "server" | "embedded";

export const BACKUP_EXTENSION: Record<BackupKind, string> = { server: "dump", embedded: "sql" };

const NAME = /^coop-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.(dump|sql)$/;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export function backupFileName(kind: BackupKind, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, "-");
  return `coop-${stamp}Z.${BACKUP_EXTENSION[kind]}`;
}

/** When the backup named so was taken; undefined for any other file. */
export function backupTakenAt(name: string): Date | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const at = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(at.getTime()) || backupFileName(m[7] === "dump" ? "server" : "embedded", at) !== name ? undefined : at;
}

/** The backups among `names`, newest first. */
export function backupsNewestFirst(names: readonly string[]): { name: string; at: Date }[] {
  return names
    .flatMap((name) => {
      const at = backupTakenAt(name);
      return at ? [{ name, at }] : [];
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.name < b.name ? 1 : -1));
}

/** Whether a backup is due: none yet, or the newest is at least `everyHours` old. */
export function backupDue(names: readonly string[], now: Date, everyHours: number): boolean {
  const newest = backupsNewestFirst(names)[0];
  return !newest || now.getTime() - newest.at.getTime() >= everyHours * HOUR_MS;
}

export interface BackupRetention {
  /** How many of the newest backups are kept (at least 1). */
  keep: number;
  /** If set, backups older than this many days go too, except the newest. */
  keepDays?: number;
}

/**
 * The backups to remove: all but the newest `keep`, and (with `keepDays`)
 * any older than that many days. The newest backup always stays, however
 * old, so a stopped schedule never leaves nothing to restore.
 */
export function backupsToRemove(names: readonly string[], now: Date, policy: BackupRetention): string[] {
  const keep = Math.max(1, Math.floor(policy.keep));
  return backupsNewestFirst(names)
    .filter(({ at }, i) => i >= keep || (i > 0 && policy.keepDays !== undefined && now.getTime() - at.getTime() > policy.keepDays * DAY_MS))
    .map(({ name }) => name);
}
