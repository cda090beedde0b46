import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, SubmissionKey, TextAreaField } from "~/components/forms";
import { ScheduleTable } from "~/components/lending/tables";
import { Flash, PageHead, Stat, TableWrap } from "~/components/ui";
import { parseMoney } from "~/domain/money";
import type { Component } from "~/domain/lending/allocation";
import { isoDate, keyed } from "~/schemas/common";
import { getLoan, recordRecovery, recordRepayment, reversePayout, reverseRepayment } from "~/models/lending/loans.server";
import { loanPageData } from "~/models/lending/loan-views.server";
import { LoanActionSchema } from "~/schemas/lending";
import { newSubmissionKey, once } from "~/models/core/form-submissions.server";
import { loanPaymentReference } from "~/domain/treasury/payments-in";
import type { RouteAccess } from "~/utils/access";
import { DocumentsSection, documentRows } from "~/components/lending/documents";
import { listDocuments } from "~/models/lending/loan-documents.server";
import { LoanDirectDebitSection } from "~/components/payments/direct-debit";
import { loanDirectDebit } from "~/models/payments/direct-debit.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { openWriteOffProposal } from "~/models/lending/write-offs.server";
import * as clock from "~/utils/clock.server";
import { resolveAsAt } from "~/domain/as-at";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "loans:read", action: "loans:write" };
/** The loan's money forms, each with its one-time key (a double click records once). */
const LoanActionForm = keyed(LoanActionSchema);
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Loan ${data?.loan.reference ?? ""} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const loan = await getLoan(db, ctx.organisation.id, params.loanId ?? "");
  if (!loan) throw notFoundResponse("No such loan");
  const today = clock.today(ctx.organisation);
  const asked = new URL(request.url).searchParams.get("asAt");
  const { asAt, notice } = resolveAsAt(asked && isoDate.safeParse(asked).success ? asked : undefined, today);
  const data = await loanPageData(db, ctx.organisation.id, loan, asAt);
  const documents = documentRows(await listDocuments(db, ctx.organisation.id, { applicationId: loan.application_id, loanId: loan.id }), ctx.organisation);
  const proposal = await openWriteOffProposal(db, ctx.organisation.id, loan.id);
  const pendingWriteOff = proposal ? `${proposal.proposer_name} proposed on ${clock.dayOf(proposal.proposed_at, ctx.organisation)} to write this loan off as at ${proposal.on_date}; a second board member decides.` : null;
  // The pay-out can be reversed while nothing stands paid on the loan (reversePayout checks it again under the lock).
  const payoutReversible = loan.status === "active" && !proposal && !data.paidAny;
  const directDebit = await loanDirectDebit(db, ctx.organisation.id, loan.id);
  return { ...data, documents, directDebit, today, asAtNotice: notice, pendingWriteOff, payoutReversible, submissionKey: newSubmissionKey(), canWrite: ctx.permissions.has("loans:write"), canGovern: ctx.permissions.has("loans:govern") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const db = await getDb();
  const loan = await getLoan(db, ctx.organisation.id, params.loanId ?? "");
  if (!loan) throw notFoundResponse("No such loan");
  const formData = await readForm(request);
  const submission = parseForm(formData, { schema: LoanActionForm });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return { intent, result: submission.reply(), done: null };
  const v = submission.value;
  const today = clock.today(ctx.organisation);
  try {
    const done = await db.transaction().execute((trx) => once(trx, ctx, `loans/${loan.id}/${v.intent}`, v, async () => {
      if (v.intent === "repayment") {
        const r = await recordRepayment(trx, ctx.user.id, ctx.organisation.id, loan.id, {
          amount: parseMoney(v.amount), onDate: v.onDate, method: v.method, order: v.order.split(",") as Component[], reschedule: v.reschedule, note: v.note,
        }, today);
        return `Repayment recorded${r.prepaid > 0n ? "; the overpayment was applied as a prepayment and the schedule regenerated" : ""}${r.closed ? ". The loan is repaid in full." : "."}`;
      }
      if (v.intent === "reversal") {
        await reverseRepayment(trx, ctx.user.id, ctx.organisation.id, loan.id, BigInt(v.transactionId), v.onDate, v.note, today);
        return "Repayment reversed.";
      }
      if (v.intent === "payout-reversal") {
        await reversePayout(trx, ctx.user.id, ctx.organisation.id, loan.id, { onDate: v.onDate, note: v.note }, today);
        return "Pay-out reversed. The application is back at \"offer accepted\": pay it out again on the right date, or withdraw it.";
      }
      await recordRecovery(trx, ctx.user.id, ctx.organisation.id, loan.id, parseMoney(v.amount), v.onDate, v.note, today);
      return "Recovery recorded.";
    }));
    return { intent, result: submission.reply({ resetForm: true }), done };
  } catch (e) {
    return { intent, result: replyRefusal(submission, e), done: null };
  }
}

const METHODS = [["bank", "Bank transfer"], ["manual", "Cash or cheque (manual)"], ["card", "Card"]] as const;
const ORDERS = [["fees,interest,principal", "Fees, then interest, then principal"], ["interest,fees,principal", "Interest, then fees, then principal"], ["principal,interest,fees", "Principal first"]] as const;
const RESCHEDULE = [["shorter-term", "Keep the installment, finish sooner"], ["lower-installment", "Keep the term, pay less each time"]] as const;

/** The form for one of the loan's actions: `intent` is both its id and what it asks the action to do. */
function useLoanActionForm(intent: string, lastResult: SubmissionResult<string[]> | null | undefined, defaultValue: Record<string, string | undefined>) {
  return useForm({
    id: intent,
    lastResult,
    defaultValue: { intent, ...defaultValue },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoanActionForm }),
  });
}

function RepaymentForm({ lastResult, today, submissionKey }: { lastResult?: SubmissionResult<string[]> | null; today: string; submissionKey: string }) {
  const [form, fields] = useLoanActionForm("repayment", lastResult, { onDate: today, method: "bank", order: "fees,interest,principal", reschedule: "shorter-term" });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <h3>Record a repayment</h3>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="repayment" />
      <SubmissionKey value={submissionKey} />
      <Field meta={fields.amount} label="Amount paid (£)" inputMode="decimal" />
      <Field meta={fields.onDate} label="Date paid" type="date" />
      <SelectField meta={fields.method} label="Paid by" options={METHODS} />
      <SelectField meta={fields.order} label="Allocation order" options={ORDERS} hint="Oldest installment first; within it, in this order." />
      <SelectField meta={fields.reschedule} label="If it is more than is due" options={RESCHEDULE} hint="An overpayment repays principal early and the rest of the schedule is worked out again." />
      <Field meta={fields.note} label="Note (optional)" />
      <button type="submit">Record repayment</button>
    </Form>
  );
}

function ReversalForm({ lastResult, today, choices, submissionKey }: { lastResult?: SubmissionResult<string[]> | null; today: string; choices: { id: string; label: string }[]; submissionKey: string }) {
  const [form, fields] = useLoanActionForm("reversal", lastResult, { onDate: today, transactionId: choices[choices.length - 1]?.id });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <h3>Reverse a wrong repayment</h3>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="reversal" />
      <SubmissionKey value={submissionKey} />
      <SelectField meta={fields.transactionId} label="Repayment" options={choices.map((c) => [c.id, c.label] as const)} />
      <Field meta={fields.onDate} label="Date of the correction" type="date" />
      <TextAreaField meta={fields.note} label="Why it is reversed" />
      <button type="submit" className="danger">Reverse repayment</button>
    </Form>
  );
}

function PayoutReversalForm({ lastResult, today, principal, submissionKey }: { lastResult?: SubmissionResult<string[]> | null; today: string; principal: string; submissionKey: string }) {
  const [form, fields] = useLoanActionForm("payout-reversal", lastResult, { onDate: today });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <h3>Reverse the pay-out</h3>
      <p>Only if the pay-out of {principal} was recorded in error (a wrong date, the wrong borrower). The pay-out stays in the ledger with a reversing entry; the loan leaves the portfolio and its application goes back to &ldquo;offer accepted&rdquo;.</p>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="payout-reversal" />
      <SubmissionKey value={submissionKey} />
      <Field meta={fields.onDate} label="Date of the correction" type="date" />
      <TextAreaField meta={fields.note} label="Why the pay-out is reversed" />
      <div className="field">
        <label>
          <input {...getInputProps(fields.confirm, { type: "checkbox" })} key={fields.confirm.key} aria-describedby={fields.confirm.errors?.length ? fields.confirm.errorId : undefined} /> I confirm this pay-out was recorded in error
        </label>
        {fields.confirm.errors?.length ? <p className="error" id={fields.confirm.errorId} role="alert">{fields.confirm.errors.join(". ")}</p> : null}
      </div>
      <button type="submit" className="danger">Reverse the pay-out</button>
    </Form>
  );
}

function RecoveryForm({ lastResult, today, submissionKey }: { lastResult?: SubmissionResult<string[]> | null; today: string; submissionKey: string }) {
  const [form, fields] = useLoanActionForm("recovery", lastResult, { onDate: today });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <h3>Record a recovery</h3>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="recovery" />
      <SubmissionKey value={submissionKey} />
      <Field meta={fields.amount} label="Amount recovered (£)" inputMode="decimal" />
      <Field meta={fields.onDate} label="Date received" type="date" />
      <Field meta={fields.note} label="Note (optional)" />
      <button type="submit">Record recovery</button>
    </Form>
  );
}

export default function LoanPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const forIntent = (i: string) => (a?.intent === i ? (a.result as SubmissionResult<string[]>) : undefined);
  const { loan } = d;
  return (
    <>
      <PageHead title={`Loan ${loan.reference} · ${loan.borrower}`}>
        <a className="button secondary" href={`/loans/${loan.id}/schedule.csv`} download>Schedule (CSV)</a>
        {d.canGovern && loan.status === "active" ? <Link className="button danger" to={`/loans/${loan.id}/write-off`}>{d.pendingWriteOff ? "Decide on the write-off" : "Write off"}</Link> : null}
      </PageHead>
      <Flash message={a?.done} />
      {d.pendingWriteOff ? <p className="alert info" role="status">{d.pendingWriteOff}</p> : null}
      <Flash tone="info" message={d.asAtNotice} />
      <section className="grid" aria-label="Loan figures">
        <Stat label="Status" value={loan.status.replace("_", " ")} hint={loan.closedOn ? `Closed ${loan.closedOn}` : loan.writtenOffOn ? `Written off ${loan.writtenOffOn}` : loan.reversedOn ? `Pay-out reversed ${loan.reversedOn}` : undefined} />
        <Stat label="Principal owed" value={d.owed.principal} hint={`of ${loan.principal} lent`} />
        <Stat label="Days past due" value={d.arrears.dpd} hint={`${d.arrears.bucket} as at ${d.arrears.asAt}; ${d.arrears.overdue} overdue`} />
        <Stat label="Rate" value={`${loan.rate}% a year`} hint={`APR ${loan.apr}%`} />
        <Stat label="Payment reference" value={loanPaymentReference(loan.reference)} hint="What the borrower gives with bank transfers" />
      </section>
      <section className="card stack">
        <h2>Details</h2>
        <dl className="facts">
          <dt>Borrower</dt><dd><Link to={`/borrowers/${loan.borrowerId}`}>{loan.borrower}</Link></dd>
          <dt>Product</dt><dd>{loan.product}</dd>
          <dt>Paid out</dt><dd>{loan.disbursedOn}</dd>
          <dt>Loan officer</dt><dd>{loan.officer ?? "—"}</dd>
          {loan.applicationId ? <><dt>Application</dt><dd><Link to={`/applications/${loan.applicationId}`}>See the application and the committee's votes</Link></dd></> : null}
        </dl>
        <Form method="get" className="toolbar">
          <div className="field">
            <label htmlFor="asAt">Arrears as at</label>
            <input id="asAt" name="asAt" type="date" defaultValue={d.arrears.asAt} max={d.today} />
          </div>
          <button type="submit" className="secondary">Show</button>
        </Form>
      </section>
      <section className="card stack">
        <h2>Schedule</h2>
        <ScheduleTable label="Repayment schedule" rows={d.schedule} />
      </section>
      <section className="card stack">
        <h2>Transactions</h2>
        <TableWrap label="Loan transactions">
          <table>
            <caption className="visually-hidden">Every transaction on the loan, oldest first</caption>
            <thead>
              <tr><th scope="col">Date</th><th scope="col">Kind</th><th scope="col" className="num">Amount</th><th scope="col" className="num hide-narrow">Principal</th><th scope="col" className="num hide-narrow">Interest</th><th scope="col" className="num hide-narrow">Fees</th><th scope="col">Notes</th></tr>
            </thead>
            <tbody>
              {d.transactions.map((t) => (
                <tr key={t.id}>
                  <td>{t.onDate}</td>
                  <td>{t.kind}{t.method ? <span className="muted"> ({t.method})</span> : null}</td>
                  <td className="num">{t.amount}</td>
                  <td className="num hide-narrow">{t.principal}</td>
                  <td className="num hide-narrow">{t.interest}</td>
                  <td className="num hide-narrow">{t.fees}</td>
                  <td>
                    {t.prepaid ? `Prepaid ${t.prepaid} (${t.reschedule}). ` : ""}
                    {t.reversedBy ? "Reversed. " : ""}
                    {t.reverses ? (t.reversesPayout ? "Reverses the pay-out. " : "Reverses an earlier repayment. ") : ""}
                    {t.note}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      {d.canWrite ? (
        <section className="card stack">
          <h2>Servicing</h2>
          {loan.status === "active" ? <RepaymentForm lastResult={forIntent("repayment")} today={d.today} submissionKey={d.submissionKey} /> : <p>This loan is {loan.status.replace("_", " ")}: repayments cannot be recorded on it.</p>}
          {d.reversible.length > 0 && loan.status !== "written_off" && loan.status !== "reversed" ? <ReversalForm lastResult={forIntent("reversal")} today={d.today} choices={d.reversible} submissionKey={d.submissionKey} /> : null}
          {loan.status === "written_off" ? <RecoveryForm lastResult={forIntent("recovery")} today={d.today} submissionKey={d.submissionKey} /> : null}
          {d.payoutReversible ? <PayoutReversalForm lastResult={forIntent("payout-reversal")} today={d.today} principal={loan.principal} submissionKey={d.submissionKey} /> : null}
        </section>
      ) : null}
      <LoanDirectDebitSection loanId={loan.id} mandate={d.directDebit.mandate} collections={d.directDebit.collections} canWrite={d.canWrite} />
      <DocumentsSection documents={d.documents} target={{ loanId: loan.id }} canUpload={d.canWrite} />
    </>
  );
}
