import type { LoaderFunctionArgs } from "@remix-run/node";
import { formatMinor } from "~/domain/money";
import { anchorReport, getAnchor } from "~/models/impact/procurement.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { idParam } from "~/web/params.server";
import { orNotFound } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "impact:read" };

/** Spend by period (local and wider share), or ?figure=opportunities for the non-local categories. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const db = await getDb();
  const anchor = orNotFound(await getAnchor(db, ctx.organisation.id, idParam(params, "anchorId", "No such anchor institution")), "No such anchor institution");
  const { report } = await anchorReport(db, ctx.organisation.id, anchor.id);
  const slug = anchor.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  if (new URL(request.url).searchParams.get("figure") === "opportunities") {
    return csvResponse(
      `${slug}-non-local-spend.csv`,
      toCsv(["category", "non_local_spend", "share_of_non_local_percent", "lines"], report.opportunities.map((o) => [o.key, formatMinor(o.amount), o.percent ?? "", o.count])),
    );
  }
  return csvResponse(
    `${slug}-local-spend.csv`,
    toCsv(
      ["period", "total_spend", "local_spend", "local_percent", "wider_area_spend", "wider_area_percent"],
      [
        ...report.byPeriod.map((p) => [p.period, formatMinor(p.total), formatMinor(p.local), p.localPercent ?? "", formatMinor(p.wider), p.widerPercent ?? ""]),
        ["all periods", formatMinor(report.overall.total), formatMinor(report.overall.local), report.overall.localPercent ?? "", formatMinor(report.overall.wider), report.overall.widerPercent ?? ""],
      ],
    ),
  );
}
