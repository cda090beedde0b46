import type { LoaderFunctionArgs } from "@remix-run/node";
import { annualFigures, annualLines } from "~/models/impact/impact-figures.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { yearEndParam } from "~/web/params.server";
import * as clock from "~/utils/clock.server";
import { requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "impact:read" };

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const yearEnd = yearEndParam(request, clock.today(ctx.organisation));
  const f = await annualFigures(await getDb(), ctx.organisation.id, yearEnd, clock.today(ctx.organisation));
  return csvResponse(
    `${ctx.organisation.slug}-annual-return-${yearEnd}.csv`,
    // figures_to and year_ended say when the year has not ended: the figures then run to today, not the year end.
    toCsv(["figure", "label", "value", "year_start", "year_end", "figures_to", "year_ended"], annualLines(f, ctx.organisation).map((l) => [l.key, l.label, l.plain, f.yearStart, f.yearEnd, f.figuresTo, f.ended ? "yes" : "no"])),
  );
}
