import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { plainRate } from "~/domain/lending/terms";
import { listBorrowers } from "~/models/lending/borrowers.server";
import { createApplication } from "~/models/lending/applications.server";
import { describeProduct, listProducts } from "~/models/lending/products.server";
import { ApplicationSchema } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { replyRefusal } from "~/web/refusals.server";
import { useCurrencySign } from "~/components/money";

export const access: RouteAccess = { loader: "loans:write", action: "loans:write" };
export const meta: MetaFunction = () => [{ title: "New loan application · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const db = await getDb();
  const [borrowers, products] = await Promise.all([listBorrowers(db, ctx.organisation.id), listProducts(db, ctx.organisation.id)]);
  return {
    borrowers: borrowers.map((b) => [b.id, b.legal_name] as const),
    products: products.filter((p) => !p.retired_on).map((p) => ({ id: p.id, name: p.name, summary: describeProduct(p, ctx.organisation), rate: plainRate(p.annual_rate) })),
    borrower: new URL(request.url).searchParams.get("borrower") ?? "",
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const submission = parseForm(await readForm(request), { schema: ApplicationSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  try {
    const app = await db.transaction().execute((trx) => createApplication(trx, ctx.user.id, ctx.organisation.id, submission.value, clock.today(ctx.organisation)));
    return redirect(`/applications/${app.id}`);
  } catch (e) {
    return replyRefusal(submission, e);
  }
}

export default function NewApplication() {
  const d = useLoaderData<typeof loader>();
  const sign = useCurrencySign();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { borrowerId: d.borrower || d.borrowers[0]?.[0], productId: d.products[0]?.id, annualRate: d.products[0]?.rate },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApplicationSchema }),
  });
  return (
    <>
      <PageHead title="New loan application" />
      <section className="card">
        {d.borrowers.length === 0 || d.products.length === 0 ? <p className="alert info">Add a borrower and a loan product first.</p> : null}
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <SelectField meta={fields.borrowerId} label="Borrower" options={d.borrowers} />
          <SelectField meta={fields.productId} label="Product" options={d.products.map((p) => [p.id, p.name] as const)} hint={d.products.map((p) => `${p.name}: ${p.summary}`).join(". ")} />
          <Field meta={fields.amount} label={`Amount asked for (${sign})`} inputMode="decimal" />
          <Field meta={fields.termPeriods} label="Number of installments" type="number" inputMode="numeric" />
          <Field meta={fields.annualRate} label="Rate (% a year)" inputMode="decimal" />
          <TextAreaField meta={fields.purpose} label="What the loan is for" />
          <button type="submit">Save draft application</button>
        </Form>
      </section>
    </>
  );
}
