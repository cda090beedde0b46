import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { exportJournal } from "~/models/treasury/journal-export.server";
import { ExportSchema } from "~/schemas/books";
import type { RouteAccess } from "~/utils/access";
import { csvResponse } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { action: "books:export" };

/** Export the journal of a period as the package's CSV, which locks the period; a refusal goes back to the books page with its reason. */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "books:export");
  const submission = parseForm(await readForm(request), { schema: ExportSchema });
  if (submission.status !== "success") {
    const first = Object.values(submission.error ?? {}).flat()[0] ?? "Choose a period and a format";
    return redirect(`/books?refused=${encodeURIComponent(first)}`);
  }
  const today = clock.today(ctx.organisation);
  const db = await getDb();
  const r = await moneyTransaction(db, (trx) => exportJournal(trx, ctx.user.id, ctx.organisation, submission.value, today));
  if (!r.ok) return redirect(`/books?refused=${encodeURIComponent(r.reason)}`);
  return csvResponse(r.filename, r.csv);
}
