import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { decideTransfer } from "~/models/shares/transfers.server";
import { TransferDecisionSchema } from "~/schemas/shares";
import { CONFIRMATION_MISSING, keyed, SUBMISSION_KEY_MISSING } from "~/schemas/common";
import { once } from "~/models/core/form-submissions.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse } from "~/web/refusals.server";

/** The board's decision on a transfer (its own route: the board decides, the secretary records). */
export const access: RouteAccess = { action: "shares:govern" };
/** With the one-time key of the transfers page: a double click decides once. */
const DecisionForm = keyed(TransferDecisionSchema);

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:govern");
  const submission = parseForm(await readForm(request), { schema: DecisionForm });
  // Refusals go back to the transfers page, shown there, rather than to a bare error page.
  const back = (reason: string) => redirect(`/shares/transfers?error=${encodeURIComponent(reason)}`);
  if (submission.status !== "success") {
    const e = submission.error ?? {};
    return back(e[""] ? SUBMISSION_KEY_MISSING : e.note ? String(e.note[0]) : e.confirmed ? CONFIRMATION_MISSING : "Choose approve or reject, and keep the board minute under 500 characters.");
  }
  const v = submission.value;
  const db = await getDb();
  const r = await moneyTransaction(db, (trx) =>
    once(trx, ctx, `shares/transfers/${v.transferId}/decide`, v, async () => {
      const done = await decideTransfer(trx, ctx.user.id, ctx.organisation.id, v.transferId, v.decision, v.on, v.note);
      return done && done.ok ? { ok: true as const } : done;
    }),
  );
  if (!r) throw notFoundResponse();
  if (!r.ok) return back(r.reason);
  return redirect("/shares/transfers");
}
