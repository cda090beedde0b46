import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Each organisation's business dates follow its own time zone (UK co-ops:
 * Europe/London), not the server's UTC clock. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE organisations ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/London' CHECK (length(time_zone) BETWEEN 1 AND 64)
`);
}
