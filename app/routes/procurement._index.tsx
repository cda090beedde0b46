import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField } from "~/components/forms";
import { PageHead, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { createAnchor, getImpactSettings, listAnchors } from "~/models/impact/procurement.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { ANCHOR_KINDS, AnchorSchema } from "~/schemas/impact";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import type { AnchorKind } from "../../db/tables/impact";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "impact:read", action: "organisation:manage" };
export const meta: MetaFunction = () => [{ title: "Anchor procurement · Co-op Register" }];

const KIND_LABEL: Record<string, string> = Object.fromEntries(ANCHOR_KINDS);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const db = await getDb();
  const [anchors, org, settings] = await Promise.all([listAnchors(db, ctx.organisation.id), getOrganisation(db, ctx.organisation.id), getImpactSettings(db, ctx.organisation.id)]);
  return {
    canManage: ctx.permissions.has("organisation:manage"),
    localArea: org.local_area.join(", "),
    widerArea: settings.widerArea.join(", "),
    anchors: anchors.map((a) => ({ id: a.id, name: a.name, kind: KIND_LABEL[a.kind] ?? a.kind, total: displayMoney(BigInt(a.total), ctx.organisation), uploads: Number(a.uploads) })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const submission = parseForm(await readForm(request), { schema: AnchorSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  try {
    const anchor = await db.transaction().execute((trx) =>
      createAnchor(trx, ctx.user.id, ctx.organisation.id, { name: submission.value.name, kind: submission.value.kind as AnchorKind }),
    );
    return redirect(`/procurement/${anchor.id}`);
  } catch (error) {
    return replyRefusal(submission, error);
  }
}

export default function Procurement() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { intent: "add-anchor", kind: "council" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AnchorSchema }),
  });
  return (
    <>
      <PageHead title="Anchor procurement">
        <Link to="/impact">Impact dashboard</Link>
        <Link to="/lm3">LM3 calculator</Link>
      </PageHead>
      <section className="card stack">
        <p>
          Anchor institutions — the council, the hospital, colleges, housing associations — spend large sums with suppliers. Upload their supplier
          spend to see how much stays in the local area and where the money leaving it goes: those categories are the opportunities for local
          suppliers (the Preston and Tameside approach).
        </p>
        <dl className="facts">
          <dt>Local area</dt>
          <dd>{data.localArea || "Not set"}{data.canManage ? <> (<Link to="/settings">change</Link>)</> : null}</dd>
          <dt>Wider area</dt>
          <dd>{data.widerArea || "Not set"}{data.canManage ? <> (<Link to="/impact/settings">change</Link>)</> : null}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>Anchor institutions</h2>
        {data.anchors.length === 0 ? (
          <p className="muted">No anchor institutions yet.</p>
        ) : (
          <TableWrap label="Anchor institutions">
            <table>
              <thead>
                <tr>
                  <th scope="col">Institution</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num">Spend uploaded</th>
                  <th scope="col" className="num">Files</th>
                </tr>
              </thead>
              <tbody>
                {data.anchors.map((a) => (
                  <tr key={a.id}>
                    <th scope="row"><Link to={`/procurement/${a.id}`}>{a.name}</Link></th>
                    <td>{a.kind}</td>
                    <td className="num">{a.total}</td>
                    <td className="num">{a.uploads}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      {data.canManage ? (
        <section className="card">
          <h2>Add an anchor institution</h2>
          <FormErrors errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="add-anchor" />
            <Field meta={fields.name} label="Name" hint='For example "Preston City Council".' />
            <SelectField meta={fields.kind} label="Kind of institution" options={ANCHOR_KINDS} />
            <button type="submit">Add institution</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
