import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FORMAT_LABEL, MEETING_KIND_LABEL } from "~/domain/voting/labels";
import { PageHead, TableWrap } from "~/components/ui";
import { listMeetings } from "~/models/governance/meetings.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "meetings:read" };
export const meta: MetaFunction = () => [{ title: "Meetings · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const meetings = await listMeetings(await getDb(), ctx.organisation.id);
  return { meetings, canManage: ctx.permissions.has("meetings:manage") };
}

export default function Meetings() {
  const { meetings, canManage } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title="Meetings">
        {canManage ? <Link className="button" to="/meetings/new">Call a meeting</Link> : null}
        <Link className="button secondary" to="/receipts">Check a ballot receipt</Link>
      </PageHead>
      {meetings.length === 0 ? (
        <p>No meetings yet.</p>
      ) : (
        <TableWrap label="Meetings">
          <table>
            <thead>
              <tr><th scope="col">Meeting</th><th scope="col">Date</th><th scope="col" className="hide-narrow">Kind</th><th scope="col" className="hide-narrow">Held</th><th scope="col" className="num">Open for voting</th></tr>
            </thead>
            <tbody>
              {meetings.map((m) => (
                <tr key={m.id}>
                  <td><Link to={`/meetings/${m.id}`}>{m.title}</Link></td>
                  <td><DateText iso={m.held_on} />{m.starts_at ? ` ${m.starts_at}` : ""}</td>
                  <td className="hide-narrow">{MEETING_KIND_LABEL[m.kind]}</td>
                  <td className="hide-narrow">{FORMAT_LABEL[m.format]}</td>
                  <td className="num">{m.open_count} of {m.motion_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
