/**
 * The money invariants `npm run ledger:verify` checks for one organisation,
 * each as one SQL query returning the first row that breaks it (by a stable
 * order), described so a person can find it:
 *
 * - holdings: each member's holding of each class equals the sum of their
 *   share transactions (reversals netted);
 * - loan balance: each loan's principal still on its schedule, less what was
 *   written off, equals disbursed minus principal repaid (net of reversals,
 *   prepayments included) minus written off; a loan's disbursement equals its
 *   principal; a written-off loan or a closed loan has nothing left;
 * - installments: what the allocation lines pay on each installment (per
 *   component) is what the installment records as paid, and never more than
 *   it owes;
 * - journal day totals: each account's debits, credits and line count per
 *   day (what the trial balance adds up) equal its journal lines'.
 *
 * Empty result = sound. Read-only; safe to run against a live database.
 */
import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { holdingsLedgerMismatches } from "~/models/shares/share-classes-and-holdings.server";

export type LedgerCheck = "holdings" | "loan-disbursed" | "loan-balance" | "loan-left-after-close" | "installment-overpaid" | "installment-paid-mismatch" | "journal-day-totals";

export interface LedgerBreak {
  check: LedgerCheck;
  /** The first broken row, in words. */
  row: string;
  /** How many rows break the same invariant. */
  rows: number;
}

const money = (v: string | bigint) => {
  const n = BigInt(v);
  const neg = n < 0n;
  const a = neg ? -n : n;
  return `${neg ? "-" : ""}${a / 100n}.${(a % 100n).toString().padStart(2, "0")}`;
};

async function holdingBreak(db: Executor, organisationId: string): Promise<LedgerBreak | null> {
  const rows = await holdingsLedgerMismatches(db, organisationId);
  if (!rows.length) return null;
  const ids = [...new Set(rows.map((r) => r.member_id))];
  const members = await db.selectFrom("members").select(["id", "member_number", "name"]).where("organisation_id", "=", organisationId).where("id", "in", ids).execute();
  const classes = await db.selectFrom("share_classes").select(["id", "name"]).where("organisation_id", "=", organisationId).execute();
  const byId = new Map(members.map((m) => [m.id, m]));
  const className = new Map(classes.map((c) => [c.id, c.name]));
  const described = rows
    .map((r) => ({ r, m: byId.get(r.member_id) }))
    .sort((a, b) => (a.m?.member_number ?? 0) - (b.m?.member_number ?? 0) || a.r.class_id.localeCompare(b.r.class_id));
  const { r, m } = described[0];
  return {
    check: "holdings",
    row: `share_holdings member ${m?.member_number ?? r.member_id} (${m?.name ?? "?"}), class ${className.get(r.class_id) ?? r.class_id}: holds ${r.stored_shares} shares worth ${money(r.stored_value)} but the share transactions add up to ${r.ledger_shares} shares worth ${money(r.ledger_value)}`,
    rows: rows.length,
  };
}

interface LoanRow {
  reference: number;
  id: string;
  status: string;
  principal: string;
  disbursed: string;
  repaid: string;
  written_off: string;
  on_schedule: string;
}

async function loanBreaks(db: Executor, organisationId: string): Promise<LedgerBreak[]> {
  const { rows } = await sql<LoanRow>`
    WITH tx AS (
      -- A reversal belongs with what it reverses: a pay-out recorded in error takes its disbursement back,
      -- a repayment reversed takes its principal back.
      SELECT t.loan_id,
             COALESCE(SUM(t.principal_part) FILTER (WHERE t.kind = 'disbursement' OR (t.kind = 'reversal' AND o.kind = 'disbursement')), 0) AS disbursed,
             COALESCE(SUM(t.principal_part) FILTER (WHERE t.kind = 'repayment' OR (t.kind = 'reversal' AND o.kind = 'repayment')), 0) AS repaid,
             COALESCE(SUM(t.principal_part) FILTER (WHERE t.kind = 'write_off'), 0) AS written_off
        FROM loan_transactions t
        LEFT JOIN loan_transactions o ON o.organisation_id = t.organisation_id AND o.id = t.reverses_id
       WHERE t.organisation_id = ${organisationId} GROUP BY t.loan_id
    ), inst AS (
      SELECT loan_id, SUM(principal - paid_principal) AS on_schedule
        FROM loan_installments WHERE organisation_id = ${organisationId} GROUP BY loan_id
    )
    SELECT l.reference, l.id, l.status, l.principal::text,
           COALESCE(tx.disbursed, 0)::text AS disbursed, COALESCE(tx.repaid, 0)::text AS repaid,
           COALESCE(tx.written_off, 0)::text AS written_off, COALESCE(inst.on_schedule, 0)::text AS on_schedule
      FROM loans l
      LEFT JOIN tx ON tx.loan_id = l.id
      LEFT JOIN inst ON inst.loan_id = l.id
     WHERE l.organisation_id = ${organisationId}
     ORDER BY l.reference`.execute(db);
  const found = new Map<LedgerCheck, { row: string; rows: number }>();
  const note = (check: LedgerCheck, row: string) => {
    const f = found.get(check);
    if (f) f.rows++;
    else found.set(check, { row, rows: 1 });
  };
  for (const r of rows) {
    const [principal, disbursed, repaid, writtenOff, onSchedule] = [r.principal, r.disbursed, r.repaid, r.written_off, r.on_schedule].map(BigInt);
    const ledger = disbursed - repaid - writtenOff;
    // A reversed pay-out (recorded in error) lent nothing: its schedule no longer counts.
    const reversed = r.status === "reversed";
    const balance = reversed ? 0n : onSchedule - writtenOff;
    const lent = reversed ? 0n : principal;
    if (disbursed !== lent) note("loan-disbursed", `loan ${r.reference}: lent ${money(lent)} but the ledger paid out ${money(disbursed)}`);
    if (balance !== ledger) {
      note("loan-balance", `loan ${r.reference}: balance ${money(balance)} (principal ${money(onSchedule)} still on the schedule${writtenOff ? ` less ${money(writtenOff)} written off` : ""}) but disbursed ${money(disbursed)} − repaid ${money(repaid)} − written off ${money(writtenOff)} = ${money(ledger)}`);
    } else if ((r.status === "written_off" || r.status === "closed") && balance !== 0n) {
      note("loan-left-after-close", `loan ${r.reference}: ${r.status === "closed" ? "closed" : "written off"} with a balance of ${money(balance)} left`);
    }
  }
  return [...found].map(([check, f]) => ({ check, ...f }));
}

interface InstallmentRow {
  reference: number;
  n: number;
  component: string;
  owed: string;
  recorded: string;
  allocated: string;
  count: string;
}

async function installmentBreaks(db: Executor, organisationId: string): Promise<LedgerBreak[]> {
  const run = (kind: "overpaid" | "mismatch") => sql<InstallmentRow>`
    WITH lines AS (
      SELECT loan_id, n, component, SUM(amount) AS allocated
        FROM loan_allocation_lines WHERE organisation_id = ${organisationId} GROUP BY loan_id, n, component
    ), inst AS (
      SELECT i.loan_id, i.n, c.component, c.owed, c.recorded
        FROM loan_installments i
        CROSS JOIN LATERAL (VALUES ('fees', i.fees, i.paid_fees), ('interest', i.interest, i.paid_interest), ('principal', i.principal, i.paid_principal)) AS c(component, owed, recorded)
       WHERE i.organisation_id = ${organisationId}
    ), joined AS (
      SELECT COALESCE(inst.loan_id, lines.loan_id) AS loan_id, COALESCE(inst.n, lines.n) AS n, COALESCE(inst.component, lines.component) AS component,
             COALESCE(inst.owed, 0) AS owed, COALESCE(inst.recorded, 0) AS recorded, COALESCE(lines.allocated, 0) AS allocated
        FROM inst FULL JOIN lines ON lines.loan_id = inst.loan_id AND lines.n = inst.n AND lines.component = inst.component
    ), broken AS (
      SELECT * FROM joined WHERE ${kind === "overpaid" ? sql`allocated > owed OR recorded > owed OR allocated < 0` : sql`allocated <> recorded`}
    )
    SELECT l.reference, b.n, b.component, b.owed::text, b.recorded::text, b.allocated::text, (SELECT COUNT(*) FROM broken)::text AS count
      FROM broken b JOIN loans l ON l.organisation_id = ${organisationId} AND l.id = b.loan_id
     ORDER BY l.reference, b.n, b.component
     LIMIT 1`.execute(db);
  const out: LedgerBreak[] = [];
  const [over] = (await run("overpaid")).rows;
  if (over) out.push({ check: "installment-overpaid", rows: Number(over.count), row: `loan ${over.reference} installment ${over.n} ${over.component}: owes ${money(over.owed)} but the allocation lines pay ${money(over.allocated)}${over.recorded !== over.allocated ? ` (recorded as paid: ${money(over.recorded)})` : ""}` });
  const [mis] = (await run("mismatch")).rows;
  if (mis) out.push({ check: "installment-paid-mismatch", rows: Number(mis.count), row: `loan ${mis.reference} installment ${mis.n} ${mis.component}: recorded as paid ${money(mis.recorded)} but the allocation lines pay ${money(mis.allocated)}` });
  return out;
}

async function journalDayBreak(db: Executor, organisationId: string): Promise<LedgerBreak | null> {
  const { rows } = await sql<{ entry_date: string; account_code: string; kept: string; lines: string; count: string }>`
    WITH lines AS (
      SELECT entry_date, account_code, SUM(debit) AS debit, SUM(credit) AS credit, COUNT(*)::int AS n
        FROM journal_lines WHERE organisation_id = ${organisationId} GROUP BY entry_date, account_code
    ), totals AS (
      SELECT entry_date, account_code, debit, credit, lines AS n FROM journal_day_totals WHERE organisation_id = ${organisationId}
    ), broken AS (
      SELECT COALESCE(t.entry_date, l.entry_date) AS entry_date, COALESCE(t.account_code, l.account_code) AS account_code,
             COALESCE(t.debit, 0) AS t_debit, COALESCE(t.credit, 0) AS t_credit, COALESCE(t.n, 0) AS t_n,
             COALESCE(l.debit, 0) AS l_debit, COALESCE(l.credit, 0) AS l_credit, COALESCE(l.n, 0) AS l_n
        FROM totals t FULL JOIN lines l ON l.entry_date = t.entry_date AND l.account_code = t.account_code
       WHERE t.debit IS DISTINCT FROM l.debit OR t.credit IS DISTINCT FROM l.credit OR t.n IS DISTINCT FROM l.n
    )
    SELECT entry_date::text, account_code,
           'debits ' || t_debit || ', credits ' || t_credit || ' over ' || t_n || ' lines' AS kept,
           'debits ' || l_debit || ', credits ' || l_credit || ' over ' || l_n || ' lines' AS lines,
           (SELECT COUNT(*) FROM broken)::text AS count
      FROM broken ORDER BY entry_date, account_code LIMIT 1`.execute(db);
  const [r] = rows;
  return r ? { check: "journal-day-totals", rows: Number(r.count), row: `journal account ${r.account_code} on ${r.entry_date}: the day totals hold ${r.kept} (minor units) but its journal lines add up to ${r.lines}` } : null;
}

/** Every money invariant of one organisation: an empty list when all hold. */
export async function verifyLedger(db: Executor, organisationId: string): Promise<LedgerBreak[]> {
  const holding = await holdingBreak(db, organisationId);
  const journal = await journalDayBreak(db, organisationId);
  return [...(holding ? [holding] : []), ...(await loanBreaks(db, organisationId)), ...(await installmentBreaks(db, organisationId)), ...(journal ? [journal] : [])];
}
