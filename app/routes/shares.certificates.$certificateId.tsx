import type { LoaderFunctionArgs } from "@remix-run/node";
import { certificatePdf } from "~/models/shares/certificates.server";
import { getCertificate } from "~/models/shares/share-classes-and-holdings.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { pdfResponse } from "~/utils/pdf.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "shares:read" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const id = idParam(params, "certificateId");
  const cert = await getCertificate(await getDb(), ctx.organisation.id, id);
  if (!cert) throw notFoundResponse();
  return pdfResponse(`certificate-${cert.number}.pdf`, await certificatePdf(cert, ctx.organisation.name, ctx.organisation), "inline");
}
