import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDocument, servedContentType } from "~/models/lending/loan-documents.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:read" };

/** A lending document, always as a download (never shown inline as a page of this site). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const doc = await getDocument(await getDb(), ctx.organisation.id, idParam(params, "documentId"));
  if (!doc) throw notFoundResponse();
  return new Response(new Uint8Array(doc.content), {
    headers: {
      "Content-Type": servedContentType(doc.content_type),
      "Content-Disposition": `attachment; filename="${doc.filename.replace(/[^\w.-]+/g, "_")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
