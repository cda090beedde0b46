/**
 * `npx tsx scripts/import-members.ts FILE.csv --org SLUG`: all-or-nothing
 * import of members with opening holdings. Prints every bad row with its
 * line number and exits 1 without importing anything if there is one.
 */
import { readFileSync } from "node:fs";
import { getDb } from "../app/utils/db.server";
import { importMembers } from "../app/models/shares/members-import.server";
import { getOrganisationBySlug } from "../app/models/core/organisations.server";
import { dateInZone } from "../app/domain/today";
import { faultPoint } from "../app/utils/fault-markers.server";

export async function main(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const orgAt = argv.indexOf("--org");
  const slug = orgAt >= 0 ? argv[orgAt + 1] : undefined;
  const file = argv.find((a, i) => !a.startsWith("--") && i !== orgAt + 1);
  if (!file || !slug) {
    err("usage: npx tsx scripts/import-members.ts FILE.csv --org SLUG");
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    err(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const db = await getDb();
  const org = await getOrganisationBySlug(db, slug);
  if (!org) {
    err(`no organisation with slug "${slug}"`);
    return 2;
  }
  const started = Date.now();
  const result = await db.transaction().execute(async (trx) => {
    const imported = await importMembers(trx, null, org, bytes, dateInZone(new Date(), org.timeZone));
    if (imported.ok) await faultPoint("import.before-commit", { rows: imported.members });
    return imported;
  });
  if (!result.ok) {
    err(`Nothing imported: ${result.errors.length} problem${result.errors.length === 1 ? "" : "s"} in ${file}`);
    for (const e of result.errors) err(`  line ${e.line}${e.column ? ` (${e.column})` : ""}: ${e.reason}`);
    return 1;
  }
  out(`Imported ${result.members} members with ${result.shares} shares into ${org.name} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return 0;
}

if (process.argv[1]?.endsWith("import-members.ts")) {
  process.exitCode = await main(process.argv.slice(2));
  process.exit();
}
