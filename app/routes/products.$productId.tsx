import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { allErrors, FormErrors } from "~/components/forms";
import { ProductFields } from "~/components/lending/product-fields";
import { Flash, PageHead } from "~/components/ui";
import { bringBackProduct, productPageData, retireProduct, updateProduct } from "~/models/lending/products.server";
import { ProductActionSchema, ProductSchema } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import * as clock from "~/utils/clock.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { requirePermission } from "~/web/session.server";
import { orNotFound, replyRefusal } from "~/web/refusals.server";
import { DateText } from "~/components/dates";
import { displayLongDate } from "~/domain/locale";

export const access: RouteAccess = { loader: "loans:read", action: "loans:write" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.product.name ?? "Loan product"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const product = orNotFound(await productPageData(await getDb(), ctx.organisation.id, params.productId ?? ""), "No such product");
  return { product, canWrite: ctx.permissions.has("loans:write") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const submission = parseForm(await readForm(request), { schema: ProductActionSchema });
  if (submission.status !== "success") return { result: submission.reply(), intent: "edit" as string, done: null };
  const db = await getDb();
  const v = submission.value;
  const productId = params.productId ?? "";
  try {
    if (v.intent === "retire") {
      const r = await retireProduct(db, ctx.user.id, ctx.organisation.id, productId, clock.today(ctx.organisation));
      return { result: submission.reply(), intent: v.intent, done: `"${r.name}" is retired from ${displayLongDate(r.retiredOn, ctx.organisation.locale)}: no new applications, and its applications and loans carry on.` };
    }
    if (v.intent === "bring-back") {
      const r = await bringBackProduct(db, ctx.user.id, ctx.organisation.id, productId);
      return { result: submission.reply(), intent: v.intent, done: `"${r.name}" is offered again.` };
    }
    const { intent: _intent, ...input } = v;
    const p = await updateProduct(db, ctx.user.id, ctx.organisation.id, productId, input);
    return { result: submission.reply(), intent: v.intent, done: `"${p.name}" is changed: new applications take the new terms.` };
  } catch (e) {
    return { result: replyRefusal(submission, e), intent: v.intent as string, done: null };
  }
}

export default function ProductPage() {
  const { product: p, canWrite } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const editing = !a || a.intent === "edit";
  const [form, fields] = useForm({
    lastResult: editing ? a?.result : undefined,
    defaultValue: p.values,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProductSchema }),
  });
  const stateErrors = !editing ? allErrors(a?.result) : [];
  const used = [p.applicationsInProgress ? `${p.applicationsInProgress} application${p.applicationsInProgress === 1 ? "" : "s"} in progress` : null, p.loans ? `${p.loans} loan${p.loans === 1 ? "" : "s"}` : null].filter(Boolean).join(" and ");
  return (
    <>
      <PageHead title={p.name} />
      <p><Link to="/products">All loan products</Link></p>
      <Flash message={a?.done} />
      <Flash message={p.overCap} tone="error" />
      <section className="card stack">
        <p>{p.summary}.</p>
        <p>{p.retiredOn ? <>Retired on <DateText iso={p.retiredOn} long />: not offered for new applications.</> : "Offered for new applications."} {used ? `Used by ${used}.` : "Not used yet."}</p>
        {canWrite ? (
          <Form method="post">
            <FormErrors errors={stateErrors} />
            {p.retiredOn ? (
              <button type="submit" name="intent" value="bring-back">Offer it again</button>
            ) : (
              <>
                <p className="hint" id="retire-hint">Retiring stops new applications on this product; applications already taken and its loans carry on. It can be offered again.</p>
                <button type="submit" name="intent" value="retire" aria-describedby="retire-hint">Retire this product</button>
              </>
            )}
          </Form>
        ) : null}
      </section>
      {canWrite ? (
        <section className="card">
          <h2>Change the terms</h2>
          <p className="hint">
            New applications take the new terms. Loans keep the terms they were paid out on.
            {p.applicationsInProgress ? " While applications are in progress on this product only its name and ranges can change, and the ranges must still hold them." : ""}
          </p>
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="edit" />
            <FormErrors errors={form.errors} />
            <ProductFields fields={fields} />
            <button type="submit">Save the terms</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
