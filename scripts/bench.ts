/**
 * `npm run bench`: every speed figure the issues name, on generated data of
 * the named sizes, printed as one table (figure, target, measured, pass).
 * Runs on the real PostgreSQL server in a fresh database (BENCH_DATABASE_URL,
 * DATABASE_URL, or the local server at 127.0.0.1:5432), falling back to
 * embedded PGlite when no server answers; every row of the table says which
 * database it ran on. Sections: scripts/bench/*.ts.
 * `npm run bench -- shares lending` runs only the named sections.
 */
import { sql } from "kysely";
import { createPgliteDatabase, setDb, type Database } from "../app/utils/db.server";
import { createFreshDatabase, LOCAL_SERVER } from "../db/fresh-database";
import { migrateToLatest } from "../db/migrate";
import type { BenchRow, BenchSection } from "./bench/types";

const SECTIONS = ["shares", "governance", "lending", "impact", "books", "treasury", "pages"] as const;

async function loadSection(name: string): Promise<BenchSection | null> {
  try {
    const mod = (await import(`./bench/${name}.ts`)) as { bench?: BenchSection };
    return mod.bench ?? null;
  } catch (error) {
    console.error(`section ${name} could not be loaded: ${error instanceof Error ? error.message : error}`);
    return null;
  }
}

async function openDatabase(): Promise<{ db: Database; postgres: boolean; cleanup: () => Promise<void> }> {
  let fresh;
  try {
    fresh = await createFreshDatabase(process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? LOCAL_SERVER, "coop_bench", 16);
  } catch {
    console.log("No PostgreSQL server answered: measuring on embedded PGlite (the targets are for the real server).");
    const db = await createPgliteDatabase();
    await migrateToLatest(db);
    return { db, postgres: false, cleanup: () => db.destroy() };
  }
  // Sections compare against raw `pg` on the same database.
  process.env.BENCH_URL = fresh.url;
  process.env.DATABASE_URL = fresh.url;
  console.log(`Measuring on PostgreSQL (fresh database ${fresh.name}).`);
  return { db: fresh.db, postgres: true, cleanup: fresh.drop };
}

/*
 * Between sections, on the real server: vacuum and checkpoint what the last
 * section wrote (a million members, say), so autovacuum and the checkpointer
 * do not run during the next section's measurements. Each section then
 * starts on a quiet database, whatever ran before it.
 */
async function settle(db: Database) {
  const started = performance.now();
  await sql`VACUUM (ANALYZE)`.execute(db);
  await sql`CHECKPOINT`.execute(db);
  console.log(`  (database vacuumed and checkpointed for the next section: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

function printTable(rows: BenchRow[]) {
  const head = ["figure", "database", "target", "measured", "pass"];
  const cells = rows.map((r) => [r.figure, r.database ?? "?", r.target, r.measured, r.pass === null ? "-" : r.pass ? "pass" : "FAIL"]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join(" | ");
  console.log("");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const c of cells) console.log(line(c));
  for (const r of rows.filter((r) => r.note)) console.log(`  note (${r.figure}): ${r.note}`);
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const { db, postgres, cleanup } = await openDatabase();
setDb(db);
const rows: BenchRow[] = [];
try {
  for (const name of SECTIONS) {
    if (wanted.length && !wanted.includes(name)) continue;
    const section = await loadSection(name);
    if (!section) continue;
    console.log(`\n== ${name} ==`);
    const started = performance.now();
    try {
      const measured = await section({ db, postgres, log: (l) => console.log(`  ${l}`) });
      // Every row says which database it ran on: the section's, unless it says otherwise.
      rows.push(...measured.map((r) => ({ ...r, database: r.database ?? (postgres ? "PostgreSQL" : "PGlite") })));
    } catch (error) {
      rows.push({ figure: `${name}: section failed`, target: "runs", measured: error instanceof Error ? error.message.slice(0, 80) : String(error), pass: false, database: postgres ? "PostgreSQL" : "PGlite" });
    }
    console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    if (postgres) await settle(db);
  }
  // The server's own memory is measured in its own process (the governance section); this process also generates the data.
  console.log(`\n(bench process peak memory, data generation included: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)`);
  printTable(rows);
} finally {
  await cleanup();
}
process.exit(0);
