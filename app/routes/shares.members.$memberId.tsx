import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MemberShares } from "~/components/shares/member-shares";
import { Flash, PageHead, StatusBadge, TableWrap } from "~/components/ui";
import { getMember, memberStatusHistory } from "~/models/shares/members.server";
import { memberSharesView } from "~/models/shares/share-views.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { notFoundResponse } from "~/web/refusals.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "shares:read" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Shares of ${data?.member.name ?? "member"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const id = idParam(params, "memberId");
  const db = await getDb();
  const member = await getMember(db, ctx.organisation.id, id);
  if (!member) throw notFoundResponse();
  const today = clock.today(ctx.organisation);
  const [view, history] = await Promise.all([memberSharesView(db, ctx.organisation.id, member.id, ctx.organisation, today), memberStatusHistory(db, ctx.organisation.id, member.id)]);
  return {
    member: { id: member.id, name: member.name, number: member.member_number, status: member.status, admittedOn: member.admitted_on, ceasedOn: member.ceased_on },
    view,
    history: history.map((h) => ({ id: String(h.id), status: h.status, on: h.effective_on, note: h.note })),
    canWrite: ctx.permissions.has("shares:write"),
    recorded: new URL(request.url).searchParams.has("recorded"),
  };
}

export default function MemberSharesPage() {
  const { member, view, history, canWrite, recorded } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title={`${member.name}: shares`}>
        {canWrite ? <Link className="button" to={`/shares/purchase?member=${member.number}`}>Record a purchase</Link> : null}
        <Link to={`/members/${member.id}`}>Member details</Link>
      </PageHead>
      <Flash message={recorded ? "Purchase recorded and a new certificate issued." : null} />
      <p>Member no. {member.number} · <StatusBadge status={member.status} /> · {member.admittedOn ? <>member since <DateText iso={member.admittedOn} long /></> : "not yet admitted"}{member.ceasedOn ? <> · ceased <DateText iso={member.ceasedOn} long /></> : null}</p>
      <MemberShares view={view} certificateHref={(id) => `/shares/certificates/${id}`} />
      <section className="card">
        <h2>Membership history</h2>
        <TableWrap label="Membership history">
          <table>
            <thead><tr><th scope="col">From</th><th scope="col">Status</th><th scope="col">Note</th></tr></thead>
            <tbody>{history.map((h) => <tr key={h.id}><td><DateText iso={h.on} /></td><td><StatusBadge status={h.status} /></td><td>{h.note}</td></tr>)}</tbody>
          </table>
        </TableWrap>
      </section>
    </>
  );
}
