/**
 * Backups of either database, and restores into either (README "Backups"):
 *  - a PostgreSQL server: pg_dump's custom format (-Fc);
 *  - the embedded database: a plain SQL dump made by pg_dump compiled to
 *    WebAssembly (@electric-sql/pglite-tools) through the app's own PGlite
 *    instance, so the app keeps running: nothing else may open a data
 *    directory the app holds.
 * Either file restores into either kind of database. The running server
 * makes them on a schedule into BACKUP_DIR and removes old ones
 * (app/domain/backups.ts); `npm run backup` / `npm run restore` are the CLIs.
 */
import { execFile, spawn } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { backupDue, backupFileName, backupsToRemove, type BackupKind, type BackupRetention } from "~/domain/backups";
import { createPgliteDatabase, pgliteClientOf, type Database } from "./db.server";

const run = promisify(execFile);
const MAX_OUTPUT = 1024 * 1024 * 1024;

export function backupKind(db: Database): BackupKind {
  return pgliteClientOf(db) ? "embedded" : "server";
}

/** pg_dump of a server in its custom format (compressed, restorable table by table with pg_restore). */
export async function dumpServer(url: string, file: string) {
  try {
    await run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`, url], { maxBuffer: MAX_OUTPUT });
  } catch (error) {
    throw new Error(`pg_dump failed: ${(error as { stderr?: string }).stderr || error}`);
  }
}

/**
 * A SQL dump of the embedded database through its own PGlite instance,
 * while the app keeps serving. It holds the handle's one connection, so it
 * waits for a transaction under way and requests wait for it (a co-op's
 * database dumps in about a second).
 */
export async function dumpEmbedded(db: Database, file: string) {
  const client = pgliteClientOf(db);
  if (!client) throw new Error("not an embedded database");
  const { pgDump } = await import("@electric-sql/pglite-tools/pg_dump");
  const text = await db.connection().execute(async () => {
    const session = await client.query<{ name: string; setting: string }>("select name, setting from pg_settings where source = 'session'");
    try {
      return await (await pgDump({ pg: client, args: ["--no-owner", "--no-privileges"] })).text();
    } finally {
      // A pg_dump ends its session by leaving; this session is the app's own: end the dump's
      // read-only transaction and put back the settings it changed (search_path, DateStyle...).
      await client.exec("ROLLBACK; RESET ALL;");
      for (const { name, setting } of session.rows) await client.query("select set_config($1, $2, false)", [name, setting]);
    }
  });
  writeFileSync(file, text, { mode: 0o600 });
}

/**
 * A backup of `db` into `file`, readable by its owner only (it holds members'
 * personal data), written beside it first, then renamed: a half-written file
 * is never taken for a backup.
 */
export async function backupDatabase(db: Database, file: string, settings: { DATABASE_URL?: string }) {
  const partial = `${file}.partial`;
  try {
    if (backupKind(db) === "embedded") await dumpEmbedded(db, partial);
    else if (settings.DATABASE_URL) await dumpServer(settings.DATABASE_URL, partial);
    else throw new Error("DATABASE_URL is needed to back up a server");
    chmodSync(partial, 0o600);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

export interface BackupSettings extends BackupRetention {
  dir: string;
  everyHours: number;
  DATABASE_URL?: string;
}

export function backupSettings(e: { BACKUP_DIR?: string; BACKUP_EVERY_HOURS: number; BACKUP_KEEP: number; BACKUP_KEEP_DAYS?: number; DATABASE_URL?: string }): BackupSettings | undefined {
  return e.BACKUP_DIR ? { dir: e.BACKUP_DIR, everyHours: e.BACKUP_EVERY_HOURS, keep: e.BACKUP_KEEP, keepDays: e.BACKUP_KEEP_DAYS, DATABASE_URL: e.DATABASE_URL } : undefined;
}

export interface BackupOutcome {
  file: string;
  removed: string[];
}

/**
 * The scheduled backup: when one is due (or `force`), a new file in the
 * directory, then the old ones past the retention removed. Several servers
 * on one PostgreSQL database take turns through an advisory lock, and the
 * one that gets it looks again whether a backup is still due. Returns
 * undefined when none was due.
 */
export async function runBackup(db: Database, settings: BackupSettings, now: Date, opts: { force?: boolean } = {}): Promise<BackupOutcome | undefined> {
  mkdirSync(settings.dir, { recursive: true, mode: 0o700 });
  const kind = backupKind(db);
  const make = async (): Promise<BackupOutcome | undefined> => {
    if (!opts.force && !backupDue(readdirSync(settings.dir), now, settings.everyHours)) return undefined;
    const file = path.join(settings.dir, backupFileName(kind, now));
    await backupDatabase(db, file, settings);
    const removed = backupsToRemove(readdirSync(settings.dir), now, settings);
    for (const name of removed) rmSync(path.join(settings.dir, name), { force: true });
    return { file, removed };
  };
  if (kind === "embedded") return make();
  return db.transaction().execute(async (trx) => {
    const lock = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(hashtext('coop-register:backup')) as got`.execute(trx);
    return lock.rows[0]?.got ? make() : undefined;
  });
}

/* ------------------------------------------------------------------ restore */

export type BackupFormat = "custom" | "sql" | "datadir";

/** What a backup file holds, from its first bytes: pg_dump's custom format, a SQL script, or (older embedded backups) a gzipped data directory. */
export function backupFormat(file: string): BackupFormat {
  const fd = openSync(file, "r");
  const head = Buffer.alloc(5);
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString("latin1") === "PGDMP") return "custom";
  if (head[0] === 0x1f && head[1] === 0x8b) return "datadir";
  return "sql";
}

/**
 * psql meta-commands newer pg_dump/pg_restore write (`\restrict KEY`,
 * `\unrestrict KEY`) mean nothing to PGlite, and `SET transaction_timeout`
 * (PostgreSQL 17, whose pg_dump the embedded database uses) is unknown
 * to older servers; both only guard the restoring session.
 */
function portableSql(text: string, target: BackupKind): string {
  return text
    .split("\n")
    .filter((line) => !/^\\(un)?restrict\s/.test(line) && !(target === "server" && /^SET transaction_timeout = /.test(line)))
    .join("\n");
}

async function tablesIn(url: string): Promise<number> {
  const { stdout } = await run("psql", ["--no-psqlrc", "-tAc", "select count(*) from pg_tables where schemaname = 'public'", url]);
  return Number(stdout.trim());
}

function pipeInto(command: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed: ${stderr}`))));
    child.stdin.end(input);
  });
}

/**
 * Restores a backup into a PostgreSQL server's database. A custom-format
 * file goes through pg_restore (--clean: over what is there); a SQL dump of
 * the embedded database goes through psql in one transaction, into an empty
 * database (create it with `createdb` first).
 */
export async function restoreIntoServer(url: string, file: string) {
  const format = backupFormat(file);
  if (format === "datadir") throw new Error("a data-directory tarball restores only into the embedded database");
  if (format === "custom") {
    try {
      await run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error", `--dbname=${url}`, file], { maxBuffer: MAX_OUTPUT });
    } catch (error) {
      throw new Error(`pg_restore failed: ${(error as { stderr?: string }).stderr || error}`);
    }
    return;
  }
  if ((await tablesIn(url)) > 0) throw new Error("the database is not empty: restore a SQL backup into a new database (createdb NAME)");
  await pipeInto("psql", ["--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", "-", url], portableSql(readFileSync(file, "utf8"), "server"));
}

type PGliteClient = NonNullable<ReturnType<typeof pgliteClientOf>>;

/**
 * Runs a SQL script in PGlite, where `COPY ... FROM stdin` blocks (as
 * pg_restore writes them) are fed through PGlite's /dev/blob.
 */
async function execScript(client: PGliteClient, text: string) {
  const lines = text.split("\n");
  let statements: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!/^COPY .+ FROM stdin;$/.test(line)) {
      statements.push(line);
      continue;
    }
    if (statements.length) await client.exec(statements.join("\n"));
    statements = [];
    const end = lines.indexOf("\\.", i + 1);
    if (end < 0) throw new Error(`unterminated COPY block: ${line}`);
    const data = lines.slice(i + 1, end).map((l) => `${l}\n`).join("");
    await client.query(line.replace(/FROM stdin;$/, "FROM '/dev/blob';"), [], { blob: new Blob([data]) });
    i = end;
  }
  if (statements.length) await client.exec(statements.join("\n"));
}

/**
 * Restores a backup into a new embedded database in `dataDir` (missing or
 * empty; the app stopped). A custom-format file from a server is turned into
 * SQL by pg_restore first.
 */
export async function restoreIntoEmbedded(dataDir: string, file: string) {
  if (existsSync(dataDir) && readdirSync(dataDir).length) throw new Error(`${dataDir} is not empty: move it aside first`);
  const format = backupFormat(file);
  if (format === "datadir") {
    const { PGlite } = await import("@electric-sql/pglite");
    const legacy = new PGlite({ dataDir, loadDataDir: new Blob([readFileSync(file)]) });
    await legacy.waitReady;
    await legacy.close();
    return;
  }
  let text: string;
  if (format === "custom") {
    try {
      text = (await run("pg_restore", ["--no-owner", "--no-privileges", "--file=-", file], { maxBuffer: MAX_OUTPUT })).stdout;
    } catch (error) {
      throw new Error(`pg_restore failed: ${(error as { stderr?: string }).stderr || error}`);
    }
  } else {
    text = readFileSync(file, "utf8");
  }
  const db = await createPgliteDatabase(dataDir);
  try {
    const client = pgliteClientOf(db)!;
    await client.exec("BEGIN");
    await execScript(client, portableSql(text, "embedded"));
    await client.exec("COMMIT");
  } catch (error) {
    // Nothing half-restored is left behind: the folder was empty, and is again (a second try starts clean).
    await db.destroy().catch(() => {});
    for (const entry of readdirSync(dataDir)) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    throw error;
  }
  await db.destroy();
}

/** A backup of an embedded database the app is not running on (the CLI's case). */
export async function backupEmbeddedDir(dataDir: string, file: string) {
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) throw new Error(`no embedded database at ${dataDir}`);
  const db = await createPgliteDatabase(dataDir);
  try {
    await backupDatabase(db, file, {});
  } finally {
    await db.destroy();
  }
}
