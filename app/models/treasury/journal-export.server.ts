/**
 * Exporting the journal for an accounting package, which locks the period
 * (ADR 0018): in one transaction under the journal's advisory lock, the
 * journal is brought up to date, the period is locked (period_locks) and its
 * entries are read into the package's CSV. Entries dated inside a locked
 * period later are posted on the first open day (postJournal), so a period
 * once exported never changes and exporting it again gives the same file.
 */
import { sql } from "kysely";
import { exportRows, HEADERS, type ExportFormat, type ExportLine } from "~/domain/treasury/journal-export";
import { recordAudit } from "~/models/core/audit.server";
import type { Executor } from "~/utils/db.server";
import { toCsv } from "~/utils/csv.server";
import { dayAfter, lockedThrough, postJournal } from "./journal.server";

export type ExportOutcome = { ok: true; filename: string; csv: string; entries: number; lines: number } | { ok: false; field: "from" | "to"; reason: string };

function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** The journal lines of a period, in entry order, with the organisation's mapping of each account. */
export async function journalLines(db: Executor, organisationId: string, from: string, to: string): Promise<ExportLine[]> {
  const { rows } = await sql<{ entry_id: string; date: string; description: string; code: string; external_code: string; name: string; external_name: string; debit: string; credit: string }>`
    SELECT e.id::text AS entry_id, e.entry_date::text AS date, e.description, l.account_code AS code, c.external_code, c.name, c.external_name, l.debit::text AS debit, l.credit::text AS credit
      FROM journal_entries e
      JOIN journal_lines l ON l.entry_id = e.id
      JOIN chart_of_accounts c ON c.organisation_id = l.organisation_id AND c.code = l.account_code
     WHERE e.organisation_id = ${organisationId} AND e.entry_date BETWEEN ${from} AND ${to}
     ORDER BY e.entry_date, e.id, l.id`.execute(db);
  return rows.map((r) => ({
    entryId: r.entry_id, date: r.date, description: r.description, accountCode: r.external_code || r.code, accountName: r.external_name || r.name, debit: BigInt(r.debit), credit: BigInt(r.credit),
  }));
}

/**
 * Export the journal of `from`..`to` in a package's format and lock the
 * period through `to`. Refused: a period not yet over (it must end before
 * today), and a period that would leave a gap after the last locked one
 * (every day up to a lock has been exported).
 */
export function exportJournal(
  db: Executor,
  actorUserId: string | null,
  organisation: { id: string; slug: string; currency: string },
  input: { from: string; to: string; format: ExportFormat },
  today: string,
): Promise<ExportOutcome> {
  return inTransaction(db, async (trx) => {
    const { from, to, format } = input;
    if (to < from) return { ok: false, field: "to", reason: "The period ends before it starts." };
    if (to >= today) return { ok: false, field: "to", reason: `A period can be exported once it is over: choose a last day before today (${today}).` };
    // postJournal takes the journal's lock: nothing posts between reading the lock and writing the new one.
    await postJournal(trx, organisation.id);
    const locked = await lockedThrough(trx, organisation.id);
    if (locked && from > dayAfter(locked)) {
      return { ok: false, field: "from", reason: `The books are locked through ${locked}: the next export starts on ${dayAfter(locked)} at the latest, so no days go unexported.` };
    }
    const lock = await trx.insertInto("period_locks").values({ organisation_id: organisation.id, period_from: from, locked_through: to, format, exported_by: actorUserId }).returning("id").executeTakeFirstOrThrow();
    const lines = await journalLines(trx, organisation.id, from, to);
    await recordAudit(trx, {
      organisationId: organisation.id, actorUserId, action: "books.exported", entityType: "period_lock", entityId: String(lock.id),
      after: { from, to, format, lines: lines.length, lockedThrough: locked && locked > to ? locked : to },
    });
    const csv = toCsv(HEADERS[format], exportRows(format, lines, { currency: organisation.currency }));
    return { ok: true, filename: `journal-${organisation.slug}-${from}-to-${to}-${format}.csv`, csv, entries: new Set(lines.map((l) => l.entryId)).size, lines: lines.length };
  });
}
