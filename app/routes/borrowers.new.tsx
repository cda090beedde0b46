import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { CheckboxGroup, Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { createBorrower } from "~/models/lending/borrowers.server";
import { BORROWER_LEGAL_FORMS, BorrowerSchema, OWNERSHIP } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:write", action: "loans:write" };
export const meta: MetaFunction = () => [{ title: "Add a borrower · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "loans:write");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const submission = parseForm(await readForm(request), { schema: BorrowerSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  try {
    const b = await db.transaction().execute((trx) => createBorrower(trx, ctx.user.id, ctx.organisation.id, submission.value));
    return redirect(`/borrowers/${b.id}`);
  } catch (e) {
    return replyRefusal(submission, e);
  }
}

export default function NewBorrower() {
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, defaultValue: { legalForm: "company" }, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: BorrowerSchema }) });
  return (
    <>
      <PageHead title="Add a borrower" />
      <section className="card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <Field meta={fields.legalName} label="Legal name" />
          <SelectField meta={fields.legalForm} label="Legal form" options={BORROWER_LEGAL_FORMS} />
          <Field meta={fields.sicCode} label="Sector (UK SIC 2007 code)" inputMode="numeric" hint="Five digits, e.g. 10710 for a bakery, 56101 for a restaurant." />
          <TextAreaField meta={fields.address} label="Address" />
          <Field meta={fields.postcode} label="Postcode" hint="Whether the borrower is local follows from the organisation's local area." />
          <Field meta={fields.employees} label="Employees now" type="number" inputMode="numeric" />
          <Field meta={fields.jobsToCreate} label="Jobs the loan will create" type="number" inputMode="numeric" />
          <Field meta={fields.jobsToSafeguard} label="Jobs the loan will safeguard" type="number" inputMode="numeric" />
          <CheckboxGroup meta={fields.ownership as never} legend="Ownership" options={OWNERSHIP} />
          <Field meta={fields.contactName} label="Contact name" />
          <Field meta={fields.contactEmail} label="Contact email" type="email" hint="Offers and reminders go here." />
          <Field meta={fields.contactPhone} label="Contact phone" type="tel" />
          <Field meta={fields.memberNumber} label="Member number (if the borrower is a member)" type="number" inputMode="numeric" hint="Links the borrower to the register, so the member sees the loan under My loans." />
          <button type="submit">Add borrower</button>
        </Form>
      </section>
    </>
  );
}
