import type { LoaderFunctionArgs } from "@remix-run/node";
import { impactStatementPdf } from "~/models/impact/impact-statement-pdf.server";
import { memberImpactStatement } from "~/models/impact/impact-statements.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam, yearEndParam } from "~/web/params.server";
import * as clock from "~/utils/clock.server";
import { pdfResponse } from "~/utils/pdf.server";
import { requirePermission } from "~/web/session.server";
import { orNotFound } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "register:read" };

/** Any member's annual statement, for officers who keep the register (to post or email it). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:read");
  const memberId = idParam(params, "statementMemberId", "No such member");
  const yearEnd = yearEndParam(request, clock.today(ctx.organisation));
  const statement = orNotFound(await memberImpactStatement(await getDb(), ctx.organisation.id, memberId, yearEnd), "No such member");
  return pdfResponse(`statement-${statement.member.member_number}-${yearEnd}.pdf`, await impactStatementPdf(statement, ctx.organisation));
}
