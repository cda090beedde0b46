/**
 * Backups of either database restore into either (README "Backups"). One
 * embedded database with the demo co-ops in it (every area: register,
 * shares, loans, meetings and votes, impact) is backed up while it keeps
 * serving, then travels embedded -> embedded, embedded -> server (the path a
 * growing co-op takes), server -> server and server -> embedded; each copy
 * is compared with the original row by row, table by table, every table,
 * and each must take new rows afterwards (its sequences carried over).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupFileName } from "~/domain/backups";
import { backupFormat, backupKind, restoreIntoEmbedded, restoreIntoServer, runBackup, type BackupSettings } from "~/utils/backups.server";
import { createPgDatabase, createPgliteDatabase, type Database } from "~/utils/db.server";
import { scheduleDailyJobs } from "../../server/jobs";
import { migrateToLatest } from "../../db/migrate";
import { makeOrganisation, makeRegister } from "../../db/factories";
import { LOCAL_SERVER } from "../../db/fresh-database";
import { seed } from "../../scripts/seed";
import { usingPostgres } from "../db";

/** A value as text, the same from either driver (bigint, Date, bytea, json, arrays). */
function normal(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (Array.isArray(v)) return v.map(normal);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, normal(x)]));
  return v;
}

/** Every row of every table (sorted), and every sequence's position: two databases agree iff these are equal. */
async function snapshot(db: Database) {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const rows: Record<string, string[]> = {};
  for (const { table_name } of tables.rows) {
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(table_name)}`.execute(db);
    rows[table_name] = result.rows.map((r) => JSON.stringify(normal(r))).sort();
  }
  const sequences = await sql<{ sequencename: string; last_value: unknown }>`
    select sequencename, last_value from pg_sequences where schemaname = 'public' order by sequencename`.execute(db);
  return { rows, sequences: sequences.rows.map((s) => `${s.sequencename}=${s.last_value ?? "unused"}`) };
}

/** Each column a sequence fills gets, from the sequence, a value above every one already there. */
async function expectSequencesAhead(db: Database) {
  const owned = await sql<{ seq: string; tbl: string; col: string }>`
    select s.relname as seq, t.relname as tbl, a.attname as col
    from pg_class s
    join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
    join pg_class t on t.oid = d.refobjid
    join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
    join pg_namespace n on n.oid = s.relnamespace
    where s.relkind = 'S' and n.nspname = 'public' order by 1`.execute(db);
  expect(owned.rows.length).toBeGreaterThan(3);
  for (const { seq, tbl, col } of owned.rows) {
    const max = await sql<{ max: unknown }>`select max(${sql.ref(col)})::text as max from ${sql.table(tbl)}`.execute(db);
    const next = await sql<{ next: unknown }>`select nextval(${`public.${seq}`}::regclass)::text as next`.execute(db);
    expect(BigInt(String(next.rows[0].next)), `${seq} after ${tbl}.${col}`).toBeGreaterThan(BigInt(String(max.rows[0].max ?? 0)));
  }
}

/** New rows in a restored database: an organisation with a register (members, status history, audit trail). */
async function expectTakesNewRows(db: Database) {
  await migrateToLatest(db); // nothing to do: the migrations' own table came across too
  const org = await makeOrganisation(db);
  await makeRegister(db, org.id, { count: 5, seed: 11, localDistricts: ["PR1"], otherDistricts: ["BB2"], localShare: 0.8, localArea: ["PR1"], from: "2024-01-01", to: "2026-01-01" });
  const members = await db.selectFrom("members").where("organisation_id", "=", org.id).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  expect(Number(members.n)).toBe(5);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const serverUrl = process.env.DATABASE_URL ?? LOCAL_SERVER;

/** An empty database on the PostgreSQL server (no migrations: a restore brings the schema). */
async function emptyServerDatabase(label: string) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `coop_backup_${label}_${Date.now().toString(36)}_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

describe("backup and restore", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "coop-backup-"));
  const backupDir = path.join(dir, "backups");
  const now = new Date("2026-12-02T03:00:00Z");
  let live: Database;
  let original: Awaited<ReturnType<typeof snapshot>>;
  let sqlBackup: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    live = await createPgliteDatabase(path.join(dir, "live"));
    await migrateToLatest(live);
    await seed(live, () => {});
    await scheduleDailyJobs(live, now);
  }, 300_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await live?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("backs up the embedded database on schedule while the app keeps serving, and keeps the newest N", async () => {
    expect(backupKind(live)).toBe("embedded");
    const settings: BackupSettings = { dir: backupDir, everyHours: 24, keep: 3 };
    // Older backups in the directory (and a file that is not one): the newest 3 stay.
    mkdirSync(backupDir, { recursive: true });
    const old = [1, 2, 3, 4].map((days) => backupFileName("embedded", new Date(now.getTime() - days * 86_400_000 - 3_600_000)));
    for (const name of [...old, "notes.txt"]) writeFileSync(path.join(backupDir, name), "-- old\n");

    const searchPath = (await sql<{ search_path: string }>`show search_path`.execute(live)).rows[0].search_path;
    // A transaction is under way when the backup starts, and a read comes in while it runs.
    let inTransaction: string[] = [];
    const writing = live.transaction().execute(async (trx) => {
      const a = await makeOrganisation(trx, { name: "Written before the dump" });
      await sleep(300);
      const b = await makeOrganisation(trx, { name: "Written before the dump too" });
      inTransaction = [a.id, b.id];
    });
    await sleep(20);
    const backingUp = runBackup(live, settings, now);
    const reading = live.selectFrom("organisations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const [, made, read] = await Promise.all([writing, backingUp, reading]);
    expect(Number(read.n)).toBeGreaterThanOrEqual(2);
    expect(made?.file).toBe(path.join(backupDir, "coop-2026-12-02T03-00-00Z.sql"));
    expect(made?.removed.sort()).toEqual(old.slice(2).sort());
    expect(readdirSync(backupDir).sort()).toEqual(["coop-2026-12-02T03-00-00Z.sql", ...old.slice(0, 2), "notes.txt"].sort());
    sqlBackup = made!.file;
    expect(statSync(sqlBackup).mode & 0o777).toBe(0o600); // members' personal data: the owner only
    expect(backupFormat(sqlBackup)).toBe("sql");

    // Not due again within the interval; due (and made) once it has passed, and the oldest then goes.
    expect(await runBackup(live, settings, new Date(now.getTime() + 23 * 3_600_000))).toBeUndefined();
    const next = await runBackup(live, settings, new Date(now.getTime() + 24 * 3_600_000));
    expect(next?.file).toBe(path.join(backupDir, "coop-2026-12-03T03-00-00Z.sql"));
    expect(next?.removed).toEqual([old[1]]);
    expect(backupFormat(next!.file)).toBe("sql");

    // The app's database still serves, writable, with its search path intact (the dump sets its own).
    expect((await sql<{ search_path: string }>`show search_path`.execute(live)).rows[0].search_path).toBe(searchPath);
    const after = await makeOrganisation(live, { name: "Written after the dump" });
    expect(await live.selectFrom("organisations").where("id", "in", [...inTransaction, after.id]).select("name").orderBy("name").execute()).toHaveLength(3);

    // The dump is the database as it was at its start: with the finished transaction, without the later write.
    const copy = path.join(dir, "embedded-copy");
    await restoreIntoEmbedded(copy, sqlBackup);
    const restored = await createPgliteDatabase(copy);
    try {
      const names = (await restored.selectFrom("organisations").select("id").execute()).map((o) => o.id);
      expect(names).toEqual(expect.arrayContaining(inTransaction));
      expect(names).not.toContain(after.id);
    } finally {
      await restored.destroy();
    }
    // Later tests compare against the database as the backup holds it.
    await live.deleteFrom("organisations").where("id", "=", after.id).execute();
    original = await snapshot(live);
  }, 120_000);

  it("restores the embedded backup into a new embedded database, row by row", async () => {
    const copyDir = path.join(dir, "embedded-restored");
    await restoreIntoEmbedded(copyDir, sqlBackup);
    const copy = await createPgliteDatabase(copyDir);
    try {
      const restored = await snapshot(copy);
      expect(Object.keys(restored.rows)).toHaveLength(Object.keys(original.rows).length);
      expect(original.rows.members.length).toBeGreaterThan(300);
      expect(original.rows.share_transactions.length).toBeGreaterThan(100);
      expect(restored).toEqual(original);
      await expectSequencesAhead(copy);
      await expectTakesNewRows(copy);
    } finally {
      await copy.destroy();
    }
    await expect(restoreIntoEmbedded(copyDir, sqlBackup)).rejects.toThrow(/not empty/);

    // A damaged file (cut short) is refused as a whole, and leaves the folder empty for another try.
    const cut = path.join(dir, "cut-short.sql");
    const whole = readFileSync(sqlBackup, "utf8");
    writeFileSync(cut, whole.slice(0, whole.indexOf("INSERT INTO public.members ")) + "INSERT INTO public.members (id) VALUES (");
    const failedDir = path.join(dir, "failed-restore");
    await expect(restoreIntoEmbedded(failedDir, cut)).rejects.toThrow();
    expect(statSync(failedDir).isDirectory() && readdirSync(failedDir)).toEqual([]);
  }, 120_000);

  describe.skipIf(!usingPostgres())("with a PostgreSQL server", () => {
    let serverBackup: string;

    it("restores the embedded backup into a PostgreSQL server (a co-op outgrowing the embedded database), row by row", async () => {
      const target = await emptyServerDatabase("grown");
      cleanups.push(target.drop);
      await restoreIntoServer(target.url, sqlBackup);
      const server = createPgDatabase(target.url, 2);
      try {
        expect(backupKind(server)).toBe("server");
        expect(await snapshot(server)).toEqual(original);

        // The server then backs itself up on its own schedule, in pg_dump's custom format.
        const made = await runBackup(server, { dir: path.join(dir, "server-backups"), everyHours: 24, keep: 14, DATABASE_URL: target.url }, now);
        serverBackup = made!.file;
        expect(path.basename(serverBackup)).toBe("coop-2026-12-02T03-00-00Z.dump");
        expect(backupFormat(serverBackup)).toBe("custom");

        await expectSequencesAhead(server);
        await expectTakesNewRows(server);
      } finally {
        await server.destroy();
      }
      // A SQL backup goes only into an empty database.
      await expect(restoreIntoServer(target.url, sqlBackup)).rejects.toThrow(/not empty/);
    }, 180_000);

    it("restores the server's backup into another server database, row by row", async () => {
      const target = await emptyServerDatabase("copy");
      cleanups.push(target.drop);
      await restoreIntoServer(target.url, serverBackup);
      const server = createPgDatabase(target.url, 2);
      try {
        expect(await snapshot(server)).toEqual(original);
        await expectSequencesAhead(server);
        await expectTakesNewRows(server);
      } finally {
        await server.destroy();
      }
    }, 120_000);

    it("restores the server's backup into a new embedded database, row by row", async () => {
      const copyDir = path.join(dir, "from-server");
      await restoreIntoEmbedded(copyDir, serverBackup);
      const copy = await createPgliteDatabase(copyDir);
      try {
        expect(await snapshot(copy)).toEqual(original);
        await expectSequencesAhead(copy);
        await expectTakesNewRows(copy);
      } finally {
        await copy.destroy();
      }
    }, 120_000);
  });
});
