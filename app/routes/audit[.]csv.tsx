import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditEventsForExport, auditFacts, describeAuditRows } from "~/models/core/audit.server";
import { AuditQuerySchema } from "~/schemas/audit";
import type { RouteAccess } from "~/utils/access";
import * as clock from "~/utils/clock.server";
import { csvResponse, csvStream } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { queryParams } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "audit:read" };

const HEADER = ["seq", "at_utc", "when", "who", "kind", "what_happened", "entity_type", "entity_id", "before", "after"];

/** The audit trail's events that match the page's filters, newest first, streamed a batch at a time. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "audit:read");
  const q = queryParams(request, AuditQuerySchema);
  const db = await getDb();
  const filter = { kind: q.kind, who: q.who, from: q.from, to: q.to, q: q.q };
  async function* rows() {
    for await (const batch of auditEventsForExport(db, ctx.organisation, filter)) {
      const described = await describeAuditRows(db, ctx.organisation, batch);
      for (const [i, e] of described.entries()) {
        // The raw fields stay as recorded (amounts in minor units) for an auditor to check against the words.
        const facts = auditFacts(batch[i]);
        yield [e.seq, e.at, e.when, e.who, e.kind, e.sentence, facts.entityType, facts.entityId, JSON.stringify(facts.before), JSON.stringify(facts.after)] as const;
      }
    }
  }
  return csvResponse(`audit-${ctx.organisation.slug}-${clock.today(ctx.organisation)}.csv`, csvStream(HEADER, rows()));
}
