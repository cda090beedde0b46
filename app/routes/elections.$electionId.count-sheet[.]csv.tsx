import type { LoaderFunctionArgs } from "@remix-run/node";
import { countSheetRows } from "~/models/governance/elections.server";
import { getMotion, getResult } from "~/models/governance/meetings.server";
import type { StvResult } from "~/domain/voting/stv";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:read" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const db = await getDb();
  const id = idParam(params, "electionId");
  const motion = await getMotion(db, ctx.organisation.id, id);
  const result = motion?.status === "closed" ? await getResult(db, ctx.organisation.id, id) : null;
  const stv = (result?.outcome as { stv?: StvResult } | undefined)?.stv;
  if (!motion || !stv) throw notFoundResponse("No count sheet (yet) for that election.");
  const { header, rows } = countSheetRows(stv);
  return csvResponse(`count-sheet-${motion.position}.csv`, toCsv(header, rows));
}
