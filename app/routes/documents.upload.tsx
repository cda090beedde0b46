import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { z } from "zod";
import { addDocument, MAX_DOCUMENT_BYTES, TOO_BIG } from "~/models/loan-documents.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/utils/session.server";

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
  // A file over the limit is not an error page: the rest of the form is still read (it says which page the
  // upload came from) and the person goes back there with the reason shown beside the upload form.
  let tooBig = false;
  const fields = unstable_createMemoryUploadHandler({ maxPartSize: 64 * 1024 });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, async (part) => {
      if (part.name !== "file" || part.filename === undefined) return fields(part);
      // Hold at most one byte over the limit (enough to know the file is too big); read and drop the rest.
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let size = 0;
      for await (const chunk of part.data) {
        size += chunk.byteLength;
        if (size <= MAX_DOCUMENT_BYTES + 1) chunks.push(new Uint8Array(chunk));
      }
      if (size > MAX_DOCUMENT_BYTES) {
        tooBig = true;
        return null;
      }
      return new File(chunks, part.filename, { type: part.contentType });
    });
  } catch {
    return new Response("Upload a file with the form on the application or loan page.", { status: 400 });
  }
  const target = UploadSchema.safeParse({ applicationId: form.get("applicationId") || undefined, loanId: form.get("loanId") || undefined });
  if (!target.success) return new Response("Upload from an application or loan page.", { status: 400 });
  const back = target.data.applicationId ? `/applications/${target.data.applicationId}` : `/loans/${target.data.loanId}`;
  if (tooBig) return redirect(`${back}?documentError=${encodeURIComponent(TOO_BIG)}#documents`);
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
  if (!added.ok && added.reason === "No such application or loan.") throw new Response("Not found", { status: 404 });
  return redirect(`${back}?${added.ok ? "documentAdded=1" : `documentError=${encodeURIComponent(added.reason)}`}#documents`);
}
