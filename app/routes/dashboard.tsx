import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHead, Stat } from "~/components/ui";
import { ROLE_LABELS } from "~/domain/permissions";
import { countMembersByStatus, getMember } from "~/models/members.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { navFor } from "~/utils/nav";
import { requirePermission } from "~/utils/session.server";

export const access: RouteAccess = { loader: "dashboard:view" };
export const meta: MetaFunction = () => [{ title: "Dashboard · Co-op Register" }];

/** One page, sections chosen by what the person's roles let them do. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "dashboard:view");
  const db = await getDb();
  const orgId = ctx.organisation.id;
  const counts = ctx.permissions.has("register:read") ? await countMembersByStatus(db, orgId) : null;
  const me = ctx.memberId ? await getMember(db, orgId, ctx.memberId) : null;
  return {
    organisation: ctx.organisation.name,
    userName: ctx.user.name,
    roles: ctx.roles.map((r) => ROLE_LABELS[r]),
    counts,
    me: me ? { memberNumber: me.member_number, status: me.status, admittedOn: me.admitted_on } : null,
    tasks: navFor(ctx.permissions).filter((i) => i.to !== "/dashboard"),
  };
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title={`Welcome, ${d.userName}`} />
      <p className="muted">{d.organisation} · your roles: {d.roles.join(", ") || "none"}</p>
      {d.me ? (
        <section className="card">
          <h2>Your membership</h2>
          <dl className="facts">
            <dt>Member number</dt><dd>{d.me.memberNumber}</dd>
            <dt>Status</dt><dd>{d.me.status}</dd>
            <dt>Member since</dt><dd>{d.me.admittedOn ?? "not yet admitted"}</dd>
          </dl>
        </section>
      ) : null}
      {d.counts ? (
        <section aria-labelledby="register-head">
          <h2 id="register-head">Register</h2>
          <div className="grid">
            <Stat label="Admitted members" value={d.counts.admitted} />
            <Stat label="Applications waiting" value={d.counts.applied} />
            <Stat label="Suspended" value={d.counts.suspended} />
            <Stat label="Ceased" value={d.counts.ceased} />
          </div>
        </section>
      ) : null}
      {d.tasks.length ? (
        <section className="card">
          <h2>What you can do</h2>
          <ul>
            {d.tasks.map((t) => <li key={t.to}><Link to={t.to}>{t.label}</Link></li>)}
          </ul>
        </section>
      ) : null}
    </>
  );
}
