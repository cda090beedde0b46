import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Background work (arrears ageing, reminders, interest runs, imports) as rows
 * in Postgres, claimed with FOR UPDATE SKIP LOCKED: see docs/decisions/0005. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  unique_key text UNIQUE,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  message text NOT NULL DEFAULT '',
  last_error text,
  locked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
)
;
CREATE INDEX jobs_queue_idx ON jobs (run_at) WHERE status = 'queued'
;
CREATE INDEX jobs_org_idx ON jobs (organisation_id, created_at)
`);
}
