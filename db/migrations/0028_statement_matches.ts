import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Matching bank statement credits to what they pay (issue #18 point 2;
 * docs/treasury.md, app/models/treasury/matching.server.ts).
 *
 * statement_matches: append-only. A line's matches come in rounds: round 1
 * is its first match, a reversal of round n undoes it, and only then may a
 * round n+1 match be written. The database holds that order itself, so a
 * line can never carry two live matches, whatever runs at once:
 *   - (line, round, kind) is unique: one match and one reversal per round;
 *   - each row names the row it follows (prior_round, prior_kind) by a
 *     foreign key: a reversal follows its own round's match, a match of
 *     round n > 1 follows round n - 1's reversal, round 1 follows nothing.
 * A match carries the line's amount (a foreign key to the line with its
 * amount, so it cannot differ) and its allocations (the member's share
 * purchase or the loan's repayment each part posted) must add up to exactly
 * that: a deferred constraint trigger checks at commit, so a line is never
 * over- or under-allocated. Every row carries organisation_id, and every
 * foreign key runs through it, so nothing can point at another
 * organisation's line, member or loan.
 *
 * members_payer_key_idx: a payer's name is looked up by "first letter, last
 * word" ("J SMITH"), the same expression as nameKey in
 * app/domain/treasury/matching.ts, so a statement's payers are found among
 * a million members by index. */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_org_id_amount_key UNIQUE (organisation_id, id, amount_minor)
;
CREATE TABLE statement_matches (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  statement_line_id bigint NOT NULL,
  round integer NOT NULL CHECK (round >= 1),
  kind text NOT NULL CHECK (kind IN ('match','reversal')),
  prior_round integer,
  prior_kind text,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  how text NOT NULL CHECK (how IN ('sure','suggested','manual','split','undo')),
  reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
  recorded_by uuid REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, statement_line_id, round, kind),
  FOREIGN KEY (organisation_id, statement_line_id, amount_minor) REFERENCES statement_lines(organisation_id, id, amount_minor),
  FOREIGN KEY (organisation_id, statement_line_id, prior_round, prior_kind) REFERENCES statement_matches(organisation_id, statement_line_id, round, kind),
  CHECK (
    (kind = 'match' AND round = 1 AND prior_round IS NULL AND prior_kind IS NULL)
    OR (kind = 'match' AND round > 1 AND prior_round = round - 1 AND prior_kind = 'reversal')
    OR (kind = 'reversal' AND prior_round = round AND prior_kind = 'match')
  ),
  CHECK ((kind = 'reversal') = (how = 'undo'))
)
;
CREATE TABLE statement_match_allocations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  match_id bigint NOT NULL,
  position smallint NOT NULL CHECK (position >= 1),
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  member_id uuid,
  share_transaction_id bigint,
  loan_id uuid,
  loan_transaction_id bigint,
  UNIQUE (organisation_id, match_id, position),
  FOREIGN KEY (organisation_id, match_id) REFERENCES statement_matches(organisation_id, id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, share_transaction_id) REFERENCES share_transactions(organisation_id, id),
  FOREIGN KEY (organisation_id, loan_id) REFERENCES loans(organisation_id, id),
  FOREIGN KEY (organisation_id, loan_transaction_id) REFERENCES loan_transactions(organisation_id, id),
  CHECK (
    (member_id IS NOT NULL AND share_transaction_id IS NOT NULL AND loan_id IS NULL AND loan_transaction_id IS NULL)
    OR (loan_id IS NOT NULL AND loan_transaction_id IS NOT NULL AND member_id IS NULL AND share_transaction_id IS NULL)
  )
)
;
CREATE UNIQUE INDEX statement_match_allocations_share_tx_idx ON statement_match_allocations (organisation_id, share_transaction_id) WHERE share_transaction_id IS NOT NULL
;
CREATE UNIQUE INDEX statement_match_allocations_loan_tx_idx ON statement_match_allocations (organisation_id, loan_transaction_id) WHERE loan_transaction_id IS NOT NULL
;
CREATE FUNCTION statement_match_allocated_in_full() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  m record;
  total bigint;
BEGIN
  SELECT id, kind, amount_minor INTO m FROM statement_matches WHERE id = NEW.match_id;
  IF m.kind <> 'match' THEN
    RAISE EXCEPTION 'statement match %: only a match has allocations', m.id USING ERRCODE = 'check_violation';
  END IF;
  SELECT coalesce(sum(amount_minor), 0) INTO total FROM statement_match_allocations WHERE match_id = NEW.match_id;
  IF total <> m.amount_minor THEN
    RAISE EXCEPTION 'statement match %: allocations of % do not equal the line''s %', m.id, total, m.amount_minor USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$fn$
;
CREATE CONSTRAINT TRIGGER statement_match_allocations_in_full AFTER INSERT ON statement_match_allocations
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION statement_match_allocated_in_full()
;
CREATE FUNCTION statement_match_has_allocations() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.kind = 'match' AND NOT EXISTS (SELECT 1 FROM statement_match_allocations WHERE match_id = NEW.id) THEN
    RAISE EXCEPTION 'statement match %: a match needs allocations adding up to the line', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$fn$
;
CREATE CONSTRAINT TRIGGER statement_matches_allocated AFTER INSERT ON statement_matches
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION statement_match_has_allocations()
;
CREATE INDEX statement_match_allocations_member_idx ON statement_match_allocations (organisation_id, member_id) WHERE member_id IS NOT NULL
;
CREATE INDEX statement_match_allocations_loan_idx ON statement_match_allocations (organisation_id, loan_id) WHERE loan_id IS NOT NULL
;
CREATE TRIGGER statement_matches_append_only BEFORE UPDATE OR DELETE ON statement_matches
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TRIGGER statement_match_allocations_append_only BEFORE UPDATE OR DELETE ON statement_match_allocations
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE INDEX members_payer_key_idx ON members (organisation_id, (upper(substring(name from '[A-Za-z]')) || ' ' || upper(substring(name from '([A-Za-z]+)[^A-Za-z]*$'))), member_number)
`);
}
