/**
 * `npm run restore FILE`: restores a backup (either kind: pg_dump's custom
 * format from a server, or a SQL dump of the embedded database) into the
 * configured database: DATABASE_URL (custom format: over what is there;
 * SQL: into an empty database), or a new embedded database in PGLITE_DIR
 * (missing or empty; the app stopped). README "Backups".
 */
import { restoreIntoEmbedded, restoreIntoServer } from "../app/utils/backups.server";
import { env } from "../app/utils/env.server";

const file = process.argv[2];
if (!file) {
  console.error("Usage: npm run restore FILE");
  process.exit(2);
}
const settings = env();
try {
  if (settings.DATABASE_URL) await restoreIntoServer(settings.DATABASE_URL, file);
  else await restoreIntoEmbedded(settings.PGLITE_DIR, file);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
console.log(`Restored ${file} into ${settings.DATABASE_URL ? "the PostgreSQL database" : settings.PGLITE_DIR}`);
