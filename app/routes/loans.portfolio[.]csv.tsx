import type { LoaderFunctionArgs } from "@remix-run/node";
import { formatMinor } from "~/domain/money";
import { portfolioLoansInBatches } from "~/models/lending/portfolio.server";
import type { RouteAccess } from "~/utils/access";
import { csvResponse, csvStream } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "loans:read" };

/** The whole book as CSV, streamed a batch of loans at a time (keyset paging by reference), never all in memory. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const today = clock.today(ctx.organisation);
  const loans = portfolioLoansInBatches(await getDb(), ctx.organisation.id, today);
  async function* cells() {
    for await (const l of loans) yield [l.reference, l.legal_name, l.is_local ? "yes" : "no", l.status, l.disbursed_on, formatMinor(l.principal), l.annual_rate, l.apr, formatMinor(l.outstanding), formatMinor(l.overdue), l.nextDue ?? "", l.dpd, l.bucket, l.officer_name ?? ""];
  }
  const body = csvStream(
    ["loan", "borrower", "local", "status", "disbursed_on", "principal", "annual_rate", "apr", "principal_outstanding", "overdue", "next_due", "days_past_due", "bucket", "officer"],
    cells(),
  );
  return csvResponse(`portfolio-${today}.csv`, body);
}
