import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { interestRunExists, postInterestRun } from "~/models/interest.server";
import { isoDate } from "~/schemas/common";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/utils/params.server";
import { requirePermission } from "~/utils/session.server";
import { readForm } from "~/utils/forms.server";

export const access: RouteAccess = { action: "shares:write" };

/** Posting an approved run: a separate route because it needs the secretary's permission, approval the board's. */
export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const id = idParam(params, "interestRunId");
  const db = await getDb();
  if (!(await interestRunExists(db, ctx.organisation.id, id))) throw new Response("Not found", { status: 404 });
  const on = isoDate.safeParse((await readForm(request)).get("on"));
  if (!on.success) return new Response("Enter the posting date as YYYY-MM-DD", { status: 400 });
  const r = await db.transaction().execute((trx) => postInterestRun(trx, ctx.user.id, ctx.organisation.id, id, on.data, ctx.organisation.currency));
  if (!r) throw new Response("Not found", { status: 404 });
  if (!r.ok) return new Response(r.reason, { status: 409 });
  return redirect(`/shares/interest/${id}`);
}
