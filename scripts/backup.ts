/**
 * `npm run backup [FILE]`: a backup of the configured database now (README "Backups").
 * A server: pg_dump's custom format. The embedded database: a SQL dump; while
 * the app runs on it, the app makes it (send it SIGUSR2), since nothing else
 * may open its data directory.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { backupFileName } from "../app/domain/backups";
import { backupEmbeddedDir, dumpServer } from "../app/utils/backups.server";
import { env } from "../app/utils/env.server";

const settings = env();
const args = process.argv.slice(2);
const force = args.includes("--force");
const kind = settings.DATABASE_URL ? "server" : "embedded";
const file = args.find((a) => !a.startsWith("--")) ?? path.join(settings.BACKUP_DIR ?? "backups", backupFileName(kind, new Date()));
mkdirSync(path.dirname(file), { recursive: true });
if (settings.DATABASE_URL) {
  await dumpServer(settings.DATABASE_URL, file);
} else {
  // PGlite leaves postmaster.pid in a data directory it has open.
  if (existsSync(path.join(settings.PGLITE_DIR, "postmaster.pid")) && !force) {
    console.error(
      `The embedded database in ${settings.PGLITE_DIR} looks open (the app is running?): a second process must not open it.\n` +
        `Ask the running app for a backup instead: kill -USR2 <its pid> (it writes one into BACKUP_DIR).\n` +
        `If the app is certainly stopped (it crashed), run again with --force.`,
    );
    process.exit(1);
  }
  await backupEmbeddedDir(settings.PGLITE_DIR, file);
}
console.log(`Backup written to ${file}`);
