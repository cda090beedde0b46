import type { LoaderFunctionArgs } from "@remix-run/node";
import { certifiedResultRows } from "~/models/governance/result-certificates.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:read" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const cert = await certifiedResultRows(await getDb(), ctx.organisation.id, idParam(params, "motionId"));
  if (!cert) throw notFoundResponse("No certified result (yet) for that motion.");
  const rows: string[][] = [...cert.facts, [], cert.table.header, ...cert.table.rows, [], ...cert.reasons.map((r) => ["Reason", r])];
  return csvResponse(`result-motion-${cert.motion.position}.csv`, toCsv(["Certified result", ""], rows));
}
