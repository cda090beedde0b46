import type { LoaderFunctionArgs } from "@remix-run/node";
import { formatMinor } from "~/domain/money";
import { getOrganisation } from "~/models/core/organisations.server";
import { getAnchor, getImpactSettings, procurementReport } from "~/models/impact/procurement.server";
import { uuid } from "~/schemas/common";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "impact:read" };

/** Spend by period (local and wider share), or ?figure=opportunities for the non-local categories. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  if (!uuid.safeParse(params.anchorId).success) throw notFoundResponse("No such anchor institution");
  const db = await getDb();
  const anchor = await getAnchor(db, ctx.organisation.id, params.anchorId!);
  if (!anchor) throw notFoundResponse("No such anchor institution");
  const [org, settings] = await Promise.all([getOrganisation(db, ctx.organisation.id), getImpactSettings(db, ctx.organisation.id)]);
  const report = await procurementReport(db, ctx.organisation.id, anchor.id, org.local_area, settings.widerArea);
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
