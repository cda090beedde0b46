import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { addDocument } from "~/models/lending/loan-documents.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { requirePermission } from "~/web/session.server";
import { refusedCode } from "~/domain/refusal";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { action: "loans:write" };

const UploadSchema = z.union([
  z.object({ applicationId: z.string().uuid(), loanId: z.undefined().optional() }),
  z.object({ loanId: z.string().uuid(), applicationId: z.undefined().optional() }),
]);

/** Upload to an application's or a loan's file; back to its page with a message either way. */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    return new Response("Upload a file with the form on the application or loan page.", { status: 400 });
  }
  // Streamed in, and refused (413) as soon as the file passes this route's limit (5 MB, bodyLimits).
  const form = await readForm(request);
  const target = UploadSchema.safeParse({ applicationId: form.get("applicationId") || undefined, loanId: form.get("loanId") || undefined });
  if (!target.success) return new Response("Upload from an application or loan page.", { status: 400 });
  const back = target.data.applicationId ? `/applications/${target.data.applicationId}` : `/loans/${target.data.loanId}`;
  const file = form.get("file");
  const bytes = file instanceof Blob ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
  const db = await getDb();
  const added = await db.transaction().execute((trx) =>
    addDocument(trx, ctx.user.id, ctx.organisation.id, target.data, {
      filename: file instanceof File ? file.name : "document",
      contentType: file instanceof Blob ? file.type : "",
      bytes,
    }),
  );
  if (!added.ok && refusedCode(added) === "not-found") throw notFoundResponse();
  return redirect(`${back}?${added.ok ? "documentAdded=1" : `documentError=${encodeURIComponent(added.reason)}`}#documents`);
}
