import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHead, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { plainRate } from "~/domain/lending/terms";
import { APPLICATION_STATUS_LABEL, listLoanApplications } from "~/models/lending/applications.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "loans:read" };
export const meta: MetaFunction = () => [{ title: "Loan applications · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const rows = await listLoanApplications(await getDb(), ctx.organisation.id);
  return {
    applications: rows.map((a) => ({ id: a.id, reference: a.reference, status: a.status, statusLabel: APPLICATION_STATUS_LABEL[a.status], borrower: a.legal_name, product: a.product_name, amount: displayMoney(a.amount, ctx.organisation), term: a.term_periods, rate: plainRate(a.annual_rate) })),
    canWrite: ctx.permissions.has("loans:write"),
    canVote: ctx.permissions.has("loans:approve"),
  };
}

export default function Applications() {
  const { applications, canWrite, canVote } = useLoaderData<typeof loader>();
  const waiting = applications.filter((a) => a.status === "committee").length;
  return (
    <>
      <PageHead title="Loan applications">{canWrite ? <Link className="button" to="/applications/new">New application</Link> : null}</PageHead>
      {canVote ? <p>{waiting} application{waiting === 1 ? " is" : "s are"} waiting for the credit committee.</p> : null}
      <TableWrap label="Loan applications">
        <table>
          <caption className="visually-hidden">Loan applications, newest first</caption>
          <thead><tr><th scope="col" className="num">No.</th><th scope="col">Borrower</th><th scope="col" className="hide-narrow">Product</th><th scope="col" className="num">Amount</th><th scope="col" className="num hide-narrow">Installments</th><th scope="col" className="num hide-narrow">Rate</th><th scope="col">Status</th></tr></thead>
          <tbody>
            {applications.length === 0 ? <tr><td colSpan={7}>No applications yet.</td></tr> : applications.map((a) => (
              <tr key={a.id}>
                <td className="num"><Link to={`/applications/${a.id}`}>{a.reference}</Link></td>
                <td>{a.borrower}</td>
                <td className="hide-narrow">{a.product}</td>
                <td className="num">{a.amount}</td>
                <td className="num hide-narrow">{a.term}</td>
                <td className="num hide-narrow">{a.rate}%</td>
                <td><span className={`badge ${a.status}`}>{a.statusLabel}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
