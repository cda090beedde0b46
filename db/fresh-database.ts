import pg from "pg";
import { createPgDatabase, type Database } from "../app/utils/db.server";
import { migrateToLatest } from "./migrate";

export const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * A new, migrated database on a PostgreSQL server, for one run of the
 * Postgres suite, the bench or the fault tests, so runs never see each
 * other's rows. `drop()` closes the handle and removes the database.
 * Throws if the server does not answer (callers may fall back to PGlite).
 */
export async function createFreshDatabase(serverUrl: string, prefix: string, poolSize = 10): Promise<{ name: string; url: string; db: Database; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  const name = `${prefix}_${Date.now().toString(36)}_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createPgDatabase(url.toString(), poolSize);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    throw error;
  }
  return {
    name,
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
