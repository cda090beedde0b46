import type { LoaderFunctionArgs } from "@remix-run/node";
import { proxyCandidates } from "~/models/governance/proxies.server";
import { ProxySearchSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { requireMeeting } from "~/web/ballot-forms.server";
import { queryParams } from "~/web/params.server";

export const access: RouteAccess = { loader: "ballots:cast" };

/** The proxy picker's search as you type: at most 20 admitted members of this organisation, by name or number. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { ctx, db } = await requireMeeting(request, params, "ballots:cast");
  const { q } = queryParams(request, ProxySearchSchema);
  const found = await proxyCandidates(db, ctx.organisation.id, { q, excludeMemberId: ctx.memberId });
  return Response.json({ q, candidates: found.map((c) => ({ id: c.id, name: c.name, number: c.member_number })) }, { headers: { "Cache-Control": "no-store" } });
}
