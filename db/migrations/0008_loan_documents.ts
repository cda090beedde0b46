import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Documents on a lending file (accounts, business plan, signed agreement):
 * kept with the application and shown on the loan made from it. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE loan_documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  application_id uuid,
  loan_id uuid,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
  content_type text NOT NULL,
  size integer NOT NULL CHECK (size > 0 AND size <= 5242880),
  content bytea NOT NULL,
  uploaded_by uuid REFERENCES users(id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (application_id IS NOT NULL OR loan_id IS NOT NULL),
  FOREIGN KEY (organisation_id, application_id) REFERENCES loan_applications(organisation_id, id),
  FOREIGN KEY (organisation_id, loan_id) REFERENCES loans(organisation_id, id)
)
;
CREATE INDEX loan_documents_application_idx ON loan_documents (organisation_id, application_id)
;
CREATE INDEX loan_documents_loan_idx ON loan_documents (organisation_id, loan_id)
`);
}
