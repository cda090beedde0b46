import { migrateToLatest } from "../db/migrate";
import { getDb } from "../app/utils/db.server";

const db = await getDb();
const results = await migrateToLatest(db);
for (const r of results) console.log(`${r.status === "Success" ? "applied" : r.status}: ${r.migrationName}`);
if (!results.length) console.log("The database is up to date.");
await db.destroy();
