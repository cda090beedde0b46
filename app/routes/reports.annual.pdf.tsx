import type { LoaderFunctionArgs } from "@remix-run/node";
import { annualFigures, annualLines, annualNotEndedNote } from "~/models/impact/impact-figures.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { yearEndParam } from "~/web/params.server";
import * as clock from "~/utils/clock.server";
import { BOLD, FONT, pdfResponse, pdfTable, renderPdf } from "~/utils/pdf.server";
import { requirePermission } from "~/web/session.server";
import { displayLongDate } from "~/domain/locale";

export const access: RouteAccess = { loader: "impact:read" };

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const yearEnd = yearEndParam(request, clock.today(ctx.organisation));
  const f = await annualFigures(await getDb(), ctx.organisation.id, yearEnd, clock.today(ctx.organisation));
  const notEnded = annualNotEndedNote(f, ctx.organisation.locale);
  const day = (iso: string) => displayLongDate(iso, ctx.organisation.locale);
  const lines = annualLines(f, ctx.organisation);
  const pdf = await renderPdf(
    (doc) => {
      doc.font(BOLD).fontSize(16).text(`${ctx.organisation.name}`);
      doc.font(FONT).fontSize(11).text(`Annual return figures: ${day(f.yearStart)} to ${day(f.figuresTo)}`);
      if (notEnded) doc.moveDown(0.5).font(BOLD).fontSize(11).text(notEnded).font(FONT);
      doc.moveDown();
      pdfTable(doc, [{ header: "Figure", width: 340 }, { header: "Value", width: 150, align: "right" }], lines.map((l) => [l.label, l.display]), { fontSize: 10 });
      doc.moveDown();
      doc.fontSize(8).text("Worked out from the register and the share and loan ledgers. Check against the audited accounts before filing.");
    },
    { title: `${ctx.organisation.name} annual return figures ${f.yearEnd}` },
  );
  return pdfResponse(`${ctx.organisation.slug}-annual-return-${yearEnd}.pdf`, pdf);
}
