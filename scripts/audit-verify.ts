/**
 * `npm run audit:verify`: walks every organisation's audit hash chain and
 * reports the first broken link. Exit code 1 if any chain is broken.
 */
import { getDb, type Executor } from "../app/utils/db.server";
import { verifyAuditChain } from "../app/models/core/audit.server";

export async function verifyAll(db: Executor, out: (line: string) => void = console.log): Promise<number> {
  const orgs = await db.selectFrom("organisations").select(["id", "slug"]).orderBy("slug").execute();
  let broken = 0;
  for (const org of orgs) {
    const r = await verifyAuditChain(db, org.id);
    if (r.ok) out(`ok      ${org.slug}: ${r.events} events`);
    else {
      broken++;
      out(`BROKEN  ${org.slug}: event ${r.brokenAt} of ${r.events}: ${r.reason}`);
    }
  }
  out(broken ? `${broken} of ${orgs.length} audit chains are broken.` : `All ${orgs.length} audit chains are intact.`);
  return broken ? 1 : 0;
}

if (process.argv[1]?.endsWith("audit-verify.ts")) {
  process.exitCode = await verifyAll(await getDb());
  process.exit();
}
