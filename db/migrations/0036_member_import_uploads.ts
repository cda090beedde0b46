import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Members files kept until their import job runs ("progress shown on long
 * work such as imports"; docs/shares.md "Importing members").
 *
 * The same shape as statement_uploads (0033), for the members import: a large
 * register file is checked for its format in the request, kept here with the
 * job that imports it, and imported by the job all or nothing in one
 * transaction. The bytes are dropped once the job has imported or refused the
 * file; the row stays as the outcome the progress page shows: how many
 * members and shares, or every problem with its line number. A table of its
 * own rather than a kind column on statement_uploads: that table's rows
 * belong to a bank account (a foreign key the treasury pages rely on), which
 * a members file has not.
 *
 * Finished jobs are pruned after 30 days (retention.server.ts): the upload
 * keeps its outcome and loses its job (its progress page is then a 404).
 * statement_uploads' reference to its job gets the same ON DELETE SET NULL
 * here: without it, pruning a finished statement import's job was refused. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE member_import_uploads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  bytes bytea,
  job_id bigint REFERENCES jobs(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting','imported','refused')),
  outcome jsonb,
  uploaded_by uuid REFERENCES users(id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  CHECK ((status = 'waiting') = (bytes IS NOT NULL))
)
;
CREATE INDEX member_import_uploads_job_idx ON member_import_uploads (organisation_id, job_id)
;
ALTER TABLE statement_uploads DROP CONSTRAINT statement_uploads_job_id_fkey
;
ALTER TABLE statement_uploads ADD CONSTRAINT statement_uploads_job_id_fkey FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE SET NULL
`);
}
