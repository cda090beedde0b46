import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, SubmissionKey } from "~/components/forms";
import { ShareMandatesList } from "~/components/payments/direct-debit";
import { Flash, PageHead } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { newSubmissionKey } from "~/models/core/form-submissions.server";
import { cancelMandate, memberShareMandates, startShareMandate } from "~/models/payments/direct-debit.server";
import { listShareClasses } from "~/models/shares/share-classes-and-holdings.server";
import { keyed } from "~/schemas/common";
import { ShareDirectDebitSchema } from "~/schemas/payments";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { DIRECT_DEBIT_UNAVAILABLE, directDebitEnabled, goCardlessClient, HOW_TO_ENABLE_DIRECT_DEBIT } from "~/utils/gocardless.server";
import { replyRefusal } from "~/web/refusals.server";
import { appUrl, requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "self:write", action: "self:write" };
export const meta: MetaFunction = () => [{ title: "Shares by Direct Debit · Co-op Register" }];

/** The page's one-time key is also GoCardless's idempotency key: a double click asks for one mandate. */
const ShareDirectDebitForm = keyed(ShareDirectDebitSchema);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const db = await getDb();
  const classes = await listShareClasses(db, ctx.organisation.id);
  const enabled = directDebitEnabled();
  return {
    linked: !!ctx.memberId,
    classes: classes.map((c) => [c.id, `${c.name} (${displayMoney(BigInt(c.par_value), ctx.organisation)} a share)`] as const),
    view: ctx.memberId ? await memberShareMandates(db, ctx.organisation.id, ctx.memberId) : { mandates: [], collections: [] },
    enabled,
    howTo: enabled ? null : ctx.permissions.has("organisation:manage") ? HOW_TO_ENABLE_DIRECT_DEBIT : DIRECT_DEBIT_UNAVAILABLE,
    submissionKey: newSubmissionKey(),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "");
  const submission = parseForm(formData, { schema: ShareDirectDebitForm });
  if (submission.status !== "success") return { intent, result: submission.reply(), done: null };
  if (!ctx.memberId) return { intent, result: submission.reply({ formErrors: ["Your log-in is not linked to a member of this society."] }), done: null };
  const gc = goCardlessClient();
  if (!gc || !directDebitEnabled()) return { intent, result: submission.reply({ formErrors: [ctx.permissions.has("organisation:manage") ? HOW_TO_ENABLE_DIRECT_DEBIT : DIRECT_DEBIT_UNAVAILABLE] }), done: null };
  const v = submission.value;
  const db = await getDb();
  try {
    if (v.intent === "setup") {
      const r = await startShareMandate(db, gc, {
        organisationId: ctx.organisation.id, actorUserId: ctx.user.id, memberId: ctx.memberId, classId: v.classId, sharesPerMonth: v.sharesPerMonth,
        collectionDay: v.collectionDay, idempotencyKey: v.submissionKey, appUrl: appUrl(request),
      });
      if (!r.ok) return { intent, result: replyRefusal(submission, r), done: null };
      // To GoCardless's page, where the member gives their bank details; they come back here.
      return redirect(r.url);
    }
    const r = await cancelMandate(db, gc, { organisationId: ctx.organisation.id, actorUserId: ctx.user.id, mandateId: v.mandateId, memberId: ctx.memberId });
    if (!r.ok) return { intent, result: replyRefusal(submission, r), done: null };
    return { intent, result: submission.reply({ resetForm: true }), done: "Your Direct Debit is cancelled; nothing more will be collected under it." };
  } catch (e) {
    return { intent, result: replyRefusal(submission, e), done: null };
  }
}

const DAYS = Array.from({ length: 28 }, (_, i) => [String(i + 1), String(i + 1)] as const);

export default function ShareDirectDebit() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "setup",
    lastResult: a?.intent === "setup" ? (a.result as SubmissionResult<string[]>) : undefined,
    defaultValue: { intent: "setup", classId: d.classes[0]?.[0], sharesPerMonth: "1", collectionDay: "1" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ShareDirectDebitForm }),
  });
  const live = d.view.mandates.filter((m) => m.live);
  return (
    <>
      <PageHead title="Buy shares monthly by Direct Debit" />
      <Flash message={a?.done} />
      {a?.intent === "cancel" && a.result && "error" in a.result ? <Flash tone="error" message={Object.values(a.result.error ?? {}).flat().join(". ")} /> : null}
      {!d.linked ? <p>Your log-in is not linked to a member of this society.</p> : null}
      <ShareMandatesList view={d.view} submissionKey={d.submissionKey} />
      <section className="card">
        <h2>Set up a monthly instalment</h2>
        {d.howTo ? <div className="alert info" role="status">{d.howTo}</div> : null}
        {live.length ? <p>You can have one instalment per share class.</p> : null}
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <input type="hidden" name="intent" value="setup" />
          <SubmissionKey value={d.submissionKey} />
          <SelectField meta={fields.classId} label="Share class" options={d.classes} />
          <Field meta={fields.sharesPerMonth} label="Shares each month" type="number" inputMode="numeric" />
          <SelectField meta={fields.collectionDay} label="Day of the month it is collected" options={DAYS} />
          <button type="submit" disabled={!d.enabled || !d.linked}>Continue to GoCardless</button>
        </Form>
        <p className="muted">You authorise the Direct Debit on GoCardless's secure page. Each month's shares are issued when the payment is confirmed; you can cancel at any time here or with your bank.</p>
      </section>
    </>
  );
}
