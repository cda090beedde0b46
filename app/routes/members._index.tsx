import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Pagination, PageHead, StatusBadge, TableWrap } from "~/components/ui";
import { searchMembers } from "~/models/shares/members.server";
import { MEMBER_STATUSES } from "~/schemas/member";
import { pageParams } from "~/schemas/common";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { queryParams } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { z } from "zod";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "register:read" };
export const meta: MetaFunction = () => [{ title: "Members · Co-op Register" }];

const ListParams = pageParams.extend({ status: z.enum(MEMBER_STATUSES).optional().catch(undefined) });

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:read");
  const params = queryParams(request, ListParams);
  const result = await searchMembers(await getDb(), ctx.organisation.id, params);
  return { ...result, q: params.q, status: params.status ?? "", canWrite: ctx.permissions.has("register:write") };
}

export default function Members() {
  const { members, page, hasNext, q, status, canWrite } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  return (
    <>
      <PageHead title="Members">{canWrite ? <Link className="button" to="/members/new">Add a member</Link> : null}</PageHead>
      <Form method="get" className="toolbar" role="search">
        <div className="field">
          <label htmlFor="q">Name or member number</label>
          <input id="q" name="q" type="search" defaultValue={q} />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={status}>
            <option value="">Any</option>
            {MEMBER_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <button type="submit">Search</button>
      </Form>
      <TableWrap label="Members">
        <table>
          <caption className="visually-hidden">Members, page {page}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">No.</th>
              <th scope="col">Name</th>
              <th scope="col" className="hide-narrow">Postcode</th>
              <th scope="col">Status</th>
              <th scope="col" className="hide-narrow">Admitted</th>
            </tr>
          </thead>
          <tbody>
            {members.length === 0 ? (
              <tr><td colSpan={5}>No members match.</td></tr>
            ) : (
              members.map((m) => (
                <tr key={m.id}>
                  <td className="num">{m.member_number}</td>
                  <td><Link to={`/members/${m.id}`}>{m.name}</Link>{m.kind === "organisation" ? <span className="muted"> (organisation)</span> : null}</td>
                  <td className="hide-narrow">{m.postcode}{m.is_local ? <span className="muted"> · local</span> : null}</td>
                  <td><StatusBadge status={m.status} /></td>
                  <td className="hide-narrow">{m.admitted_on ? <DateText iso={m.admitted_on} /> : "—"}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableWrap>
      <Pagination page={page} hasNext={hasNext} search={search} />
    </>
  );
}
