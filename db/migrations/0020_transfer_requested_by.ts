import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Who asked for a share transfer (the secretary, or the member on their own
 * page), so that the same person cannot approve it (separation of duties).
 * Transfers asked for before this column existed have none. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE share_transfers ADD COLUMN requested_by uuid REFERENCES users(id)
`);
}
