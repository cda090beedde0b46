import type { LoaderFunctionArgs } from "@remix-run/node";
import { impactStatementPdf } from "~/models/impact/impact-statement-pdf.server";
import { memberImpactStatement } from "~/models/impact/impact-statements.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { yearEndParam } from "~/web/params.server";
import * as clock from "~/utils/clock.server";
import { pdfResponse } from "~/utils/pdf.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "self:read" };

/** The signed-in member's own annual statement as PDF (?yearEnd=YYYY-MM-DD, default last 31 December). */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:read");
  if (!ctx.memberId) throw notFoundResponse("Your login is not linked to an entry on the register, so there is no statement to show.");
  const yearEnd = yearEndParam(request, clock.today(ctx.organisation));
  const statement = await memberImpactStatement(await getDb(), ctx.organisation.id, ctx.memberId, yearEnd);
  if (!statement) throw notFoundResponse("No such member");
  return pdfResponse(`statement-${statement.member.member_number}-${yearEnd}.pdf`, await impactStatementPdf(statement, ctx.organisation));
}
