/**
 * `npm run ledger:verify`: checks every organisation's money invariants
 * (app/models/core/ledger-verify.server.ts) and names the first broken row of
 * each. Exit code 1 if any is broken. Runs against DATABASE_URL, or the
 * embedded database, like audit:verify.
 */
import { getDb, type Executor } from "../app/utils/db.server";
import { verifyLedger } from "../app/models/core/ledger-verify.server";

export async function verifyAllLedgers(db: Executor, out: (line: string) => void = console.log): Promise<number> {
  const orgs = await db.selectFrom("organisations").select(["id", "slug"]).orderBy("slug").execute();
  let broken = 0;
  for (const org of orgs) {
    const breaks = await verifyLedger(db, org.id);
    if (!breaks.length) {
      out(`ok      ${org.slug}`);
      continue;
    }
    broken++;
    for (const b of breaks) out(`BROKEN  ${org.slug}: ${b.check}: ${b.row}${b.rows > 1 ? ` (and ${b.rows - 1} more)` : ""}`);
  }
  out(broken ? `${broken} of ${orgs.length} organisations have broken money invariants.` : `All ${orgs.length} organisations' money invariants hold.`);
  return broken ? 1 : 0;
}

if (process.argv[1]?.endsWith("ledger-verify.ts")) {
  process.exitCode = await verifyAllLedgers(await getDb());
  process.exit();
}
