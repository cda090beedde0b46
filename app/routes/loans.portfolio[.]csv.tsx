import type { LoaderFunctionArgs } from "@remix-run/node";
import { PORTFOLIO_CSV_HEADER, portfolioCsvRows } from "~/models/lending/portfolio.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, csvStreamOfBatches } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "loans:read" };

/** The whole book as CSV, streamed from one cursor a batch of loans at a time, never all in memory. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const today = clock.today(ctx.organisation);
  return csvResponse(`portfolio-${today}.csv`, csvStreamOfBatches(PORTFOLIO_CSV_HEADER, portfolioCsvRows(await getDb(), ctx.organisation.id, today)));
}
