import type { ImportError } from "~/domain/shares/import";
import { dateInZone } from "~/domain/today";
import type { Database, Executor } from "~/utils/db.server";
import { enqueueUploadImport } from "~/utils/jobs.server";
import { getOrganisation } from "../core/organisations.server";
import { importMembers } from "./members-import.server";

/*
 * Large members files are imported by a job (docs/shares.md "Importing
 * members"), as large bank statements are (statement-uploads.server.ts): the
 * request checks the file's format, keeps it in member_import_uploads and
 * enqueues the job; the job imports it all or nothing with importMembers in
 * one transaction, telling the job's progress as it writes, and records the
 * outcome on the upload for the progress page. Small files are still
 * imported while the person waits (the same importMembers).
 */

export const MEMBERS_IMPORT_JOB = "shares.import-members";

/** Files with at least this many text lines go to the job; smaller ones import in the request. */
export const INLINE_MEMBERS_IMPORT_LINES = 1000;

export type MembersUploadOutcome = { ok: true; members: number; shares: number } | { ok: false; errors: ImportError[]; total: number };

/** Problems kept on the upload for its page: every one is counted, the first thousand are listed. */
const KEPT_ERRORS = 1000;

/**
 * Keeps a members file whose format was checked and enqueues its import, in
 * the caller's transaction (the file and its job exist together or not at
 * all). Returns the job's id.
 */
export async function keepMembersUpload(db: Executor, input: { organisationId: string; actorUserId: string | null; filename: string; bytes: Uint8Array }): Promise<bigint> {
  const { organisationId } = input;
  const upload = await db
    .insertInto("member_import_uploads")
    .values({ organisation_id: organisationId, filename: input.filename.slice(0, 255) || "members.csv", bytes: input.bytes, uploaded_by: input.actorUserId })
    .returning("id")
    .executeTakeFirstOrThrow();
  const jobId = await enqueueUploadImport(db, { table: "member_import_uploads", organisationId, id: upload.id, kind: MEMBERS_IMPORT_JOB });
  // The audit trail records the import when the job makes it ("members.imported", by the person who uploaded).
  return jobId;
}

/**
 * The import job's work: imports the kept file in one transaction with
 * importMembers (the inline import's function: the same checks, writes and
 * audit entry) and records the outcome on the upload in that transaction. A
 * file with problems is refused whole: nothing of it is written, every
 * problem is counted and kept with its line number. `report(percent,
 * message)` is told as the members are written; it must write outside this
 * transaction (the job's progress is read by other connections meanwhile).
 */
export async function runMembersUpload(
  db: Database,
  organisationId: string,
  uploadId: string,
  now: Date,
  report?: (percent: number, message: string) => Promise<void>,
): Promise<MembersUploadOutcome> {
  return db.transaction().execute(async (trx) => {
    // Read and locked in the transaction that imports: a second run of the same upload at once (a job claimed again
    // while the first still runs) waits here, then finds it imported and does nothing twice.
    const upload = await trx
      .selectFrom("member_import_uploads")
      .select(["id", "bytes", "status", "outcome", "uploaded_by"])
      .where("organisation_id", "=", organisationId)
      .where("id", "=", uploadId)
      .forUpdate()
      .executeTakeFirst();
    if (!upload) throw new Error(`there is no members upload ${uploadId}`);
    if (upload.status !== "waiting" || !upload.bytes) return upload.outcome as unknown as MembersUploadOutcome;
    const bytes = new Uint8Array(upload.bytes);
    const org = await getOrganisation(trx, organisationId);
    // "Today" for the joining dates is the day the import runs, in the organisation's time zone, as in the request.
    const result = await importMembers(trx, upload.uploaded_by, org, bytes, dateInZone(now, org.timeZone),
      report ? (done, total) => report(total ? (done / total) * 100 : 100, `${done.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")} members written`) : undefined);
    const outcome: MembersUploadOutcome = result.ok ? { ok: true, members: result.members, shares: result.shares } : { ok: false, errors: result.errors.slice(0, KEPT_ERRORS), total: result.errors.length };
    await trx
      .updateTable("member_import_uploads")
      .set({ status: outcome.ok ? "imported" : "refused", bytes: null, outcome: JSON.stringify(outcome) })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", uploadId)
      .execute();
    return outcome;
  });
}

/** The upload a members import job works on, with its outcome once there is one; undefined for another organisation's job. */
export async function getMembersUploadForJob(db: Executor, organisationId: string, jobId: bigint) {
  const row = await db
    .selectFrom("member_import_uploads")
    .select(["id", "filename", "status", "outcome", "uploaded_at"])
    .where("organisation_id", "=", organisationId)
    .where("job_id", "=", jobId)
    .executeTakeFirst();
  return row ? { ...row, outcome: row.outcome as unknown as MembersUploadOutcome | null } : undefined;
}
