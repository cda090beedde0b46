import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "~/components/forms";
import { ProductFields } from "~/components/lending/product-fields";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { plainRate } from "~/domain/lending/terms";
import { createProduct, describeProduct, listProducts, productsOverRateCap } from "~/models/lending/products.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { ProductSchema } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "loans:read", action: "loans:write" };
export const meta: MetaFunction = () => [{ title: "Loan products · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const [products, org, overCap] = await Promise.all([listProducts(db, ctx.organisation.id), getOrganisation(db, ctx.organisation.id), productsOverRateCap(db, ctx.organisation.id)]);
  return {
    cap: org.rules.rateCapMonthlyPercent,
    // Retired products are listed apart: they stay on their applications and loans, and can be offered again.
    products: products.map((p) => ({ id: p.id, name: p.name, retiredOn: p.retired_on, summary: describeProduct(p, ctx.organisation), rate: plainRate(p.annual_rate), fee: displayMoney(p.arrangement_fee, ctx.organisation), method: `${p.amortization.replace("-", " ")}, ${p.interest_method === "flat" ? "flat" : "declining balance"}`, dayCount: `${p.days_in_year}/${p.days_in_month === "30" ? "30-day months" : "actual days"}` })),
    overCap: overCap.sentence,
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

export default function Products() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const offered = d.products.filter((p) => !p.retiredOn);
  const retired = d.products.filter((p) => p.retiredOn);
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
      <Flash message={d.overCap} tone="error" />
      <ProductTable label="Loan products" rows={offered} empty="No products offered yet." />
      {retired.length ? (
        <>
          <h2>Retired products</h2>
          <p>Not offered for new applications; their applications and loans carry on. Open one to offer it again.</p>
          <ProductTable label="Retired loan products" rows={retired} empty="" />
        </>
      ) : null}
      {d.canWrite ? (
        <section className="card">
          <h2>Add a product</h2>
          <Form method="post" className="stack" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <ProductFields fields={fields} />
            <button type="submit">Add product</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

type Row = SerializeFrom<typeof loader>["products"][number];

function ProductTable({ label, rows, empty }: { label: string; rows: Row[]; empty: string }) {
  return (
    <TableWrap label={label}>
      <table>
        <caption className="visually-hidden">{label}</caption>
        <thead><tr><th scope="col">Product</th><th scope="col">Ranges</th><th scope="col" className="num">Usual rate</th><th scope="col" className="hide-narrow">Method</th><th scope="col" className="hide-narrow">Day count</th><th scope="col" className="num">Fee</th></tr></thead>
        <tbody>
          {rows.length === 0 ? <tr><td colSpan={6}>{empty}</td></tr> : rows.map((p) => (
            <tr key={p.id}><td><Link to={`/products/${p.id}`}>{p.name}</Link>{p.retiredOn ? <span className="muted"> · retired <DateText iso={p.retiredOn} /></span> : null}</td><td>{p.summary}</td><td className="num">{p.rate}%</td><td className="hide-narrow">{p.method}</td><td className="hide-narrow">{p.dayCount}</td><td className="num">{p.fee}</td></tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
