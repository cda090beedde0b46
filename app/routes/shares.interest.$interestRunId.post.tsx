import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { interestRunExists, postInterestRun } from "~/models/shares/interest-runs.server";
import { z } from "zod";
import { CONFIRMATION_MISSING, confirmed, isoDate, keyed, SUBMISSION_KEY_MISSING } from "~/schemas/common";
import { once } from "~/models/core/form-submissions.server";
import { parseForm } from "~/utils/forms.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { readForm } from "~/utils/forms.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { action: "shares:write" };
/** The posting date, with the run page's one-time key: a double click posts once. */
const PostRunSchema = keyed(z.object({ on: isoDate, confirmed }));

/** Posting an approved run: a separate route because it needs the secretary's permission, approval the board's. */
export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const id = idParam(params, "interestRunId");
  const db = await getDb();
  if (!(await interestRunExists(db, ctx.organisation.id, id))) throw notFoundResponse();
  const submission = parseForm(await readForm(request), { schema: PostRunSchema });
  if (submission.status !== "success") {
    const e = submission.error ?? {};
    return new Response(e[""] ? SUBMISSION_KEY_MISSING : e.confirmed ? CONFIRMATION_MISSING : "Enter the posting date as YYYY-MM-DD", { status: 400 });
  }
  const v = submission.value;
  const r = await moneyTransaction(db, (trx) =>
    once(trx, ctx, `shares/interest/${id}/post`, v, async () => {
      const done = await postInterestRun(trx, ctx.user.id, ctx.organisation.id, id, v.on, ctx.organisation);
      return done && done.ok ? { ok: true as const } : done;
    }),
  );
  if (!r) throw notFoundResponse();
  if (!r.ok) return new Response(r.reason, { status: 409 });
  return redirect(`/shares/interest/${id}`);
}
