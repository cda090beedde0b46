/**
 * The integration suite again, on the real PostgreSQL server: a fresh
 * database per run (created, migrated, used, dropped), so runs never see
 * each other's rows. DATABASE_URL names the server (any database on it);
 * default: the local server at 127.0.0.1:5432 as user postgres.
 */
import { spawnSync } from "node:child_process";
import { createFreshDatabase, LOCAL_SERVER } from "../db/fresh-database";

const fresh = await createFreshDatabase(process.env.TEST_PG_URL ?? process.env.DATABASE_URL ?? LOCAL_SERVER, "coop_test", 1);
let status = 1;
try {
  // Files or filters given on the command line narrow the run; without them, the whole integration folder.
  // --verify-ledger: afterwards, check every organisation's money invariants in that database (ledger:verify).
  const verify = process.argv.includes("--verify-ledger");
  const args = process.argv.slice(2).filter((a) => a !== "--verify-ledger");
  const narrowed = args.some((a) => !a.startsWith("-"));
  const run = spawnSync("npx", ["vitest", "run", ...(narrowed ? [] : ["tests/integration"]), ...args], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: fresh.url },
  });
  status = run.status ?? 1;
  if (verify) {
    const { verifyAllLedgers } = await import("./ledger-verify");
    const broken = await verifyAllLedgers(fresh.db);
    if (broken) status = status || 1;
  }
} finally {
  await fresh.drop();
}
process.exit(status);
