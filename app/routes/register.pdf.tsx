import type { LoaderFunctionArgs } from "@remix-run/node";
import { displayLongDate } from "~/domain/locale";
import { displayMoney } from "~/domain/money";
import { registerRows } from "~/models/shares/register.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { BOLD, FONT, pdfResponse, pdfTable, renderPdf } from "~/utils/pdf.server";
import { registerExportParams } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "register:read" };

/** A printed register is for inspection and filing; beyond this many rows the CSV is the right tool. */
const PDF_ROW_LIMIT = 20_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:read");
  const today = clock.today(ctx.organisation);
  const { asAt, ...params } = registerExportParams(request, today);
  const cur = ctx.organisation;
  const rows: string[][] = [];
  let more = false;
  for await (const r of registerRows(await getDb(), ctx.organisation.id, { asAt, fromLedger: asAt !== today, q: params.q, status: params.status })) {
    if (rows.length === PDF_ROW_LIMIT) {
      more = true;
      break;
    }
    rows.push([
      r.memberNumber, `${r.name}\n${r.address}${r.email ? `\n${r.email}` : ""}`,
      r.shares.map((s) => `${s.className}: ${s.shares}`).join("\n") || "0", displayMoney(r.totalAmountPaid, cur),
      r.otherProperty.map((p) => `${p.description}: ${displayMoney(p.amount, cur)}`).join("\n"), r.dateEntered, r.dateCeased ?? "",
    ]);
  }
  const pdf = await renderPdf((doc) => {
    doc.font(BOLD).fontSize(14).text(`${ctx.organisation.name}: register of members`);
    doc.font(FONT).fontSize(9).text(`As at ${displayLongDate(asAt, ctx.organisation.locale)}. Kept under s.30 of the Co-operative and Community Benefit Societies Act 2014.${more ? ` First ${PDF_ROW_LIMIT} members only: use the CSV for the full register.` : ""}`);
    doc.moveDown();
    pdfTable(doc, [
      { header: "No.", width: 36, align: "right" }, { header: "Name, address, email", width: 150 }, { header: "Shares held", width: 85 },
      { header: "Amount paid", width: 60, align: "right" }, { header: "Other property", width: 70 }, { header: "Entered", width: 50 }, { header: "Ceased", width: 48 },
    ], rows);
  }, { title: `Register of members as at ${displayLongDate(asAt, ctx.organisation.locale)}` });
  return pdfResponse(`register-${ctx.organisation.slug}-${asAt}.pdf`, pdf, "inline");
}
