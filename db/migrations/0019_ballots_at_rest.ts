import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Ballots at rest (ADR 0014). Closing a vote moves its ballots into fresh
 * rows in a random order, so that no system column (xmin, ctid) or row
 * order still pairs a ballot with the participation written beside it. The
 * append-only trigger therefore lets a ballot be deleted in one case only:
 * by the closing transaction of its own motion, which names the motion in
 * the transaction-local setting coop.sealing_motion (sealBallots in
 * app/models/governance/ballots.server.ts). A ballot is never updated.
 *
 * The rows a close deletes stay in the table's pages, with the casting
 * transaction's xmin, until VACUUM removes them. Ballots are otherwise never
 * deleted or updated, so autovacuum is told to vacuum the table as soon as
 * it holds any dead row (within autovacuum_naptime, a minute by default,
 * of a close), not after a fifth of the table has changed.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
DROP TRIGGER ballots_append_only ON ballots
;
CREATE TRIGGER ballots_never_updated BEFORE UPDATE ON ballots
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TRIGGER ballots_append_only BEFORE DELETE ON ballots
  FOR EACH ROW WHEN (current_setting('coop.sealing_motion', true) IS DISTINCT FROM OLD.motion_id::text)
  EXECUTE FUNCTION forbid_change()
;
ALTER TABLE ballots SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0)
`);
}
