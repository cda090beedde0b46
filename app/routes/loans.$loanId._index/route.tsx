import type { SubmissionResult } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ScheduleTable } from "~/components/lending/tables";
import { Flash, PageHead, Stat, TableWrap } from "~/components/ui";
import { isoDate } from "~/schemas/common";
import { getLoan } from "~/models/lending/loans.server";
import { loanServicingPageData } from "~/models/lending/loan-views.server";
import { serviceLoan } from "~/models/lending/loan-servicing.server";
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
import * as clock from "~/utils/clock.server";
import { resolveAsAt } from "~/domain/as-at";
import { orNotFound, replyRefusal } from "~/web/refusals.server";
import { LoanActionForm, PayoutReversalForm, RecoveryForm, RepaymentForm, ReversalForm } from "./servicing-forms";
import { DateText, useDateWords } from "~/components/dates";

export const access: RouteAccess = { loader: "loans:read", action: "loans:write" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Loan ${data?.loan.reference ?? ""} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const loan = orNotFound(await getLoan(db, ctx.organisation.id, params.loanId ?? ""), "No such loan");
  const today = clock.today(ctx.organisation);
  const asked = new URL(request.url).searchParams.get("asAt");
  const { asAt, notice } = resolveAsAt(asked && isoDate.safeParse(asked).success ? asked : undefined, today);
  const data = await loanServicingPageData(db, ctx.organisation, loan, asAt);
  const [documentList, directDebit] = await Promise.all([
    listDocuments(db, ctx.organisation.id, { applicationId: loan.application_id, loanId: loan.id }),
    loanDirectDebit(db, ctx.organisation.id, loan.id, ctx.organisation.locale),
  ]);
  const documents = documentRows(documentList, ctx.organisation);
  return { ...data, documents, directDebit, today, asAtNotice: notice, submissionKey: newSubmissionKey(), canWrite: ctx.permissions.has("loans:write"), canGovern: ctx.permissions.has("loans:govern") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const db = await getDb();
  const loan = orNotFound(await getLoan(db, ctx.organisation.id, params.loanId ?? ""), "No such loan");
  const formData = await readForm(request);
  const submission = parseForm(formData, { schema: LoanActionForm });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return { intent, result: submission.reply(), done: null };
  const v = submission.value;
  const today = clock.today(ctx.organisation);
  try {
    const done = await db.transaction().execute((trx) => once(trx, ctx, `loans/${loan.id}/${v.intent}`, v, () => serviceLoan(trx, ctx.user.id, ctx.organisation.id, loan.id, v, today)));
    return { intent, result: submission.reply({ resetForm: true }), done };
  } catch (e) {
    return { intent, result: replyRefusal(submission, e), done: null };
  }
}

export default function LoanPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const forIntent = (i: string) => (a?.intent === i ? (a.result as SubmissionResult<string[]>) : undefined);
  const { loan } = d;
  const dates = useDateWords();
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
        <Stat label="Status" value={loan.status.replace("_", " ")} hint={loan.closedOn ? `Closed ${dates.long(loan.closedOn)}` : loan.writtenOffOn ? `Written off ${dates.long(loan.writtenOffOn)}` : loan.reversedOn ? `Pay-out reversed ${dates.long(loan.reversedOn)}` : undefined} />
        <Stat label="Principal owed" value={d.owed.principal} hint={`of ${loan.principal} lent`} />
        <Stat label="Days past due" value={d.arrears.dpd} hint={<>{d.arrears.bucket} as at <DateText iso={d.arrears.asAt} long />; {d.arrears.overdue} overdue</>} />
        <Stat label="Rate" value={`${loan.rate}% a year`} hint={`APR ${loan.apr}%`} />
        <Stat label="Payment reference" value={loanPaymentReference(loan.reference)} hint="What the borrower gives with bank transfers" />
      </section>
      <section className="card stack">
        <h2>Details</h2>
        <dl className="facts">
          <dt>Borrower</dt><dd><Link to={`/borrowers/${loan.borrowerId}`}>{loan.borrower}</Link></dd>
          <dt>Product</dt><dd>{loan.product}</dd>
          <dt>Paid out</dt><dd>{loan.disbursedOn ? <DateText iso={loan.disbursedOn} long /> : "—"}</dd>
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
                  <td><DateText iso={t.onDate} /></td>
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
