import type { LoaderFunctionArgs } from "@remix-run/node";
import { impactDashboard } from "~/models/impact/impact-figures.server";
import { FigureSchema } from "~/schemas/impact";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { futureDateRefusal } from "~/domain/as-at";
import { Refusal } from "~/domain/refusal";
import { refusalResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "impact:read" };

/** One dashboard figure as CSV: ?figure=capital|lending|jobs|members|sector|ownership|leadership&asAt=YYYY-MM-DD. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const parsed = FigureSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response("Say which figure (capital, lending, jobs, members, sector, ownership or leadership) and, if you like, a date as YYYY-MM-DD.", { status: 400 });
  const today = clock.today(ctx.organisation);
  if (parsed.data.asAt && parsed.data.asAt > today) throw new Response(futureDateRefusal(parsed.data.asAt, today), { status: 400 });
  const asAt = parsed.data.asAt ?? today;
  let d;
  try {
    // A download is always of the ledger as it stands, never a page's last working-out.
    d = await impactDashboard(await getDb(), ctx.organisation.id, asAt, ctx.organisation, 24, { exact: true });
  } catch (error) {
    if (error instanceof Refusal) throw refusalResponse(error);
    throw error;
  }
  const name = `${ctx.organisation.slug}-${parsed.data.figure}-${asAt}.csv`;
  const t = d.trends;
  switch (parsed.data.figure) {
    case "capital":
      return csvResponse(name, toCsv(["month_end", "share_capital", "held_by_local_members", "local_percent"], t.map((p) => [p.monthEnd, p.capitalTotal, p.capitalLocal, p.capitalLocalPercent ?? ""])));
    case "lending":
      return csvResponse(name, toCsv(["month_end", "principal_outstanding", "to_local_businesses", "local_percent"], t.map((p) => [p.monthEnd, p.lendingTotal, p.lendingLocal, p.lendingLocalPercent ?? ""])));
    case "jobs":
      return csvResponse(name, toCsv(["month_end", "jobs_created", "jobs_safeguarded"], t.map((p) => [p.monthEnd, p.jobsCreated, p.jobsSafeguarded])));
    case "members":
      return csvResponse(name, toCsv(["month_end", "members", "local_members", "joined", "left"], t.map((p) => [p.monthEnd, p.members, p.localMembers, p.joined, p.left])));
    case "leadership":
      // Lending outstanding to women-led and to minority-ethnic-led businesses as at the date, and its share of all lending.
      return csvResponse(name, toCsv(["as_at", "businesses", "loans", "principal_outstanding", "percent_of_all_lending"], d.byLeadership.map((l) => [asAt, l.label, l.loans, l.plain, l.percent ?? ""])));
    case "sector":
    case "ownership": {
      const lines = parsed.data.figure === "sector" ? d.bySector : d.byOwnership;
      return csvResponse(name, toCsv([parsed.data.figure, "principal_outstanding", "percent", "loans"], lines.map((l) => [l.key, l.plain, l.percent ?? "", l.count])));
    }
  }
}
