import type { LoaderFunctionArgs } from "@remix-run/node";
import { formatMinor } from "~/domain/money";
import { REGISTER_CSV_HEADER, registerCsvCells, registerRows } from "~/models/shares/register.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, csvStream } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { registerExportParams } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "register:read" };

/** The register as CSV, streamed batch by batch so a large register never sits in memory. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:read");
  const today = clock.today(ctx.organisation);
  const { asAt, ...params } = registerExportParams(request, today);
  const db = await getDb();
  const rows = registerRows(db, ctx.organisation.id, { asAt, fromLedger: asAt !== today, q: params.q, status: params.status });
  async function* cells() {
    for await (const row of rows) yield registerCsvCells(row, (m) => formatMinor(m));
  }
  return csvResponse(`register-${ctx.organisation.slug}-${asAt}.csv`, csvStream(REGISTER_CSV_HEADER, cells()));
}
