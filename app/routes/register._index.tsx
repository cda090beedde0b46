import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { resolveAsAt } from "~/domain/as-at";
import { displayMoney } from "~/domain/money";
import { registerBatch } from "~/models/shares/register.server";
import { RegisterParams } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { queryParams } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { DateText, useDateWords } from "~/components/dates";

export const access: RouteAccess = { loader: "register:read" };
export const meta: MetaFunction = () => [{ title: "Register of members · Co-op Register" }];

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:read");
  const url = new URL(request.url);
  const params = queryParams(request, RegisterParams);
  const after = Math.max(0, Number(url.searchParams.get("after")) || 0);
  const today = clock.today(ctx.organisation);
  const { asAt, notice } = resolveAsAt(params.asAt, today);
  const cur = ctx.organisation;
  const batch = await registerBatch(await getDb(), ctx.organisation.id, { asAt, fromLedger: asAt !== today, q: params.q, status: params.status }, after, PAGE);
  const query = new URLSearchParams({ q: params.q, status: params.status, ...(asAt !== today ? { asAt } : {}) });
  return {
    asAt, today, notice, q: params.q, status: params.status, query: query.toString(), next: batch.full ? batch.last : null, after,
    rows: batch.rows.map((r) => ({
      id: r.memberId, number: r.memberNumber, name: r.name, address: r.address, email: r.email, totalShares: r.totalShares,
      paid: displayMoney(r.totalAmountPaid, cur), byClass: r.shares.map((s) => `${s.className}: ${s.shares}`).join("; "),
      other: r.otherProperty.map((p) => `${p.description}: ${displayMoney(p.amount, cur)}`).join("; "), entered: r.dateEntered, ceased: r.dateCeased,
    })),
  };
}

export default function Register() {
  const d = useLoaderData<typeof loader>();
  const dates = useDateWords();
  return (
    <>
      <PageHead title={d.asAt === d.today ? "Register of members" : `Register of members as at ${dates.long(d.asAt)}`}>
        <a className="button secondary" href={`/register/csv?${d.query}`} download>Download CSV</a>
        <a className="button secondary" href={`/register/pdf?${d.query}`} download>Printable PDF</a>
      </PageHead>
      <Flash tone="info" message={d.notice} />
      <p className="muted">The register kept under s.30 of the Co-operative and Community Benefit Societies Act 2014: former members stay on it with the date they ceased.</p>
      <Form method="get" className="toolbar" role="search">
        <div className="field">
          <label htmlFor="q">Name or member number</label>
          <input id="q" name="q" type="search" defaultValue={d.q} />
        </div>
        <div className="field">
          <label htmlFor="asAt">As at</label>
          <input id="asAt" name="asAt" type="date" defaultValue={d.asAt} max={d.today} />
        </div>
        <div className="field">
          <label htmlFor="status">Members</label>
          <select id="status" name="status" defaultValue={d.status}>
            <option value="current">Current members</option>
            <option value="former">Former members</option>
            <option value="all">Everyone on the register</option>
          </select>
        </div>
        <button type="submit">Show</button>
      </Form>
      <TableWrap label="Register of members">
        <table>
          <thead>
            <tr>
              <th scope="col" className="num">No.</th><th scope="col">Name</th><th scope="col" className="hide-narrow">Address</th><th scope="col" className="hide-narrow">Email</th>
              <th scope="col" className="num">Shares</th><th scope="col" className="num">Amount paid</th><th scope="col" className="hide-narrow">Other property</th>
              <th scope="col">Entered</th><th scope="col">Ceased</th>
            </tr>
          </thead>
          <tbody>
            {d.rows.length === 0 ? <tr><td colSpan={9}>No members match.</td></tr> : d.rows.map((r) => (
              <tr key={r.id}>
                <td className="num">{r.number}</td>
                <td><Link to={`/shares/members/${r.id}`}>{r.name}</Link>{r.byClass ? <div className="muted">{r.byClass}</div> : null}</td>
                <td className="hide-narrow">{r.address}</td>
                <td className="hide-narrow">{r.email ?? ""}</td>
                <td className="num">{r.totalShares}</td>
                <td className="num">{r.paid}</td>
                <td className="hide-narrow">{r.other || "—"}</td>
                <td>{r.entered ? <DateText iso={r.entered} /> : "—"}</td>
                <td>{r.ceased ? <DateText iso={r.ceased} /> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <nav className="pagination" aria-label="Pages">
        {d.after > 0 ? <Link to={`?${d.query}`}>First page</Link> : null}
        {d.next !== null ? <Link to={`?${d.query}&after=${d.next}`}>Next page</Link> : null}
      </nav>
    </>
  );
}
