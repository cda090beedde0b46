/** `npm run restore FILE`: restores a backup made by `npm run backup` into the configured database. */
import { env } from "../app/utils/env.server";
import { restoreEmbedded, restoreServer } from "./backup-lib";

const file = process.argv[2];
if (!file) {
  console.error("Usage: npm run restore FILE");
  process.exit(2);
}
const settings = env();
if (settings.DATABASE_URL) restoreServer(settings.DATABASE_URL, file);
else await restoreEmbedded(settings.PGLITE_DIR, file);
console.log(`Restored ${file}`);
