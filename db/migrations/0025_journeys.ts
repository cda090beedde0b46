import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Two things from walking each role as a new user (issue #16).
 *
 * 1. Member search by any word of the name (a surname, a second name), not only
 * from the start of the whole name: a GIN index over the name's words (the
 * built-in "simple" text search configuration: lower-cased words, no
 * stemming), which answers word-prefix queries ('patel':*) without scanning
 * the register. searchMembers in app/models/shares/members.server.ts uses exactly
 * this expression.
 *
 * 2. The same supplier spend uploaded twice for an anchor doubled its spend
 * without a word: each upload keeps a SHA-256 of its checked lines
 * (contentHash in app/domain/impact/procurement.ts), and an upload whose lines
 * match one still counted for the same anchor is refused. Uploads made before
 * this have no hash and are not compared. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE INDEX members_name_words_idx ON members USING gin (to_tsvector('simple'::regconfig, name))
;
ALTER TABLE spend_uploads ADD COLUMN content_hash text CHECK (content_hash IS NULL OR content_hash ~ '^[0-9a-f]{64}$')
;
CREATE INDEX spend_uploads_content_idx ON spend_uploads (organisation_id, anchor_id, content_hash) WHERE withdrawn_at IS NULL
`);
}
