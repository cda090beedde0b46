import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { createElection } from "~/models/governance/meetings.server";
import { ELECTION_KIND_OPTIONS, ElectionSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { requireMeeting } from "~/web/ballot-forms.server";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "meetings:manage", action: "meetings:manage" };
export const meta: MetaFunction = () => [{ title: "Add an election · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { meeting } = await requireMeeting(request, params, "meetings:manage");
  return { meeting: { id: meeting.id, title: meeting.title } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "meetings:manage");
  const submission = parseForm(await readForm(request), { schema: ElectionSchema });
  if (submission.status !== "success") return submission.reply();
  const motion = await db.transaction().execute((trx) => createElection(trx, ctx.user.id, ctx.organisation.id, meeting.id, submission.value));
  return redirect(`/elections/${motion.id}`);
}

export default function NewElection() {
  const { meeting } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { kind: "stv", seats: "3", countMethod: "scottish" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ElectionSchema }),
  });
  return (
    <>
      <PageHead title={`Add an election to ${meeting.title}`}>
        <Link className="button secondary" to={`/meetings/${meeting.id}/elections/import`}>Import a BLT file</Link>
      </PageHead>
      <section className="card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <SelectField meta={fields.kind} label="How it is counted" options={ELECTION_KIND_OPTIONS} />
          <Field meta={fields.title} label="Title" hint="For example: Election of three directors." />
          <TextAreaField meta={fields.body} label="Explanation for voters" rows={3} />
          <Field meta={fields.seats} label="Seats (or winners)" type="number" inputMode="numeric" />
          <SelectField meta={fields.countMethod} label="STV counting rules" options={[["scottish", "Scottish STV (SSI 2007/42)"], ["meek", "Meek's method"]]} />
          <TextAreaField meta={fields.candidates} label="Candidates or options, one per line, as nominated" rows={8} />
          <button type="submit">Add the election</button>
        </Form>
      </section>
    </>
  );
}
