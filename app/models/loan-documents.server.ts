import type { Executor } from "~/utils/db.server";
import { recordAudit } from "./audit.server";

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/*
 * Only these types are served with their own Content-Type; anything else is
 * served as a plain download (application/octet-stream), so an uploaded HTML
 * or SVG file can never run as a page of this site.
 */
const SAFE_TYPES = new Set(["application/pdf", "image/png", "image/jpeg", "text/csv", "text/plain",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]);

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
  file: { filename: string; contentType: string; bytes: Uint8Array },
): Promise<{ ok: true; id: string } | { ok: false; reason: string }> {
  if (!(await targetExists(db, organisationId, target))) return { ok: false, reason: "No such application or loan." };
  if (file.bytes.length === 0) return { ok: false, reason: "Choose a file to upload." };
  if (file.bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, reason: "Files can be at most 5 MB." };
  // No path separators or control characters in a stored name.
  const filename = [...file.filename].map((c) => (c === "/" || c === "\\" || c.charCodeAt(0) < 32 ? "_" : c)).join("").slice(0, 200) || "document";
  const row = await db
    .insertInto("loan_documents")
    .values({
      organisation_id: organisationId,
      application_id: target.applicationId ?? null,
      loan_id: target.loanId ?? null,
      filename,
      content_type: file.contentType || "application/octet-stream",
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
    after: { documentId: row.id, filename, size: file.bytes.length },
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
