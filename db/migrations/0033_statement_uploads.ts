import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Statement files kept until their import job runs (issue #18 point 1,
 * "progress shown on large files"; docs/treasury.md).
 *
 * A large statement is checked for format in the request, kept here with the
 * job that imports it, and imported by the job in one transaction. The bytes
 * are dropped once the job has imported or refused the file; the row stays as
 * the outcome the progress page shows: the counts of lines new and already
 * there, or every problem with its line number. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE statement_uploads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  bank_account_id uuid NOT NULL,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  bytes bytea,
  csv_mapping jsonb,
  job_id bigint REFERENCES jobs(id),
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting','imported','refused')),
  outcome jsonb,
  uploaded_by uuid REFERENCES users(id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, bank_account_id) REFERENCES bank_accounts(organisation_id, id),
  CHECK ((status = 'waiting') = (bytes IS NOT NULL))
)
;
CREATE INDEX statement_uploads_job_idx ON statement_uploads (organisation_id, job_id)
`);
}
