import { checkUpload, UPLOAD_KINDS } from "~/domain/uploads";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { notFoundResult, type Refused } from "~/domain/refusal";

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const TOO_BIG = "Files can be at most 5 MB. Make the file smaller (a lower resolution scan, or fewer pages) and upload it again.";

/*
 * Only the kinds uploads are checked against (app/domain/uploads.ts) are
 * served with their own Content-Type; anything else (a file stored before
 * that check) is served as a plain download (application/octet-stream), so
 * an uploaded HTML or SVG file can never run as a page of this site.
 */
const SAFE_TYPES = new Set(Object.values(UPLOAD_KINDS).map((k) => k.contentType));

export function servedContentType(stored: string) {
  return SAFE_TYPES.has(stored) ? stored : "application/octet-stream";
}

export type DocumentTarget = { applicationId: string; loanId?: undefined } | { loanId: string; applicationId?: undefined };

/** The application or loan exists in this organisation (else the upload is refused as not found). */
async function targetExists(db: Executor, organisationId: string, target: DocumentTarget) {
  const row = target.applicationId
    ? await db.selectFrom("loan_applications").select("id").where("organisation_id", "=", organisationId).where("id", "=", target.applicationId).executeTakeFirst()
    : await db.selectFrom("loans").select("id").where("organisation_id", "=", organisationId).where("id", "=", target.loanId!).executeTakeFirst();
  return !!row;
}

export async function addDocument(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  target: DocumentTarget,
  /** contentType is what the browser claimed: kept for the caller's convenience, never trusted or stored. */
  file: { filename: string; contentType?: string; bytes: Uint8Array },
): Promise<{ ok: true; id: string } | Refused> {
  if (!(await targetExists(db, organisationId, target))) return notFoundResult("No such application or loan.");
  if (file.bytes.length === 0) return { ok: false, reason: "Choose a file to upload." };
  if (file.bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, reason: TOO_BIG };
  // What the file is comes from its bytes, not the name or type the browser sent; the stored name is rebuilt safe.
  const checked = checkUpload(file.filename, file.bytes);
  if (!checked.ok) return { ok: false, reason: checked.reason };
  const filename = checked.filename;
  const row = await db
    .insertInto("loan_documents")
    .values({
      organisation_id: organisationId,
      application_id: target.applicationId ?? null,
      loan_id: target.loanId ?? null,
      filename,
      content_type: checked.contentType,
      size: file.bytes.length,
      content: file.bytes,
      uploaded_by: actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "loan.document_added",
    entityType: target.applicationId ? "loan_application" : "loan",
    entityId: (target.applicationId ?? target.loanId)!,
    after: { documentId: row.id, filename, kind: checked.kind, size: file.bytes.length },
  });
  return { ok: true, id: row.id };
}

/** The documents of an application, and of a loan together with its application's. */
export async function listDocuments(db: Executor, organisationId: string, target: { applicationId?: string | null; loanId?: string | null }) {
  return db
    .selectFrom("loan_documents as d")
    .leftJoin("users as u", "u.id", "d.uploaded_by")
    .select(["d.id", "d.filename", "d.size", "d.uploaded_at", "u.name as uploaded_by"])
    .where("d.organisation_id", "=", organisationId)
    .where((eb) =>
      eb.or([
        ...(target.applicationId ? [eb("d.application_id", "=", target.applicationId)] : []),
        ...(target.loanId ? [eb("d.loan_id", "=", target.loanId)] : []),
        ...(!target.applicationId && !target.loanId ? [eb.val(false)] : []),
      ]),
    )
    .orderBy("d.uploaded_at")
    .execute();
}

export async function getDocument(db: Executor, organisationId: string, documentId: string) {
  return db
    .selectFrom("loan_documents")
    .select(["id", "filename", "content_type", "content"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", documentId)
    .executeTakeFirst();
}
