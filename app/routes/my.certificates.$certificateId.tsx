import type { LoaderFunctionArgs } from "@remix-run/node";
import { certificatePdf } from "~/models/shares/certificates.server";
import { getCertificate } from "~/models/shares/share-classes-and-holdings.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { pdfResponse } from "~/utils/pdf.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "self:read" };

/** A member's own certificate; anyone else's is "not found". */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:read");
  const id = idParam(params, "certificateId");
  if (!ctx.memberId) throw notFoundResponse();
  const cert = await getCertificate(await getDb(), ctx.organisation.id, id);
  if (!cert || cert.member_id !== ctx.memberId) throw notFoundResponse();
  return pdfResponse(`certificate-${cert.number}.pdf`, await certificatePdf(cert, ctx.organisation.name, ctx.organisation), "inline");
}
