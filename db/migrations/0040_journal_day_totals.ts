import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * The books at scale (issue #16 point 7): a trial balance added up a year of
 * journal lines on every visit (1.5 million at the bench's scale).
 *
 * journal_day_totals holds each account's debits and credits per day, kept
 * by the posting itself in the transaction that inserts the lines (the
 * journal is append-only, so a day's totals only grow), and the trial
 * balance adds up days instead of lines. ledger:verify checks the totals
 * against the lines.
 *
 * journal_posted_versions remembers the ledger version (migration 0039) the
 * journal was last brought up to date at: while the version has not moved,
 * no share or loan ledger row has been written since, and the posting need
 * not count the ledgers to know it has nothing to post.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE journal_day_totals (
  organisation_id uuid NOT NULL,
  entry_date date NOT NULL,
  account_code text NOT NULL,
  debit bigint NOT NULL CHECK (debit >= 0),
  credit bigint NOT NULL CHECK (credit >= 0),
  lines integer NOT NULL CHECK (lines > 0),
  PRIMARY KEY (organisation_id, entry_date, account_code),
  FOREIGN KEY (organisation_id, account_code) REFERENCES chart_of_accounts(organisation_id, code) ON DELETE CASCADE
)
;
INSERT INTO journal_day_totals (organisation_id, entry_date, account_code, debit, credit, lines)
SELECT organisation_id, entry_date, account_code, SUM(debit), SUM(credit), COUNT(*)
  FROM journal_lines GROUP BY organisation_id, entry_date, account_code
;
CREATE TABLE journal_posted_versions (
  organisation_id uuid PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
  ledger_version bigint NOT NULL
)
`);
}
