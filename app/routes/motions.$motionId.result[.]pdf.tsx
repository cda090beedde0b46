import type { LoaderFunctionArgs } from "@remix-run/node";
import { certifiedResultRows } from "~/models/governance/result-certificates.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { BOLD, FONT, pdfResponse, pdfTable, renderPdf } from "~/utils/pdf.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:read" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const cert = await certifiedResultRows(await getDb(), ctx.organisation.id, idParam(params, "motionId"));
  if (!cert) throw notFoundResponse("No certified result (yet) for that motion.");
  const pdf = await renderPdf(
    (doc) => {
      doc.font(BOLD).fontSize(16).text("Certified result");
      doc.moveDown(0.5);
      pdfTable(doc, [{ header: "", width: 160 }, { header: "", width: 330 }], cert.facts, { fontSize: 9 });
      doc.moveDown();
      const w = Math.floor(490 / cert.table.header.length);
      pdfTable(doc, cert.table.header.map((h, i) => ({ header: h, width: w, align: i === 0 ? "left" : "right" })), cert.table.rows, { fontSize: 9 });
      doc.moveDown();
      doc.font(FONT).fontSize(10);
      for (const r of cert.reasons) doc.text(r, { width: 490 });
      // Signed by the chair and the secretary, as minutes are.
      doc.moveDown(3);
      for (const who of ["Chair of the meeting", "Secretary"]) {
        doc.font(FONT).fontSize(10).text(`Signed: ______________________________   Date: ______________`, { width: 490 });
        doc.text(`${who}   Name: ______________________________`, { width: 490 });
        doc.moveDown(2);
      }
    },
    { title: `Certified result: ${cert.motion.title}` },
  );
  return pdfResponse(`result-motion-${cert.motion.position}.pdf`, pdf, "inline");
}
