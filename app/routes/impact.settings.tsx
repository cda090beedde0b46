import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, TextAreaField } from "~/components/forms";
import { Flash, PageHead } from "~/components/ui";
import { parseLocalArea } from "~/domain/postcode";
import { getImpactSettings, saveImpactSettings } from "~/models/impact/procurement.server";
import { ImpactSettingsSchema } from "~/schemas/impact";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "organisation:manage", action: "organisation:manage" };
export const meta: MetaFunction = () => [{ title: "Impact settings · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const s = await getImpactSettings(await getDb(), ctx.organisation.id);
  return { slug: ctx.organisation.slug, settings: { intent: "settings", widerArea: s.widerArea.join(", "), publicPage: s.publicPage, publicSummary: s.publicSummary } };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const submission = parseForm(await readForm(request), { schema: ImpactSettingsSchema });
  if (submission.status !== "success") return { result: submission.reply(), saved: false };
  const area = parseLocalArea(submission.value.widerArea);
  if (area.errors.length) return { result: submission.reply({ fieldErrors: { widerArea: area.errors.map((e) => `"${e.entry}": ${e.reason}`) } }), saved: false };
  const db = await getDb();
  await db.transaction().execute((trx) =>
    saveImpactSettings(trx, ctx.user.id, ctx.organisation.id, { widerArea: area.entries, publicPage: submission.value.publicPage, publicSummary: submission.value.publicSummary }),
  );
  return { result: submission.reply(), saved: true };
}

export default function ImpactSettingsPage() {
  const { settings, slug } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    defaultValue: settings,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ImpactSettingsSchema }),
  });
  return (
    <>
      <PageHead title="Impact settings">
        <Link to="/impact">Impact dashboard</Link>
      </PageHead>
      <Flash message={data?.saved ? "Impact settings saved." : null} />
      <section className="card">
        <FormErrors errors={form.errors} />
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="settings" />
          <TextAreaField
            meta={fields.widerArea}
            label="Wider area"
            hint="Postcode areas or districts of the wider area (the county, the city region), e.g. PR, BB, FY, LA. Procurement figures show the share of spend here as well as in the local area, which is set in Settings."
          />
          <div className="field">
            <label>
              <input type="checkbox" name={fields.publicPage.name} defaultChecked={settings.publicPage} /> Publish a public impact page
            </label>
            <p className="hint">Anyone can then see the headline figures (no names) at /p/{slug}.</p>
          </div>
          <TextAreaField meta={fields.publicSummary} label="Introduction for the public page" hint="A few sentences about the society, shown above the figures." rows={4} />
          <button type="submit">Save impact settings</button>
        </Form>
      </section>
    </>
  );
}
