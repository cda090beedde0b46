import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Meetings as calendar entries: emails may carry attachments (the notice's
 * .ics), and each user may have one private calendar feed of their
 * organisations' meetings, found by a token whose SHA-256 hash is kept (as
 * sessions are). The feed belongs to the user, who may belong to several
 * organisations, so like sessions it carries no organisation_id. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE email_outbox ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'::jsonb
;
CREATE TABLE calendar_feeds (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
)
`);
}
