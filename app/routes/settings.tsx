import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { Flash, PageHead } from "~/components/ui";
import { parseLocalArea } from "~/domain/postcode";
import { timeZoneNames } from "~/domain/today";
import { LOCALES } from "~/domain/locale";
import { displayMoney } from "~/domain/money";
import { getOrganisation, updateOrganisationSettings } from "~/models/core/organisations.server";
import { productsOverRateCap } from "~/models/lending/products.server";
import { LEGAL_FORMS, OrganisationSettingsSchema } from "~/schemas/organisation";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import type { LegalForm } from "../../db/tables/core";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "organisation:manage", action: "organisation:manage" };
export const meta: MetaFunction = () => [{ title: "Settings · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const org = await getOrganisation(await getDb(), ctx.organisation.id);
  return {
    timeZones: timeZoneNames(),
    // Each locale with an amount written in it, by the server, so the browser's own Intl cannot make the page differ.
    locales: LOCALES.map(([code, name]) => [code, `${name}: ${displayMoney(123456n, org.currency, undefined, code)}`] as const),
    // A secretary manages the settings but not lending: no link to a page they cannot open.
    canSeeProducts: ctx.permissions.has("loans:read"),
    org: { name: org.name, slug: org.slug, legalForm: org.legal_form, currency: org.currency, timeZone: org.time_zone, locale: org.locale, localArea: org.local_area.join(", "), ...org.rules, requireTwoFactorForOfficers: org.require_two_factor_for_officers },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const submission = parseForm(await readForm(request), { schema: OrganisationSettingsSchema });
  if (submission.status !== "success") return { result: submission.reply(), saved: false, overCap: null };
  const area = parseLocalArea(submission.value.localArea);
  if (area.errors.length) {
    return { result: submission.reply({ fieldErrors: { localArea: area.errors.map((e) => `"${e.entry}": ${e.reason}`) } }), saved: false, overCap: null };
  }
  const { name, legalForm, currency, timeZone, locale, localArea: _text, requireTwoFactorForOfficers, ...rules } = submission.value;
  const db = await getDb();
  // A lowered rate cap leaves products whose highest rate is now above it: the reply names them, with their rates.
  const overCap = await db.transaction().execute(async (trx) => {
    await updateOrganisationSettings(trx, ctx.user.id, ctx.organisation.id, { name, legalForm: legalForm as LegalForm, currency, timeZone, locale, localArea: area.entries, rules, requireTwoFactorForOfficers });
    return productsOverRateCap(trx, ctx.organisation.id);
  });
  return { result: submission.reply(), saved: true, overCap: overCap.sentence };
}

export default function Settings() {
  const { org, timeZones, locales, canSeeProducts } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    defaultValue: org,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OrganisationSettingsSchema }),
  });
  return (
    <>
      <PageHead title="Organisation settings" />
      <Flash message={data?.saved ? "Settings saved." : null} />
      <Flash message={data?.overCap} tone="error" />
      {data?.overCap && canSeeProducts ? <p><Link to="/products">Go to the loan products</Link></p> : null}
      <section className="card">
        <FormErrors errors={form.errors} />
        <Form method="post" className="stack" {...getFormProps(form)}>
          <Field meta={fields.name} label="Name" />
          <p className="muted">Public address: /join/{org.slug}</p>
          <SelectField meta={fields.legalForm} label="Legal form" options={LEGAL_FORMS} />
          <SelectField meta={fields.currency} label="Currency" options={[["GBP", "Pound sterling (GBP)"], ["EUR", "Euro (EUR)"], ["USD", "US dollar (USD)"]]} />
          <SelectField meta={fields.timeZone} label="Time zone" options={timeZones.map((z) => [z, z.replaceAll("_", " ")] as const)} hint="Business dates (today, due dates, pay-outs, as-at pages) follow this zone's calendar." />
          <SelectField
            meta={fields.locale}
            label="Locale"
            options={locales}
            hint="How money and dates are written on pages, PDFs and emails: separators, where the currency symbol goes, month names. CSV files keep plain amounts (1234.56) and dates (2026-03-01) whatever the locale."
          />
          <TextAreaField
            meta={fields.localArea}
            label="Local area"
            hint="Postcode areas, districts or sectors separated by commas, e.g. PR1-PR5, PR25, BB1 3. Members and borrowers with a postcode here count as local."
          />
          <fieldset>
            <legend>Meetings and votes</legend>
            <Field meta={fields.noticeDays} label="Clear days' notice of a general meeting" type="number" />
            <Field meta={fields.quorumMembers} label="Quorum: at least this many members" type="number" />
            <Field meta={fields.quorumPercent} label="Quorum: or this % of those eligible, if more" type="number" />
            <Field meta={fields.specialResolutionPercent} label="Special resolution: % of votes cast needed" type="number" />
            <Field meta={fields.maxProxiesPerHolder} label="Most proxy appointments one person may hold" type="number" />
          </fieldset>
          <fieldset>
            <legend>Shares and lending</legend>
            <Field meta={fields.withdrawalNoticeDays} label="Default withdrawal notice (days)" type="number" />
            <Field meta={fields.rateCapMonthlyPercent} label="Lending rate cap (% a month on the reducing balance)" type="number" hint="UK credit unions: 3% a month (42.6% APR)." />
          </fieldset>
          <fieldset>
            <legend>Security</legend>
            <Field
              meta={fields.requireTwoFactorForOfficers}
              label="Officers must log in with a second factor"
              type="checkbox"
              hint="Owners, secretaries, loan officers, board members and auditors then set up an authenticator app (with recovery codes) before they can use anything else."
            />
          </fieldset>
          <button type="submit">Save settings</button>
        </Form>
      </section>
    </>
  );
}
