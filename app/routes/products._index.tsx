import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { plainRate } from "~/domain/lending/terms";
import { createProduct, describeProduct, listProducts } from "~/models/lending/products.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { FREQUENCIES, ProductSchema } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:read", action: "loans:write" };
export const meta: MetaFunction = () => [{ title: "Loan products · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const [products, org] = await Promise.all([listProducts(db, ctx.organisation.id), getOrganisation(db, ctx.organisation.id)]);
  return {
    cap: org.rules.rateCapMonthlyPercent,
    products: products.map((p) => ({ id: p.id, name: p.name, summary: describeProduct(p), rate: plainRate(p.annual_rate), fee: displayMoney(p.arrangement_fee), method: `${p.amortization.replace("-", " ")}, ${p.interest_method === "flat" ? "flat" : "declining balance"}`, dayCount: `${p.days_in_year}/${p.days_in_month === "30" ? "30-day months" : "actual days"}` })),
    canWrite: ctx.permissions.has("loans:write"),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const submission = parseForm(await readForm(request), { schema: ProductSchema });
  if (submission.status !== "success") return { result: submission.reply(), created: null };
  const db = await getDb();
  try {
    const p = await db.transaction().execute((trx) => createProduct(trx, ctx.user.id, ctx.organisation.id, submission.value));
    return { result: submission.reply({ resetForm: true }), created: p.name };
  } catch (e) {
    return { result: replyRefusal(submission, e), created: null };
  }
}

const AMORT = [["equal-installments", "Equal installments"], ["equal-principal", "Equal principal"]] as const;
const INTEREST = [["declining", "On the reducing balance"], ["flat", "Flat"]] as const;
const DIY = [["360", "360 days"], ["365", "365 days"], ["actual", "Actual days"]] as const;
const DIM = [["30", "30-day months"], ["actual", "Actual days"]] as const;

export default function Products() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: a?.result,
    defaultValue: { amortization: "equal-installments", interestMethod: "declining", frequency: "monthly", daysInYear: "360", daysInMonth: "30", installmentMultiple: "0.01", arrangementFee: "0", graceOnPrincipal: "0", graceOnInterest: "0" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProductSchema }),
  });
  return (
    <>
      <PageHead title="Loan products" />
      <p>Our rate cap: {d.cap}% a month on the reducing balance ({d.cap * 12}% a year). A product or offer above it is refused.</p>
      <Flash message={a?.created ? `Product "${a.created}" added.` : null} />
      <TableWrap label="Loan products">
        <table>
          <caption className="visually-hidden">Loan products</caption>
          <thead><tr><th scope="col">Product</th><th scope="col">Ranges</th><th scope="col" className="num">Usual rate</th><th scope="col" className="hide-narrow">Method</th><th scope="col" className="hide-narrow">Day count</th><th scope="col" className="num">Fee</th></tr></thead>
          <tbody>
            {d.products.length === 0 ? <tr><td colSpan={6}>No products yet.</td></tr> : d.products.map((p) => (
              <tr key={p.id}><td>{p.name}</td><td>{p.summary}</td><td className="num">{p.rate}%</td><td className="hide-narrow">{p.method}</td><td className="hide-narrow">{p.dayCount}</td><td className="num">{p.fee}</td></tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {d.canWrite ? (
        <section className="card">
          <h2>Add a product</h2>
          <Form method="post" className="stack" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <Field meta={fields.name} label="Name" />
            <SelectField meta={fields.amortization} label="Repaid in" options={AMORT} />
            <SelectField meta={fields.interestMethod} label="Interest" options={INTEREST} />
            <Field meta={fields.annualRate} label="Usual rate (% a year)" inputMode="decimal" />
            <Field meta={fields.minRate} label="Lowest rate (% a year)" inputMode="decimal" />
            <Field meta={fields.maxRate} label="Highest rate (% a year)" inputMode="decimal" />
            <Field meta={fields.minPrincipal} label="Smallest amount (£)" inputMode="decimal" />
            <Field meta={fields.maxPrincipal} label="Largest amount (£)" inputMode="decimal" />
            <SelectField meta={fields.frequency} label="Repayments" options={FREQUENCIES} />
            <Field meta={fields.minTerm} label="Fewest installments" type="number" inputMode="numeric" />
            <Field meta={fields.maxTerm} label="Most installments" type="number" inputMode="numeric" />
            <SelectField meta={fields.daysInYear} label="Days in the year" options={DIY} />
            <SelectField meta={fields.daysInMonth} label="Days in the month" options={DIM} />
            <Field meta={fields.installmentMultiple} label="Round installments to a multiple of (£)" inputMode="decimal" hint="0.01 for pennies, 1 for whole pounds." />
            <Field meta={fields.graceOnPrincipal} label="Grace on principal (installments)" type="number" inputMode="numeric" />
            <Field meta={fields.graceOnInterest} label="Grace on interest (installments)" type="number" inputMode="numeric" />
            <Field meta={fields.arrangementFee} label="Arrangement fee (£)" inputMode="decimal" hint="Taken from the amount paid out; it counts in the APR." />
            <button type="submit">Add product</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
