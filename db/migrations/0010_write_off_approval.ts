import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* A write-off takes two board members: one proposes it (date and the
 * board's minute), another approves or rejects it; the proposer may
 * withdraw it. At most one proposal per loan waits at a time. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE loan_write_off_proposals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  loan_id uuid NOT NULL,
  on_date date NOT NULL,
  note text NOT NULL,
  proposed_by uuid NOT NULL REFERENCES users(id),
  proposed_at timestamptz NOT NULL DEFAULT now(),
  decision text CHECK (decision IN ('approved', 'rejected', 'withdrawn')),
  decided_by uuid REFERENCES users(id),
  decided_at timestamptz,
  decision_note text NOT NULL DEFAULT '',
  FOREIGN KEY (organisation_id, loan_id) REFERENCES loans(organisation_id, id),
  CHECK ((decision IS NULL) = (decided_by IS NULL))
)
;
CREATE UNIQUE INDEX loan_write_off_proposals_one_open ON loan_write_off_proposals (organisation_id, loan_id) WHERE decision IS NULL
`);
}
