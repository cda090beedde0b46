import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportBlt } from "~/models/governance/elections.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { Refusal } from "~/domain/refusal";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:read" };

/** The anonymous ballots of a closed election as BLT, so anyone can recount them with other software. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  try {
    const text = await exportBlt(await getDb(), ctx.organisation.id, idParam(params, "electionId"));
    if (text === null) throw notFoundResponse();
    return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Disposition": 'attachment; filename="ballots.blt"', "Cache-Control": "no-store" } });
  } catch (error) {
    // No ballot file until voting has closed: until then the file is not there to be had.
    if (error instanceof Refusal) throw notFoundResponse(error.message);
    throw error;
  }
}
