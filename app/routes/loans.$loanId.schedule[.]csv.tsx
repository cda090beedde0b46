import type { LoaderFunctionArgs } from "@remix-run/node";
import { scheduleCsvRows } from "~/models/lending/loan-views.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:read" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const found = await scheduleCsvRows(await getDb(), ctx.organisation.id, params.loanId ?? "");
  if (!found) throw notFoundResponse("No such loan");
  return csvResponse(`loan-${found.loan.reference}-schedule.csv`, toCsv(["n", "due", "principal", "interest", "fees", "installment", "paid", "balance_after"], found.rows));
}
