import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { createMeeting } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { MEETING_FORMATS, MEETING_KINDS, MeetingSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:manage", action: "meetings:manage" };
export const meta: MetaFunction = () => [{ title: "Call a meeting · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:manage");
  const org = await getOrganisation(await getDb(), ctx.organisation.id);
  return { noticeDays: org.rules.noticeDays, today: clock.today(ctx.organisation) };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:manage");
  const submission = parseForm(await readForm(request), { schema: MeetingSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  try {
    const meeting = await db.transaction().execute((trx) => createMeeting(trx, ctx.user.id, ctx.organisation.id, submission.value));
    return redirect(`/meetings/${meeting.id}`);
  } catch (error) {
    return replyRefusal(submission, error);
  }
}

export default function NewMeeting() {
  const { noticeDays, today } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { kind: "agm", format: "hybrid", noticeGivenOn: today },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MeetingSchema }),
  });
  return (
    <>
      <PageHead title="Call a meeting" />
      <section className="card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <SelectField meta={fields.kind} label="Kind of meeting" options={MEETING_KINDS} />
          <Field meta={fields.title} label="Title" hint="For example: Annual General Meeting 2026." />
          <Field meta={fields.heldOn} label="Date of the meeting" type="date" />
          <Field meta={fields.startsAt} label="Start time" hint="24-hour clock, e.g. 18:30." />
          <Field meta={fields.place} label="Place" hint="Address, or the link members will use to join." />
          <SelectField meta={fields.format} label="How it is held" options={MEETING_FORMATS} />
          <Field meta={fields.noticeGivenOn} label="Notice given on" type="date" hint={`General meetings need ${noticeDays} clear days' notice under the rules (not counting the day of notice or of the meeting).`} />
          <Field meta={fields.recordDate} label="Record date (optional)" type="date" hint="Members admitted on this date may vote. Leave empty to use the day notice is given." />
          <TextAreaField meta={fields.agenda} label="Agenda" rows={5} />
          <TextAreaField meta={fields.documents} label="Documents" hint="One per line: a title and a link, e.g. Annual accounts https://…" rows={3} />
          <button type="submit">Call the meeting</button>
        </Form>
      </section>
    </>
  );
}
