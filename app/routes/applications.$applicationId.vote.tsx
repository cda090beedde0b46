import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, TextAreaField } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { plainRate } from "~/domain/lending/terms";
import { APPLICATION_STATUS_LABEL, getApplication } from "~/models/lending/applications.server";
import { castCommitteeVote } from "~/models/lending/committee.server";
import { VoteSchema } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:approve", action: "loans:approve" };
export const meta: MetaFunction = () => [{ title: "Credit committee vote · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:approve");
  const app = await getApplication(await getDb(), ctx.organisation.id, params.applicationId ?? "");
  if (!app) throw notFoundResponse("No such application");
  return { id: app.id, reference: app.reference, borrower: app.legal_name, amount: displayMoney(app.amount, ctx.organisation), term: app.term_periods, rate: plainRate(app.annual_rate), purpose: app.purpose, notes: app.officer_notes, status: app.status, statusLabel: APPLICATION_STATUS_LABEL[app.status] };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:approve");
  const db = await getDb();
  const app = await getApplication(db, ctx.organisation.id, params.applicationId ?? "");
  if (!app) throw notFoundResponse("No such application");
  const submission = parseForm(await readForm(request), { schema: VoteSchema });
  if (submission.status !== "success") return submission.reply();
  try {
    await db.transaction().execute((trx) => castCommitteeVote(trx, ctx.user.id, ctx.organisation.id, app.id, submission.value));
  } catch (e) {
    return replyRefusal(submission, e, "form");
  }
  return redirect(`/applications/${app.id}`);
}

export default function Vote() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: VoteSchema }) });
  return (
    <>
      <PageHead title={`Vote on application ${d.reference}`} />
      <section className="card stack">
        <p>{d.borrower} asks for {d.amount} over {d.term} installments at {d.rate}% a year: {d.purpose}</p>
        <p><strong>Officer's review:</strong> {d.notes || "—"}</p>
        <p><Link to={`/applications/${d.id}`}>See the whole application</Link></p>
        {d.status !== "committee" ? <p className="alert info">This application is "{d.statusLabel}": the committee is not voting on it.</p> : null}
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <fieldset className="vote-choices" aria-describedby={fields.vote.errors?.length ? fields.vote.errorId : undefined}>
            <legend>Your vote</legend>
            {([["approve", "Approve"], ["decline", "Decline"], ["recuse", "Recuse (conflict of interest)"]] as const).map(([v, label]) => (
              <label key={v}><input type="radio" name={fields.vote.name} value={v} /> {label}</label>
            ))}
            {fields.vote.errors?.length ? <p className="error" id={fields.vote.errorId} role="alert">{fields.vote.errors.join(". ")}</p> : null}
          </fieldset>
          <TextAreaField meta={fields.comment} label="Comment (your reason, or the conflict you declare)" />
          <button type="submit">Cast vote</button>
        </Form>
      </section>
    </>
  );
}
