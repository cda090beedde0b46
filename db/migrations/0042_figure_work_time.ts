import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * How long each remembered figure took to work out (ADR 0020 addendum,
 * issue #16 point 7). A community wealth figure that took longer than a page
 * may take is served from its last working-out, marked as such, while a job
 * works it out again for the ledger as it now stands.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE headline_figure_cache ADD COLUMN work_ms integer CHECK (work_ms >= 0)
`);
}
