import type { LoaderFunctionArgs } from "@remix-run/node";
import { impactStatementPdf } from "~/models/impact/impact-statement-pdf.server";
import { memberImpactStatement } from "~/models/impact/impact-statements.server";
import { uuid } from "~/schemas/common";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { yearEndParam } from "~/web/params.server";
import * as clock from "~/utils/clock.server";
import { pdfResponse } from "~/utils/pdf.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "register:read" };

/** Any member's annual statement, for officers who keep the register (to post or email it). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:read");
  if (!uuid.safeParse(params.statementMemberId).success) throw notFoundResponse("No such member");
  const yearEnd = yearEndParam(request, clock.today(ctx.organisation));
  const statement = await memberImpactStatement(await getDb(), ctx.organisation.id, params.statementMemberId!, yearEnd);
  if (!statement) throw notFoundResponse("No such member");
  return pdfResponse(`statement-${statement.member.member_number}-${yearEnd}.pdf`, await impactStatementPdf(statement, ctx.organisation));
}
