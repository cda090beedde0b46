import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SubmissionKey } from "~/components/forms";
import { CollectionsTable, MandateFacts } from "~/components/payments/direct-debit";
import { Flash, PageHead } from "~/components/ui";
import { newSubmissionKey } from "~/models/core/form-submissions.server";
import { getLoan } from "~/models/lending/loans.server";
import { cancelMandate, loanDirectDebit, recordExistingLoanMandate, startLoanMandate } from "~/models/payments/direct-debit.server";
import { keyed } from "~/schemas/common";
import { LoanDirectDebitSchema } from "~/schemas/payments";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { directDebitEnabled, goCardlessClient, HOW_TO_ENABLE_DIRECT_DEBIT } from "~/utils/gocardless.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";
import { appUrl, requirePermission } from "~/web/session.server";

export const access: RouteAccess = { loader: "loans:read", action: "loans:write" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Direct Debit · Loan ${data?.reference ?? ""} · Co-op Register` }];

/** Each post carries the page's one-time key: a mandate request made with it is made once (it is also GoCardless's idempotency key). */
const DirectDebitForm = keyed(LoanDirectDebitSchema);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const loan = await getLoan(db, ctx.organisation.id, params.loanId ?? "");
  if (!loan) throw notFoundResponse("No such loan");
  const dd = await loanDirectDebit(db, ctx.organisation.id, loan.id, ctx.organisation.locale);
  return {
    loanId: loan.id, reference: loan.reference, borrower: loan.legal_name, contactEmail: loan.contact_email, active: loan.status === "active",
    ...dd, enabled: directDebitEnabled(), howTo: HOW_TO_ENABLE_DIRECT_DEBIT, canWrite: ctx.permissions.has("loans:write"), submissionKey: newSubmissionKey(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const db = await getDb();
  const loan = await getLoan(db, ctx.organisation.id, params.loanId ?? "");
  if (!loan) throw notFoundResponse("No such loan");
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "");
  const submission = parseForm(formData, { schema: DirectDebitForm });
  if (submission.status !== "success") return { intent, result: submission.reply(), done: null };
  const gc = goCardlessClient();
  if (!gc || !directDebitEnabled()) return { intent, result: submission.reply({ formErrors: [HOW_TO_ENABLE_DIRECT_DEBIT] }), done: null };
  const v = submission.value;
  const who = { organisationId: ctx.organisation.id, actorUserId: ctx.user.id, loanId: loan.id };
  try {
    if (v.intent === "setup") {
      const r = await startLoanMandate(db, gc, { ...who, idempotencyKey: v.submissionKey, appUrl: appUrl(request) });
      if (!r.ok) return { intent, result: replyRefusal(submission, r), done: null };
      return { intent, result: submission.reply({ resetForm: true }), done: `The borrower has been emailed GoCardless's page to authorise the Direct Debit${loan.contact_email ? ` (${loan.contact_email})` : ""}: ${r.url}` };
    }
    if (v.intent === "record") {
      const r = await recordExistingLoanMandate(db, gc, { ...who, providerMandateId: v.providerMandateId, idempotencyKey: v.submissionKey });
      if (!r.ok) return { intent, result: replyRefusal(submission, r), done: null };
      return { intent, result: submission.reply({ resetForm: true }), done: "The mandate is recorded: installments will be collected under it." };
    }
    const r = await cancelMandate(db, gc, { ...who, mandateId: v.mandateId });
    if (!r.ok) return { intent, result: replyRefusal(submission, r), done: null };
    return { intent, result: submission.reply({ resetForm: true }), done: `The Direct Debit is cancelled${r.cancelledCollections ? `, with ${r.cancelledCollections} collection(s) not yet taken` : ""}.` };
  } catch (e) {
    return { intent, result: replyRefusal(submission, e), done: null };
  }
}

function DirectDebitForms({ submissionKey, lastResult, intent, mandateId, live }: { submissionKey: string; lastResult: unknown; intent: string | undefined; mandateId: string | null; live: boolean }) {
  const forIntent = (i: string) => (intent === i ? (lastResult as SubmissionResult<string[]>) : undefined);
  const [setup] = useForm({ id: "setup", lastResult: forIntent("setup") });
  const [record, recordFields] = useForm({ id: "record", lastResult: forIntent("record"), shouldValidate: "onBlur", onValidate: ({ formData }) => parseWithZod(formData, { schema: DirectDebitForm }) });
  const [cancel] = useForm({ id: "cancel", lastResult: forIntent("cancel") });
  if (live && mandateId) {
    return (
      <Form method="post" className="stack" {...getFormProps(cancel)}>
        <h3>Cancel the Direct Debit</h3>
        <p>GoCardless is told, and collections not yet taken are cancelled; collections already made stay recorded.</p>
        <FormErrors errors={cancel.errors} />
        <input type="hidden" name="intent" value="cancel" />
        <input type="hidden" name="mandateId" value={mandateId} />
        <SubmissionKey value={submissionKey} />
        <button type="submit" className="danger">Cancel the Direct Debit</button>
      </Form>
    );
  }
  return (
    <>
      <Form method="post" className="stack" {...getFormProps(setup)}>
        <h3>Ask the borrower to set one up</h3>
        <p>The borrower's contact is emailed GoCardless's secure page, where they give their bank details and authorise the mandate.</p>
        <FormErrors errors={setup.errors} />
        <input type="hidden" name="intent" value="setup" />
        <SubmissionKey value={submissionKey} />
        <button type="submit">Send the set-up link</button>
      </Form>
      <Form method="post" className="stack" {...getFormProps(record)}>
        <h3>Record a mandate made in GoCardless</h3>
        <FormErrors errors={record.errors} />
        <input type="hidden" name="intent" value="record" />
        <SubmissionKey value={submissionKey} />
        <Field meta={recordFields.providerMandateId} label="GoCardless mandate id" hint="As GoCardless's dashboard shows it, such as MD000123ABC." />
        <button type="submit" className="secondary">Record the mandate</button>
      </Form>
    </>
  );
}

export default function LoanDirectDebit() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  return (
    <>
      <PageHead title={`Direct Debit · Loan ${d.reference}`}>
        <Link className="button secondary" to={`/loans/${d.loanId}`}>Back to the loan</Link>
      </PageHead>
      <Flash message={a?.done} />
      <section className="card stack">
        <h2>{d.borrower}</h2>
        <MandateFacts mandate={d.mandate} />
      </section>
      {d.canWrite ? (
        <section className="card stack">
          <h2>{d.mandate?.live ? "Manage" : "Set up"}</h2>
          {!d.enabled ? <div className="alert info" role="status">{d.howTo}</div> : null}
          {d.active || d.mandate?.live ? <DirectDebitForms submissionKey={d.submissionKey} lastResult={a?.result} intent={a?.intent} mandateId={d.mandate?.id ?? null} live={!!d.mandate?.live} /> : <p>The loan is not open for repayments.</p>}
        </section>
      ) : null}
      <section className="card stack">
        <h2>Collections</h2>
        <CollectionsTable collections={d.collections} />
      </section>
    </>
  );
}
