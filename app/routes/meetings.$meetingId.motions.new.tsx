import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { createMotion } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { MOTION_KINDS, MotionSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { requireMeeting } from "~/web/ballot-forms.server";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "meetings:manage", action: "meetings:manage" };
export const meta: MetaFunction = () => [{ title: "Add a resolution · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "meetings:manage");
  const org = await getOrganisation(db, ctx.organisation.id);
  return { meeting: { id: meeting.id, title: meeting.title }, specialPercent: org.rules.specialResolutionPercent };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "meetings:manage");
  const submission = parseForm(await readForm(request), { schema: MotionSchema });
  if (submission.status !== "success") return submission.reply();
  const motion = await db.transaction().execute(async (trx) => {
    const org = await getOrganisation(trx, ctx.organisation.id);
    return createMotion(trx, ctx.user.id, ctx.organisation.id, meeting.id, submission.value, org.rules);
  });
  return redirect(`/motions/${motion.id}`);
}

export default function NewMotion() {
  const { meeting, specialPercent } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { kind: "ordinary", thresholdComparison: "at-least" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MotionSchema }),
  });
  return (
    <>
      <PageHead title={`Add a resolution to ${meeting.title}`} />
      <section className="card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <SelectField meta={fields.kind} label="Kind of resolution" options={MOTION_KINDS} hint={`Special resolutions need at least ${specialPercent}% of votes cast under the rules.`} />
          <Field meta={fields.title} label="Title" />
          <TextAreaField meta={fields.body} label="Wording of the resolution" rows={5} />
          <fieldset>
            <legend>Own threshold (only for a resolution with its own threshold)</legend>
            <Field meta={fields.thresholdNumerator} label="Votes needed: top of the fraction" type="number" inputMode="numeric" hint="2 for two thirds." />
            <Field meta={fields.thresholdDenominator} label="Votes needed: bottom of the fraction" type="number" inputMode="numeric" hint="3 for two thirds." />
            <SelectField meta={fields.thresholdComparison} label="Comparison" options={[["at-least", "At least this share of votes cast"], ["more-than", "More than this share of votes cast"]]} />
          </fieldset>
          <button type="submit">Add the resolution</button>
        </Form>
      </section>
    </>
  );
}
