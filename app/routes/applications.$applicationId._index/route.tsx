import type { SubmissionResult } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, TextAreaField } from "~/components/forms";
import { ScheduleTable } from "~/components/lending/tables";
import { PageHead, Stat, TableWrap } from "~/components/ui";
import { getApplication, stepApplication } from "~/models/lending/applications.server";
import { applicationPageData } from "~/models/lending/application-views.server";
import { newSubmissionKey, once } from "~/models/core/form-submissions.server";
import type { RouteAccess } from "~/utils/access";
import { DocumentsSection, documentRows } from "~/components/lending/documents";
import { listDocuments } from "~/models/lending/loan-documents.server";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { orNotFound, replyRefusal } from "~/web/refusals.server";
import { StepForm, StepSchema } from "./step-form";
import { MomentText } from "~/components/dates";
import { useCurrencySign, usePlainMoney } from "~/components/money";

export const access: RouteAccess = { loader: "loans:read", action: "loans:write" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Application ${data?.app.reference ?? ""} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const app = orNotFound(await getApplication(db, ctx.organisation.id, params.applicationId ?? ""), "No such application");
  const today = clock.today(ctx.organisation);
  const data = await applicationPageData(db, ctx.organisation.id, app, today, ctx.organisation);
  return {
    today,
    submissionKey: newSubmissionKey(),
    ...data,
    documents: documentRows(await listDocuments(db, ctx.organisation.id, { applicationId: app.id }), ctx.organisation),
    canWrite: ctx.permissions.has("loans:write"),
    canVote: ctx.permissions.has("loans:approve") && app.status === "committee" && !data.votes.some((v) => v.userId === ctx.user.id),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:write");
  const db = await getDb();
  const app = orNotFound(await getApplication(db, ctx.organisation.id, params.applicationId ?? ""), "No such application");
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "");
  const submission = parseForm(formData, { schema: StepSchema });
  if (submission.status !== "success") return { intent, result: submission.reply() };
  try {
    const next = await db.transaction().execute((trx) =>
      once(trx, ctx, `applications/${app.id}/${submission.value.intent}`, submission.value, async () => {
        const r = await stepApplication(trx, ctx.user.id, ctx.organisation.id, app.id, submission.value, clock.today(ctx.organisation));
        return "loanId" in r && r.loanId ? `/loans/${r.loanId}` : `/applications/${app.id}`;
      }),
    );
    return redirect(next);
  } catch (e) {
    return { intent, result: replyRefusal(submission, e) };
  }
}

export default function ApplicationPage() {
  const d = useLoaderData<typeof loader>();
  const sign = useCurrencySign();
  const plainMoney = usePlainMoney();
  const a = useActionData<typeof action>();
  const r = (i: string) => (a?.intent === i ? (a.result as SubmissionResult<string[]>) : undefined);
  const { app } = d;
  const s = app.status;
  return (
    <>
      <PageHead title={`Application ${app.reference} · ${app.borrower}`}>
        {d.canVote ? <Link className="button" to={`/applications/${app.id}/vote`}>Cast your vote</Link> : null}
        {d.loanId ? <Link className="button secondary" to={`/loans/${d.loanId}`}>See the loan</Link> : null}
      </PageHead>
      <section className="grid" aria-label="Application figures">
        <Stat label="Status" value={app.statusLabel} />
        <Stat label="Amount" value={app.amount} hint={`${app.term} installments at ${app.rate}% a year`} />
        <Stat label="Monthly surplus" value={app.surplus ?? "—"} hint="Income less outgoings, from the review" />
      </section>
      <section className="card stack">
        <h2>Application</h2>
        <dl className="facts">
          <dt>Borrower</dt><dd><Link to={`/borrowers/${app.borrowerId}`}>{app.borrower}</Link></dd>
          <dt>Product</dt><dd>{app.product}</dd>
          <dt>Purpose</dt><dd>{app.purpose}</dd>
          <dt>Officer's notes</dt><dd>{app.notes || "—"}</dd>
          <dt>Monthly income</dt><dd>{app.income ? plainMoney(app.income) : "—"}</dd>
          <dt>Monthly outgoings</dt><dd>{app.outgoings ? plainMoney(app.outgoings) : "—"}</dd>
          {app.decision ? <><dt>Committee decision</dt><dd>{app.decision}</dd></> : null}
        </dl>
      </section>
      <section className="card stack">
        <h2>Credit committee</h2>
        <p>The committee has {d.committee.size} member{d.committee.size === 1 ? "" : "s"}; the quorum is {d.committee.quorum}, a majority of those able to vote (members who recuse are left out). {s === "committee" ? d.committee.reason : null}</p>
        <TableWrap label="Committee votes">
          <table>
            <caption className="visually-hidden">Committee votes</caption>
            <thead><tr><th scope="col">Member</th><th scope="col">Vote</th><th scope="col">Comment</th><th scope="col" className="hide-narrow">When</th></tr></thead>
            <tbody>
              {d.votes.length === 0 ? <tr><td colSpan={4}>No votes yet.</td></tr> : d.votes.map((v) => (
                <tr key={v.userId}><td>{v.name}</td><td><span className={`badge ${v.vote === "approve" ? "approved" : v.vote === "decline" ? "declined" : ""}`}>{v.vote === "recuse" ? "recused" : v.vote}</span></td><td>{v.comment}</td><td className="hide-narrow"><MomentText at={v.at} /></td></tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      {d.offer ? (
        <section className="card stack">
          <h2>Offer: schedule and APR</h2>
          <p><strong>APR {d.offer.apr}%</strong> (representative, UK method). Arrangement fee {d.offer.fee}, taken from the amount paid out. Total interest {d.offer.totalInterest}; total to repay {d.offer.totalRepayment}. Dates are shown for a pay-out today.</p>
          <ScheduleTable label="Offered repayment schedule" rows={d.offer.rows} />
        </section>
      ) : null}
      {d.canWrite ? (
        <section className="card stack">
          <h2>Next step</h2>
          {s === "draft" ? <StepForm submissionKey={d.submissionKey} intent="submit" label="Submit the application" lastResult={r("submit")} /> : null}
          {s === "submitted" || s === "under_review" ? (
            <StepForm submissionKey={d.submissionKey} intent="review" label="Save review" lastResult={r("review")} defaultValue={{ officerNotes: app.notes, monthlyIncome: app.income, monthlyOutgoings: app.outgoings }}>
              {(f) => (
                <>
                  <TextAreaField meta={f.officerNotes} label="Review notes" rows={5} />
                  <Field meta={f.monthlyIncome} label={`Monthly income (${sign})`} inputMode="decimal" />
                  <Field meta={f.monthlyOutgoings} label={`Monthly outgoings (${sign})`} inputMode="decimal" />
                </>
              )}
            </StepForm>
          ) : null}
          {s === "under_review" ? <StepForm submissionKey={d.submissionKey} intent="refer" label="Send to the credit committee" lastResult={r("refer")} /> : null}
          {s === "approved" ? (
            <StepForm submissionKey={d.submissionKey} intent="offer" label="Make the offer" lastResult={r("offer")}>
              {(f) => <Field meta={f.firstDue} label="First installment on (optional)" type="date" hint="Leave empty for one period after the pay-out." />}
            </StepForm>
          ) : null}
          {s === "offered" ? <StepForm submissionKey={d.submissionKey} intent="accept" label="Record that the borrower accepted" lastResult={r("accept")} /> : null}
          {s === "accepted" ? (
            <StepForm submissionKey={d.submissionKey} intent="disburse" label="Pay out the loan" lastResult={r("disburse")} defaultValue={{ disbursedOn: d.today }}>
              {(f) => <Field meta={f.disbursedOn} label="Paid out on" type="date" />}
            </StepForm>
          ) : null}
          {["draft", "submitted", "under_review", "committee", "approved", "offered", "accepted"].includes(s) ? <StepForm submissionKey={d.submissionKey} intent="withdraw" label="Withdraw the application" lastResult={r("withdraw")} tone="secondary" confirm={{ question: `Withdraw application ${app.reference} from ${app.borrower} for ${app.amount}? This cannot be undone: it stops here and a new application would be needed.`, yes: "Yes, withdraw the application" }} /> : null}
          {s === "committee" ? <p className="muted">The credit committee is deciding. If it cannot (every member has recused), add a committee member who can vote, or withdraw the application.</p> : null}
          {["declined", "disbursed", "withdrawn"].includes(s) ? <p className="muted">Nothing for the loan officer to do at this stage.</p> : null}
        </section>
      ) : null}
      <DocumentsSection documents={d.documents} target={{ applicationId: d.app.id }} canUpload={d.canWrite} />
    </>
  );
}
