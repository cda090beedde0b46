/** `npm run backup [FILE]`: a backup of the configured database (see scripts/backup-lib.ts). */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { env } from "../app/utils/env.server";
import { backupEmbedded, backupServer } from "./backup-lib";

const settings = env();
// A file name stamp (UTC instant), not a business date.
// eslint-disable-next-line no-restricted-syntax
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const file = process.argv[2] ?? path.join("backups", `coop-${stamp}.${settings.DATABASE_URL ? "dump" : "tar.gz"}`);
mkdirSync(path.dirname(file), { recursive: true });
if (settings.DATABASE_URL) backupServer(settings.DATABASE_URL, file);
else await backupEmbedded(settings.PGLITE_DIR, file);
console.log(`Backup written to ${file}`);
