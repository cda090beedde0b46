/**
 * Backups of either database:
 *  - a PostgreSQL server: pg_dump's custom format (-Fc), restored with
 *    pg_restore into an empty database (or over an existing one, --clean);
 *  - embedded PGlite: its data directory as a gzipped tarball (PGlite's own
 *    dumpDataDir), restored into an empty directory.
 * The embedded database belongs to one process: stop the app before backing
 * it up or restoring it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";

export function backupServer(url: string, file: string) {
  const run = spawnSync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`, url], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`pg_dump failed: ${run.stderr || run.error}`);
}

export function restoreServer(url: string, file: string) {
  const run = spawnSync("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error", `--dbname=${url}`, file], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`pg_restore failed: ${run.stderr || run.error}`);
}

export async function backupEmbedded(dataDir: string, file: string) {
  if (!existsSync(dataDir)) throw new Error(`no embedded database at ${dataDir}`);
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite({ dataDir });
  await db.waitReady;
  const blob = await db.dumpDataDir("gzip");
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  await db.close();
}

export async function restoreEmbedded(dataDir: string, file: string) {
  if (existsSync(dataDir) && readdirSync(dataDir).length) throw new Error(`${dataDir} is not empty: move it aside first`);
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite({ dataDir, loadDataDir: new Blob([readFileSync(file)]) });
  await db.waitReady;
  await db.close();
}
