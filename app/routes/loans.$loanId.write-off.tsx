import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, TextAreaField } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { LendingRefusal } from "~/models/borrowers.server";
import { getLoan, loanInstallments, outstandingPrincipal, writeOffLoan } from "~/models/loans.server";
import { WriteOffSchema } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/utils/session.server";
import { parseForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "loans:govern", action: "loans:govern" };
export const meta: MetaFunction = () => [{ title: "Write off a loan · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:govern");
  const db = await getDb();
  const loan = await getLoan(db, ctx.organisation.id, params.loanId ?? "");
  if (!loan) throw new Response("No such loan", { status: 404 });
  const owed = outstandingPrincipal(await loanInstallments(db, ctx.organisation.id, loan.id));
  return { id: loan.id, reference: loan.reference, borrower: loan.legal_name, status: loan.status, owed: displayMoney(owed), today: new Date().toISOString().slice(0, 10) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:govern");
  const db = await getDb();
  const loan = await getLoan(db, ctx.organisation.id, params.loanId ?? "");
  if (!loan) throw new Response("No such loan", { status: 404 });
  const submission = parseForm(await request.formData(), { schema: WriteOffSchema });
  if (submission.status !== "success") return submission.reply();
  try {
    await db.transaction().execute((trx) => writeOffLoan(trx, ctx.user.id, ctx.organisation.id, loan, submission.value.onDate, submission.value.note, new Date().toISOString().slice(0, 10)));
  } catch (e) {
    if (e instanceof LendingRefusal) return submission.reply({ formErrors: [e.message] });
    throw e;
  }
  return redirect(`/loans/${loan.id}`);
}

export default function WriteOff() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, defaultValue: { onDate: d.today }, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: WriteOffSchema }) });
  return (
    <>
      <PageHead title={`Write off loan ${d.reference}`} />
      <section className="card stack">
        <p>{d.borrower} still owes {d.owed} of principal. Writing it off is the board's decision: record the minute that approved it. Money recovered later is recorded on the loan page.</p>
        {d.status !== "active" ? <p className="alert error">This loan is {d.status.replace("_", " ")}; it cannot be written off.</p> : null}
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <Field meta={fields.onDate} label="Date of the write-off" type="date" />
          <TextAreaField meta={fields.note} label="Board decision (minute reference and reason)" />
          <button type="submit" className="danger">Write off {d.owed}</button>
        </Form>
      </section>
    </>
  );
}
