/**
 * The integration suite again, on the real PostgreSQL server: a fresh
 * database per run (created, migrated, used, dropped), so runs never see
 * each other's rows. DATABASE_URL names the server (any database on it);
 * default: the local server at 127.0.0.1:5432 as user postgres.
 */
import { spawnSync } from "node:child_process";
import pg from "pg";
import { createPgDatabase } from "../app/utils/db.server";
import { migrateToLatest } from "../db/migrate";

const server = new URL(process.env.TEST_PG_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
const name = `coop_test_${Date.now().toString(36)}_${process.pid}`;
const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
let status = 1;
try {
  const db = createPgDatabase(url.toString());
  await migrateToLatest(db);
  await db.destroy();
  const extra = process.argv.slice(2);
  const run = spawnSync("npx", ["vitest", "run", "tests/integration", ...extra], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url.toString() },
  });
  status = run.status ?? 1;
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
process.exit(status);
