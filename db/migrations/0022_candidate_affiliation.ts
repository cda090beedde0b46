import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* A candidate's party or affiliation, as ballot files from other counting
 * programs carry it ("Jane DOE" "Green Party"): kept, shown on the ballot
 * and the results, and written back on export. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE motion_options ADD COLUMN affiliation text NOT NULL DEFAULT '' CHECK (length(affiliation) <= 200)
`);
}
