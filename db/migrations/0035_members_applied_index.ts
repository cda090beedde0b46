import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* The count of members waiting for admission, which the navigation shows the
 * secretary and the owner on every page (decisionsFor), read the whole
 * register: on 1,000,000 members a parallel scan of the table, about 100 ms
 * a page (npm run bench -- pages). Applicants are few at any time: a partial
 * index of them makes it an index read. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE INDEX members_applied_idx ON members (organisation_id, id) WHERE status = 'applied'
`);
}
