import type { LoaderFunctionArgs } from "@remix-run/node";
import { annualFigures, annualLines } from "~/models/impact.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { yearEndParam } from "~/utils/params.server";
import * as clock from "~/utils/clock.server";
import { requirePermission } from "~/utils/session.server";

export const access: RouteAccess = { loader: "impact:read" };

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const yearEnd = yearEndParam(request, clock.today(ctx.organisation));
  const f = await annualFigures(await getDb(), ctx.organisation.id, yearEnd);
  return csvResponse(
    `${ctx.organisation.slug}-annual-return-${yearEnd}.csv`,
    toCsv(["figure", "label", "value", "year_start", "year_end"], annualLines(f, ctx.organisation.currency).map((l) => [l.key, l.label, l.plain, f.yearStart, f.yearEnd])),
  );
}
