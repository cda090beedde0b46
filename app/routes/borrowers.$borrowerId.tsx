import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LoanList } from "~/components/lending/tables";
import { PageHead } from "~/components/ui";
import { getBorrower } from "~/models/lending/borrowers.server";
import { portfolioLoans } from "~/models/lending/loans.server";
import { loanListRow } from "~/models/lending/loan-views.server";
import { BORROWER_LEGAL_FORMS, OWNERSHIP } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:read" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.borrower.legal_name ?? "Borrower"} · Co-op Register` }];

const FORM_LABEL = Object.fromEntries(BORROWER_LEGAL_FORMS) as Record<string, string>;
const OWNERSHIP_LABEL = Object.fromEntries(OWNERSHIP) as Record<string, string>;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const b = await getBorrower(db, ctx.organisation.id, params.borrowerId ?? "");
  if (!b) throw notFoundResponse("No such borrower");
  const loans = await portfolioLoans(db, ctx.organisation.id, clock.today(ctx.organisation), { borrowerIds: [b.id] });
  return {
    borrower: { ...b, created_at: b.created_at.toISOString(), legal_form: FORM_LABEL[b.legal_form] ?? b.legal_form, ownership: b.ownership.map((o) => OWNERSHIP_LABEL[o] ?? o) },
    loans: loans.map(loanListRow),
    canWrite: ctx.permissions.has("loans:write"),
  };
}

export default function BorrowerPage() {
  const { borrower: b, loans, canWrite } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title={b.legal_name}>{canWrite ? <Link className="button" to={`/applications/new?borrower=${b.id}`}>New application</Link> : null}</PageHead>
      <section className="card stack">
        <dl className="facts">
          <dt>Legal form</dt><dd>{b.legal_form}</dd>
          <dt>Sector (SIC)</dt><dd>{b.sic_code}</dd>
          <dt>Address</dt><dd>{b.address} {b.postcode} {b.is_local ? "(local)" : "(outside our area)"}</dd>
          <dt>Employees</dt><dd>{b.employees}</dd>
          <dt>Jobs to create</dt><dd>{b.jobs_to_create}</dd>
          <dt>Jobs to safeguard</dt><dd>{b.jobs_to_safeguard}</dd>
          <dt>Ownership</dt><dd>{b.ownership.length ? b.ownership.join(", ") : "—"}</dd>
          <dt>Contact</dt><dd>{[b.contact_name, b.contact_email, b.contact_phone].filter(Boolean).join(" · ") || "—"}</dd>
          <dt>Member</dt><dd>{b.member_id ? <Link to={`/members/${b.member_id}`}>In the register</Link> : "Not a member"}</dd>
        </dl>
      </section>
      <section className="card stack">
        <h2>Loans</h2>
        <LoanList label={`Loans to ${b.legal_name}`} rows={loans} empty="No loans yet." />
      </section>
    </>
  );
}
