import type { LoaderFunctionArgs } from "@remix-run/node";
import { formatMinor } from "~/domain/money";
import { portfolioLoans } from "~/models/lending/loans.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, toCsv } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "loans:read" };

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const today = clock.today(ctx.organisation);
  const loans = await portfolioLoans(await getDb(), ctx.organisation.id, today);
  const body = toCsv(
    ["loan", "borrower", "local", "status", "disbursed_on", "principal", "annual_rate", "apr", "principal_outstanding", "overdue", "next_due", "days_past_due", "bucket", "officer"],
    loans.map((l) => [l.reference, l.legal_name, l.is_local ? "yes" : "no", l.status, l.disbursed_on, formatMinor(l.principal), l.annual_rate, l.apr, formatMinor(l.outstanding), formatMinor(l.overdue), l.nextDue ?? "", l.dpd, l.bucket, l.officer_name ?? ""]),
  );
  return csvResponse(`portfolio-${today}.csv`, body);
}
