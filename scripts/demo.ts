/** `npm run demo`: migrate, seed once, print the logins, serve. */
import { migrateToLatest } from "../db/migrate";
import { getDb } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";
import { printLogins, seed } from "./seed";
import { startServer } from "../server/server";

// The demo lists the mail it sends at /dev/mail: a development page, shown only with DEV_TOOLS=true.
if (process.env.NODE_ENV !== "production") process.env.DEV_TOOLS ??= "true";
try {
  env();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const db = await getDb();
await migrateToLatest(db);
await seed(db);
printLogins();
await startServer();
if (env().DEV_TOOLS) console.log("Mail the app sends is listed at http://localhost:" + env().PORT + "/dev/mail");
