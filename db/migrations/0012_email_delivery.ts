import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Delivering the outbox by SMTP: how many tries, the last error, when to
 * try next (also the lease a sender holds while sending), and when it was
 * given up. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE email_outbox
  ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN last_error text,
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN failed_at timestamptz
;
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL
`);
}
