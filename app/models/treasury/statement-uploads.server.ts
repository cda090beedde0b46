import type { StatementError } from "~/domain/treasury";
import { CsvMappingSchema, type CsvMapping } from "~/domain/treasury/layouts";
import type { Database, Executor } from "~/utils/db.server";
import { enqueueUploadImport } from "~/utils/jobs.server";
import { getBankAccount, importStatement, saveCsvMapping } from "./statements.server";

/*
 * Large statement files are imported by a job (docs/treasury.md): the
 * request checks the file's format, keeps it in statement_uploads and
 * enqueues the job; the job imports it all or nothing in one transaction,
 * telling the job's progress as it writes, and records the outcome on the
 * upload for the progress page. Small files are still imported while the
 * person waits (statements.server.ts importStatement).
 */

export const STATEMENT_IMPORT_JOB = "treasury.import-statement";

/** Files with at least this many text lines go to the job; smaller ones import in the request. */
export const INLINE_IMPORT_LINES = 1000;

export type StatementUploadOutcome =
  | { ok: true; importId: string; linesNew: number; linesExisting: number; firstDate: string; lastDate: string }
  | { ok: false; errors: StatementError[]; total: number };

/**
 * Keeps a checked statement file and enqueues its import, in the caller's
 * transaction (the file and its job exist together or not at all). Returns
 * the job's id, or null when the account is not the organisation's.
 */
export async function keepStatementUpload(
  db: Executor,
  input: { organisationId: string; bankAccountId: string; actorUserId: string | null; filename: string; bytes: Uint8Array; mapping?: CsvMapping | null },
): Promise<bigint | null> {
  const { organisationId, bankAccountId } = input;
  if (!(await getBankAccount(db, organisationId, bankAccountId))) return null;
  const upload = await db
    .insertInto("statement_uploads")
    .values({
      organisation_id: organisationId, bank_account_id: bankAccountId, filename: input.filename.slice(0, 255) || "statement", bytes: input.bytes,
      csv_mapping: input.mapping ? JSON.stringify(input.mapping) : null, uploaded_by: input.actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const jobId = await enqueueUploadImport(db, { table: "statement_uploads", organisationId, id: upload.id, kind: STATEMENT_IMPORT_JOB });
  // The audit trail records the import when the job makes it ("statement.imported", by the person who uploaded).
  return jobId;
}

/**
 * The import job's work: imports the kept file in one transaction and
 * records the outcome on the upload (in that same transaction when it
 * imported, so the lines and "imported" are committed together). A file with
 * problems is refused whole: nothing of it is written, every problem is kept
 * with its line number. `report(percent, message)` is told as the new lines
 * are written; it must write outside this transaction (the job's progress is
 * read by other connections while the import runs).
 */
export async function runStatementUpload(
  db: Database,
  organisationId: string,
  uploadId: string,
  report?: (percent: number, message: string) => Promise<void>,
): Promise<StatementUploadOutcome> {
  return db.transaction().execute(async (trx) => {
    // Read and locked in the transaction that imports: a second run of the same upload at once (a job claimed again
    // while the first still runs) waits here, then finds it imported and does nothing twice.
    const upload = await trx
      .selectFrom("statement_uploads")
      .select(["id", "bank_account_id", "filename", "bytes", "csv_mapping", "status", "outcome", "uploaded_by"])
      .where("organisation_id", "=", organisationId)
      .where("id", "=", uploadId)
      .forUpdate()
      .executeTakeFirst();
    if (!upload) throw new Error(`there is no statement upload ${uploadId}`);
    if (upload.status !== "waiting" || !upload.bytes) return upload.outcome as unknown as StatementUploadOutcome;
    const bytes = new Uint8Array(upload.bytes);
    const remembered = CsvMappingSchema.safeParse(upload.csv_mapping);
    const mapping = upload.csv_mapping && remembered.success ? remembered.data : null;
    const result = await importStatement(trx, {
      organisationId, bankAccountId: upload.bank_account_id, actorUserId: upload.uploaded_by, filename: upload.filename, bytes, mapping,
      onProgress: report ? (done, total) => report(total ? (done / total) * 100 : 100, `${done.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")} new lines written`) : undefined,
    });
    let outcome: StatementUploadOutcome;
    if (result.ok) {
      if (mapping) await saveCsvMapping(trx, organisationId, upload.uploaded_by, upload.bank_account_id, mapping);
      outcome = { ok: true, importId: result.importId, linesNew: result.linesNew, linesExisting: result.linesExisting, firstDate: result.firstDate, lastDate: result.lastDate };
    } else {
      // The request checked the layout, but a remembered mapping may have changed since: say what to do rather than show the mapping step here.
      const errors = "needsMapping" in result ? [{ line: result.needsMapping.firstLine, reason: "The app does not know this CSV layout: import the file again from the account's page and say which column is which." }] : result.errors;
      outcome = { ok: false, errors, total: errors.length };
    }
    await trx
      .updateTable("statement_uploads")
      .set({ status: outcome.ok ? "imported" : "refused", bytes: null, outcome: JSON.stringify(outcome) })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", uploadId)
      .execute();
    return outcome;
  });
}

/** The upload a statement import job works on, with its outcome once there is one; undefined for another organisation's job. */
export async function getStatementUploadForJob(db: Executor, organisationId: string, jobId: bigint) {
  const row = await db
    .selectFrom("statement_uploads")
    .innerJoin("bank_accounts", (j) => j.onRef("bank_accounts.id", "=", "statement_uploads.bank_account_id").onRef("bank_accounts.organisation_id", "=", "statement_uploads.organisation_id"))
    .select(["statement_uploads.id", "statement_uploads.bank_account_id", "bank_accounts.name as account_name", "statement_uploads.filename", "statement_uploads.status", "statement_uploads.outcome", "statement_uploads.uploaded_at"])
    .where("statement_uploads.organisation_id", "=", organisationId)
    .where("statement_uploads.job_id", "=", jobId)
    .executeTakeFirst();
  return row ? { ...row, outcome: row.outcome as unknown as StatementUploadOutcome | null } : undefined;
}
