import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHead, TableWrap } from "~/components/ui";
import { listBorrowers } from "~/models/lending/borrowers.server";
import { BORROWER_LEGAL_FORMS } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "loans:read" };
export const meta: MetaFunction = () => [{ title: "Borrowers · Co-op Register" }];

const FORM_LABEL = Object.fromEntries(BORROWER_LEGAL_FORMS) as Record<string, string>;

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const rows = await listBorrowers(await getDb(), ctx.organisation.id);
  return {
    borrowers: rows.map((b) => ({ ...b, loans: Number(b.loans ?? 0), legal_form: FORM_LABEL[b.legal_form] ?? b.legal_form })),
    canWrite: ctx.permissions.has("loans:write"),
  };
}

export default function Borrowers() {
  const { borrowers, canWrite } = useLoaderData<typeof loader>();
  const local = borrowers.filter((b) => b.is_local).length;
  return (
    <>
      <PageHead title="Borrowers">{canWrite ? <Link className="button" to="/borrowers/new">Add a borrower</Link> : null}</PageHead>
      <p>{borrowers.length} borrowers, {local} of them in our local area.</p>
      <TableWrap label="Borrowers">
        <table>
          <caption className="visually-hidden">Borrowers</caption>
          <thead>
            <tr><th scope="col">Name</th><th scope="col" className="hide-narrow">Legal form</th><th scope="col" className="hide-narrow">SIC</th><th scope="col">Postcode</th><th scope="col" className="num">Jobs created / safeguarded</th><th scope="col" className="num">Loans</th></tr>
          </thead>
          <tbody>
            {borrowers.length === 0 ? <tr><td colSpan={6}>No borrowers yet.</td></tr> : borrowers.map((b) => (
              <tr key={b.id}>
                <td><Link to={`/borrowers/${b.id}`}>{b.legal_name}</Link>{b.ownership.length ? <span className="muted"> · {b.ownership.join(", ")}</span> : null}</td>
                <td className="hide-narrow">{b.legal_form}</td>
                <td className="hide-narrow">{b.sic_code}</td>
                <td>{b.postcode}{b.is_local ? <span className="muted"> · local</span> : null}</td>
                <td className="num">{b.jobs_to_create} / {b.jobs_to_safeguard}</td>
                <td className="num">{b.loans}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
