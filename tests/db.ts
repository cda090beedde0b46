/**
 * One database per test worker: in-memory PGlite by default (a new PGlite
 * takes seconds to start, so it is shared), or the real server when
 * DATABASE_URL is set (scripts/test-pg.ts makes a fresh database per run).
 * Tests stay apart by making their own organisation: tenancy is isolation.
 */
import { createPgDatabase, createPgliteDatabase, setDb, type Database } from "../app/utils/db.server";
import { migrateToLatest } from "../db/migrate";

declare global {
  var __testDb: Promise<Database> | undefined;
}

export function testDb(): Promise<Database> {
  globalThis.__testDb ??= (async () => {
    const url = process.env.DATABASE_URL;
    const db = url ? createPgDatabase(url, 20) : await createPgliteDatabase();
    if (!url) await migrateToLatest(db);
    setDb(db);
    return db;
  })();
  return globalThis.__testDb;
}

export const usingPostgres = () => !!process.env.DATABASE_URL;
