import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* The notice of a general meeting, emailed to the members once: when, by
 * whom, to how many. The primary key is the "once". */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE meeting_notices (
  meeting_id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  emailed_at timestamptz NOT NULL DEFAULT now(),
  emailed_by uuid NOT NULL REFERENCES users(id),
  recipients integer NOT NULL CHECK (recipients >= 0),
  FOREIGN KEY (organisation_id, meeting_id) REFERENCES meetings(organisation_id, id)
)
`);
}
