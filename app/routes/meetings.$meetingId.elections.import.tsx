import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { BltError } from "~/domain/voting/stv";
import { importBlt } from "~/models/governance/elections.server";
import { BltImportSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { requireMeeting } from "~/web/ballot-forms.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:manage", action: "meetings:manage" };
export const meta: MetaFunction = () => [{ title: "Import a BLT file · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { meeting } = await requireMeeting(request, params, "meetings:manage");
  return { meeting: { id: meeting.id, title: meeting.title } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "meetings:manage");
  const submission = parseForm(await readForm(request), { schema: BltImportSchema });
  if (submission.status !== "success") return submission.reply();
  try {
    const motion = await db.transaction().execute((trx) => importBlt(trx, ctx.user.id, ctx.organisation.id, meeting.id, submission.value.blt, submission.value.countMethod));
    return redirect(`/elections/${motion.id}`);
  } catch (error) {
    // A malformed file is refused with the line to fix and the reason.
    if (error instanceof BltError) return submission.reply({ fieldErrors: { blt: [`Line ${error.line}: ${error.reason}`] } });
    if (error instanceof RangeError) return submission.reply({ fieldErrors: { blt: [error.message] } });
    return replyRefusal(submission, error, { field: "blt" });
  }
}

export default function ImportBlt() {
  const { meeting } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, defaultValue: { countMethod: "scottish" }, onValidate: ({ formData }) => parseWithZod(formData, { schema: BltImportSchema }), shouldValidate: "onBlur", shouldRevalidate: "onInput" });
  return (
    <>
      <PageHead title={`Import a BLT file into ${meeting.title}`} />
      <section className="card">
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <p>The file&apos;s candidates become an STV election of this meeting and its ballot papers go into the ballot box. Open and close voting to count them (online ballots cast meanwhile are counted too).</p>
          <TextAreaField meta={fields.blt} label="BLT file contents" rows={12} hint='First line: candidates and seats (e.g. "4 2"); then ballot lines ending in 0; a 0 line; the names in quotes; the title in quotes.' />
          <SelectField meta={fields.countMethod} label="Counting rules" options={[["scottish", "Scottish STV (SSI 2007/42)"], ["meek", "Meek's method"]]} />
          <button type="submit">Import</button>
        </Form>
      </section>
    </>
  );
}
