import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { listAuditEvents, verifyAuditChain } from "~/models/core/audit.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "audit:read" };
export const meta: MetaFunction = () => [{ title: "Audit trail · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "audit:read");
  const db = await getDb();
  const [events, check] = await Promise.all([listAuditEvents(db, ctx.organisation.id, { limit: 200 }), verifyAuditChain(db, ctx.organisation.id)]);
  return {
    events: events.map((e) => ({ seq: String(e.seq), at: e.at, action: e.action, entity: `${e.entity_type} ${e.entity_id.slice(0, 8)}`, actor: e.actor_name, body: e.body })),
    check: check.ok ? { ok: true as const, events: check.events } : { ok: false as const, events: check.events, brokenAt: String(check.brokenAt), reason: check.reason },
  };
}

export default function Audit() {
  const { events, check } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title="Audit trail" />
      {check.ok ? (
        <Flash tone="success" message={`Chain verified: all ${check.events} events are intact and in order.`} />
      ) : (
        <Flash tone="error" message={`The chain is broken at event ${check.brokenAt}: ${check.reason}.`} />
      )}
      <TableWrap label="Audit events">
        <table>
          <thead><tr><th scope="col" className="num">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col" className="hide-narrow">Details</th></tr></thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.seq}>
                <td className="num">{e.seq}</td>
                <td>{new Date(e.at).toLocaleString("en-GB")}</td>
                <td>{e.actor ?? "system"}</td>
                <td>{e.action}<div className="muted">{e.entity}</div></td>
                <td className="hide-narrow"><details><summary>Before / after</summary><pre className="mail">{e.body}</pre></details></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
