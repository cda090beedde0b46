import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { decideTransfer } from "~/models/shares-transfers.server";
import { TransferDecisionSchema } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/utils/session.server";
import { parseForm, readForm } from "~/utils/forms.server";

/** The board's decision on a transfer (its own route: the board decides, the secretary records). */
export const access: RouteAccess = { action: "shares:govern" };

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:govern");
  const submission = parseForm(await readForm(request), { schema: TransferDecisionSchema });
  if (submission.status !== "success") return new Response("Choose approve or reject", { status: 400 });
  const v = submission.value;
  const db = await getDb();
  const r = await db.transaction().execute((trx) => decideTransfer(trx, ctx.user.id, ctx.organisation.id, v.transferId, v.decision, v.on, v.note));
  if (!r) throw new Response("Not found", { status: 404 });
  if (!r.ok) return new Response(r.reason, { status: 409 });
  return redirect("/shares/transfers");
}
