import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Idempotent money forms: each rendered form carries a one-time key; the
 * first post that uses it stores its outcome here, in the transaction that
 * writes the money, and a repeat of the post (a double click, a retry) gets
 * that outcome back instead of writing again. See
 * app/models/core/form-submissions.server.ts and docs/decisions/0009. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE form_submissions (
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  key uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id),
  form text NOT NULL CHECK (length(form) BETWEEN 1 AND 200),
  fingerprint text NOT NULL,
  outcome jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, key)
)
;
CREATE INDEX form_submissions_created_idx ON form_submissions (created_at)
`);
}
