import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Member search by any word of the name (a surname, a second name), not only
 * from the start of the whole name: a GIN index over the name's words (the
 * built-in "simple" text search configuration: lower-cased words, no
 * stemming), which answers word-prefix queries ('patel':*) without scanning
 * the register. searchMembers in app/models/members.server.ts uses exactly
 * this expression. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE INDEX members_name_words_idx ON members USING gin (to_tsvector('simple'::regconfig, name))
`);
}
