import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "~/components/forms";
import { BorrowerFields } from "~/components/lending/borrower-fields";
import { LoanList } from "~/components/lending/tables";
import { Flash, PageHead } from "~/components/ui";
import { getBorrower, linkedMemberNumber, updateBorrower } from "~/models/lending/borrowers.server";
import { portfolioLoans } from "~/models/lending/loans.server";
import { loanListRow } from "~/models/lending/loan-views.server";
import { BORROWER_LEGAL_FORMS, BorrowerSchema, OWNERSHIP } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:read", action: "loans:write" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.borrower.legal_name ?? "Borrower"} · Co-op Register` }];

const FORM_LABEL = Object.fromEntries(BORROWER_LEGAL_FORMS) as Record<string, string>;
const OWNERSHIP_LABEL = Object.fromEntries(OWNERSHIP) as Record<string, string>;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const b = await getBorrower(db, ctx.organisation.id, params.borrowerId ?? "");
  if (!b) throw notFoundResponse("No such borrower");
  const canWrite = ctx.permissions.has("loans:write");
  const [loans, memberNumber] = await Promise.all([
    portfolioLoans(db, ctx.organisation.id, clock.today(ctx.organisation), { borrowerIds: [b.id] }),
    canWrite ? linkedMemberNumber(db, ctx.organisation.id, b.member_id) : null,
  ]);
  return {
    borrower: { ...b, created_at: b.created_at.toISOString(), legal_form: FORM_LABEL[b.legal_form] ?? b.legal_form, ownership: b.ownership.map((o) => OWNERSHIP_LABEL[o] ?? o) },
    loans: loans.map((l) => loanListRow(l, ctx.organisation)),
    canWrite,
    // The form's values as typed: codes, not the labels shown above.
    edit: canWrite
      ? {
          legalName: b.legal_name, legalForm: b.legal_form, sicCode: b.sic_code, address: b.address, postcode: b.postcode,
          employees: String(b.employees), jobsToCreate: String(b.jobs_to_create), jobsToSafeguard: String(b.jobs_to_safeguard),
          ownership: b.ownership, contactName: b.contact_name, contactEmail: b.contact_email ?? "", contactPhone: b.contact_phone ?? "",
          memberNumber: memberNumber === null ? "" : String(memberNumber),
        }
      : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const submission = parseForm(await readForm(request), { schema: BorrowerSchema });
  if (submission.status !== "success") return { result: submission.reply(), saved: null };
  const db = await getDb();
  try {
    const b = await db.transaction().execute((trx) => updateBorrower(trx, ctx.user.id, ctx.organisation.id, params.borrowerId ?? "", submission.value));
    return { result: submission.reply(), saved: b.legal_name };
  } catch (e) {
    return { result: replyRefusal(submission, e), saved: null };
  }
}

export default function BorrowerPage() {
  const { borrower: b, loans, canWrite, edit } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: a?.result,
    defaultValue: edit ?? undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: BorrowerSchema }),
  });
  const failed = a?.result?.status === "error";
  return (
    <>
      <PageHead title={b.legal_name}>{canWrite ? <Link className="button" to={`/applications/new?borrower=${b.id}`}>New application</Link> : null}</PageHead>
      <Flash message={a?.saved ? `The details of ${a.saved} are saved.` : null} />
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
      {canWrite ? (
        // Open again when the server refused the change, so the errors beside the fields are seen.
        <details className="card" open={failed}>
          <summary>Change the borrower's details</summary>
          <Form method="post" className="stack" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <BorrowerFields fields={fields} />
            <button type="submit">Save the details</button>
          </Form>
        </details>
      ) : null}
      <section className="card stack">
        <h2>Loans</h2>
        <LoanList label={`Loans to ${b.legal_name}`} rows={loans} empty="No loans yet." />
      </section>
    </>
  );
}
