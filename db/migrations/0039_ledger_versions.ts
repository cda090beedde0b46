import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * The headline figures remembered per ledger state (ADR 0020). Each
 * organisation has a ledger version that every transaction writing the
 * tables the headline figures are worked out from (the share ledger and
 * holdings, the register and its status history, loans, their ledger,
 * allocation lines and installments; for the community wealth headlines
 * also borrowers and the organisation's local area)
 * moves on by one as it commits: a deferred constraint trigger, so the
 * version row is the last lock such a transaction takes (no lock order to
 * get wrong with the member, holding and loan rows it locked before), and
 * once per transaction (a transaction-local setting marks it done), so a
 * bulk import costs one update. The bump commits with the rows, so a
 * snapshot sees both or neither: figures worked out while the version stood
 * still belong to that version.
 *
 * headline_figure_cache keeps the last figures worked out per organisation,
 * figure and date with the version they were worked out at; a read whose
 * version differs works them out again.
 */
/** The tables the remembered figures are worked out from; an append-only ledger is only ever inserted into. */
const VERSIONED: [table: string, writes: "append-only" | "all"][] = [
  ["share_transactions", "append-only"],
  ["share_holdings", "all"],
  ["loan_allocation_lines", "append-only"],
  ["members", "all"],
  ["member_status_history", "all"],
  ["loans", "all"],
  ["loan_transactions", "append-only"],
  ["loan_installments", "all"],
  ["borrowers", "all"],
];

const versionTriggers = VERSIONED.map(
  ([table, writes]) => `CREATE CONSTRAINT TRIGGER ${table}_ledger_version AFTER ${writes === "append-only" ? "INSERT" : "INSERT OR UPDATE OR DELETE"} ON ${table}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_ledger_version()
;`,
).join("\n");

export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE ledger_versions (
  organisation_id uuid PRIMARY KEY REFERENCES organisations(id),
  version bigint NOT NULL CHECK (version > 0)
)
;
CREATE FUNCTION bump_ledger_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  org uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.organisation_id ELSE NEW.organisation_id END;
  marker text := 'coop.ledger_bumped_' || replace(org::text, '-', '');
BEGIN
  IF current_setting(marker, true) = 'yes' THEN
    RETURN NULL;
  END IF;
  INSERT INTO ledger_versions AS v (organisation_id, version) VALUES (org, 1)
    ON CONFLICT (organisation_id) DO UPDATE SET version = v.version + 1;
  PERFORM set_config(marker, 'yes', true);
  RETURN NULL;
END
$fn$
;
${versionTriggers}
CREATE FUNCTION bump_ledger_version_of_organisation() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO ledger_versions AS v (organisation_id, version) VALUES (NEW.id, 1)
    ON CONFLICT (organisation_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END
$fn$
;
CREATE CONSTRAINT TRIGGER organisations_local_area_version AFTER UPDATE OF local_area ON organisations
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.local_area IS DISTINCT FROM NEW.local_area) EXECUTE FUNCTION bump_ledger_version_of_organisation()
;
CREATE TABLE headline_figure_cache (
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  figure text NOT NULL CHECK (length(figure) BETWEEN 1 AND 40),
  as_at date NOT NULL,
  version bigint NOT NULL,
  figures jsonb NOT NULL,
  worked_out_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, figure, as_at)
)
`);
}
