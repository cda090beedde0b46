import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createPgDatabase, createPgliteDatabase, type Database } from "~/utils/db.server";
import { migrateToLatest } from "../../db/migrate";
import { makeRegister, makeOrganisation } from "../../db/factories";
import { backupEmbedded, backupServer, restoreEmbedded, restoreServer } from "../../scripts/backup-lib";
import { testDb, usingPostgres } from "../db";

/** Every row of every organisation-owned table, as sorted JSON: two databases agree iff these are equal. */
async function snapshot(db: Database, organisationId: string) {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where column_name = 'organisation_id' and table_schema = 'public'
    order by table_name`.execute(db);
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table_name)} where organisation_id = ${organisationId}`.execute(db);
    out[table_name] = rows.rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).sort();
  }
  return out;
}

async function fillOrganisation(db: Database) {
  const org = await makeOrganisation(db);
  await makeRegister(db, org.id, { count: 25, seed: 7, localDistricts: ["PR1"], otherDistricts: ["BB2"], localShare: 0.7, localArea: ["PR1"], from: "2020-01-01", to: "2026-01-01" });
  return org;
}

describe("backup and restore", () => {
  it("restores an embedded database with the same register and audit trail", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "coop-backup-"));
    try {
      const source = await createPgliteDatabase(path.join(dir, "source"));
      await migrateToLatest(source);
      const org = await fillOrganisation(source);
      const before = await snapshot(source, org.id);
      await source.destroy();

      const file = path.join(dir, "backup.tar.gz");
      await backupEmbedded(path.join(dir, "source"), file);
      await restoreEmbedded(path.join(dir, "restored"), file);
      const restored = await createPgliteDatabase(path.join(dir, "restored"));
      const after = await snapshot(restored, org.id);
      await restored.destroy();
      expect(before.members).toHaveLength(25);
      expect(before.audit_events.length).toBeGreaterThanOrEqual(25);
      expect(after).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.skipIf(!usingPostgres())("restores a server database from pg_dump's format", async () => {
    const db = await testDb();
    const org = await fillOrganisation(db);
    const before = await snapshot(db, org.id);
    const dir = mkdtempSync(path.join(tmpdir(), "coop-backup-"));
    const url = new URL(process.env.DATABASE_URL!);
    const copyName = `${url.pathname.slice(1)}_restore`;
    const copyUrl = new URL(url);
    copyUrl.pathname = `/${copyName}`;
    await sql.raw(`create database ${copyName}`).execute(db);
    try {
      const file = path.join(dir, "backup.dump");
      backupServer(url.toString(), file);
      restoreServer(copyUrl.toString(), file);
      const copy = createPgDatabase(copyUrl.toString(), 2);
      const after = await snapshot(copy, org.id);
      await copy.destroy();
      expect(after).toEqual(before);
    } finally {
      await sql.raw(`drop database if exists ${copyName} with (force)`).execute(db);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
