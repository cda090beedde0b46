import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* A pay-out recorded in error can be reversed: the loan is marked
 * 'reversed' (with the date), its disbursement stays in the ledger with a
 * reversing entry, and the application can be paid out again on the right
 * date, so one application may have a reversed loan and a live one. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE loans DROP CONSTRAINT loans_status_check
;
ALTER TABLE loans ADD CONSTRAINT loans_status_check CHECK (status IN ('active','closed','written_off','reversed'))
;
ALTER TABLE loans ADD COLUMN reversed_on date
;
ALTER TABLE loans ADD CONSTRAINT loans_reversed_on_check CHECK ((status = 'reversed') = (reversed_on IS NOT NULL))
;
ALTER TABLE loans DROP CONSTRAINT loans_organisation_id_application_id_key
;
CREATE UNIQUE INDEX loans_one_live_per_application ON loans (organisation_id, application_id) WHERE status <> 'reversed'
`);
}
