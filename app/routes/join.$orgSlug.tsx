import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CheckboxGroup, Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { Flash, PageHead } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { getOrganisationBySlug } from "~/models/core/organisations.server";
import { throttleJoin } from "~/models/core/rate-limits.server";
import { submitApplication } from "~/models/shares/share-applications.server";
import { listShareClasses } from "~/models/shares/share-classes-and-holdings.server";
import { JOIN_DECLARATIONS, JoinSchema } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { clientIp } from "~/web/session.server";
import { clockTime } from "~/domain/throttle";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "public", action: "public" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Join ${data?.org.name ?? "the society"}` }];

async function orgFrom(slug: string | undefined) {
  const org = slug && /^[a-z0-9-]{2,63}$/.test(slug) ? await getOrganisationBySlug(await getDb(), slug) : null;
  if (!org) throw notFoundResponse();
  return org;
}

export async function loader({ params }: LoaderFunctionArgs) {
  const org = await orgFrom(params.orgSlug);
  const classes = await listShareClasses(await getDb(), org.id);
  return {
    org: { name: org.name },
    classes: classes.map((c) => ({ id: c.id, label: `${c.name}: ${displayMoney(BigInt(c.par_value), org)} each, at least ${c.min_holding}`, min: c.min_holding })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const org = await orgFrom(params.orgSlug);
  const submission = parseForm(await readForm(request), { schema: JoinSchema });
  if (submission.status !== "success") return { result: submission.reply(), applied: null };
  const db = await getDb();
  const allowed = await throttleJoin(db, { email: submission.value.email, ip: clientIp(request) });
  if (!allowed.allowed) return { result: submission.reply({ formErrors: [`Too many applications from here or for this email. Try again at ${clockTime(allowed.retryAt)}.`] }), applied: null };
  const today = clock.today(org);
  const r = await db.transaction().execute((trx) => submitApplication(trx, org, submission.value, today, org));
  if (!r.ok) return { result: replyRefusal(submission, r), applied: null };
  return { result: submission.reply({ resetForm: true }), applied: submission.value.email };
}

export default function Join() {
  const { org, classes } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    defaultValue: { kind: "person", classId: classes[0]?.id, shares: String(classes[0]?.min ?? 1) },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: JoinSchema }),
  });
  if (classes.length === 0) {
    return <><PageHead title={`Join ${org.name}`} /><p>This society is not taking applications online yet.</p></>;
  }
  return (
    <>
      <PageHead title={`Join ${org.name}`} />
      <Flash message={data?.applied ? `Thank you: your application has been received. We have sent a confirmation to ${data.applied}.` : null} />
      <section className="card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <SelectField meta={fields.kind} label="Applying as" options={[["person", "A person"], ["organisation", "An organisation"]]} />
          <Field meta={fields.name} label="Full name (or organisation name)" autoComplete="name" />
          <Field meta={fields.email} label="Email" type="email" autoComplete="email" />
          <Field meta={fields.phone} label="Phone (optional)" type="tel" autoComplete="tel" />
          <TextAreaField meta={fields.address} label="Address" />
          <Field meta={fields.postcode} label="Postcode" autoComplete="postal-code" hint="A UK postcode, e.g. PR1 2AB." />
          <SelectField meta={fields.classId} label="Shares" options={classes.map((c) => [c.id, c.label] as const)} />
          <Field meta={fields.shares} label="Number of shares applied for" type="number" inputMode="numeric" />
          <CheckboxGroup meta={fields.declarations} legend="Declarations" options={JOIN_DECLARATIONS} />
          <button type="submit">Apply to join</button>
        </Form>
      </section>
    </>
  );
}
