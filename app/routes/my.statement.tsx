import type { LoaderFunctionArgs } from "@remix-run/node";
import { getMember } from "~/models/shares/members.server";
import { shareStatement, shareStatementPdf } from "~/models/shares/share-statements.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { pdfResponse } from "~/utils/pdf.server";
import { requirePermission } from "~/web/session.server";
import { z } from "zod";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "self:read" };

const Params = z.object({ year: z.coerce.number().int().min(1900).max(2200) });

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:read");
  const parsed = Params.safeParse({ year: new URL(request.url).searchParams.get("year") ?? new Date().getFullYear() - 1 });
  if (!parsed.success || !ctx.memberId) throw notFoundResponse();
  const db = await getDb();
  const member = await getMember(db, ctx.organisation.id, ctx.memberId);
  if (!member) throw notFoundResponse();
  const s = await shareStatement(db, ctx.organisation.id, member.id, parsed.data.year);
  const pdf = await shareStatementPdf(s, { organisation: ctx.organisation.name, name: member.name, number: member.member_number }, ctx.organisation);
  return pdfResponse(`statement-${parsed.data.year}.pdf`, pdf, "inline");
}
