import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { allErrors, Field, FormErrors, SubmissionKey, TextAreaField } from "~/components/forms";
import { ConfirmButton } from "~/components/confirm";
import { PageHead } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { getLoan, loanInstallments, outstandingPrincipal } from "~/models/lending/loans.server";
import { decideWriteOff, openWriteOffProposal, proposeWriteOff } from "~/models/lending/write-offs.server";
import { newSubmissionKey, once } from "~/models/core/form-submissions.server";
import { keyed } from "~/schemas/common";
import { WriteOffActionSchema, WriteOffSchema } from "~/schemas/lending";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "loans:govern", action: "loans:govern" };
export const meta: MetaFunction = () => [{ title: "Write off a loan · Co-op Register" }];
/** Proposal and decision, each with the page's one-time key (a double click acts once). */
const WriteOffForm = keyed(WriteOffActionSchema);
const ProposalForm = keyed(WriteOffSchema);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:govern");
  const db = await getDb();
  const loan = await getLoan(db, ctx.organisation.id, params.loanId ?? "");
  if (!loan) throw notFoundResponse("No such loan");
  const owed = outstandingPrincipal(await loanInstallments(db, ctx.organisation.id, loan.id));
  const proposal = await openWriteOffProposal(db, ctx.organisation.id, loan.id);
  return {
    id: loan.id,
    reference: loan.reference,
    borrower: loan.legal_name,
    status: loan.status,
    owed: displayMoney(owed, ctx.organisation),
    today: clock.today(ctx.organisation),
    submissionKey: newSubmissionKey(),
    proposal: proposal
      ? { id: proposal.id, onDate: proposal.on_date, note: proposal.note, proposer: proposal.proposer_name, proposedOn: clock.dayOf(proposal.proposed_at, ctx.organisation), mine: proposal.proposed_by === ctx.user.id }
      : null,
  };
}

/** Propose (the first board member), then approve, reject or withdraw (the second, or the proposer to withdraw). */
export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "loans:govern");
  const db = await getDb();
  const loan = await getLoan(db, ctx.organisation.id, params.loanId ?? "");
  if (!loan) throw notFoundResponse("No such loan");
  const submission = parseForm(await readForm(request), { schema: WriteOffForm });
  if (submission.status !== "success") return submission.reply();
  const today = clock.today(ctx.organisation);
  const value = submission.value;
  try {
    const next = await db.transaction().execute((trx) =>
      once(trx, ctx, `loans/${loan.id}/write-off/${value.intent}`, value, async () => {
        if (value.intent === "propose") {
          await proposeWriteOff(trx, ctx.user.id, ctx.organisation.id, loan.id, value, today);
          return `/loans/${loan.id}/write-off`;
        }
        await decideWriteOff(trx, ctx.user.id, ctx.organisation.id, loan.id, { proposalId: value.proposalId, decision: value.intent, note: value.note }, today);
        return `/loans/${loan.id}`;
      }),
    );
    return redirect(next);
  } catch (e) {
    return replyRefusal(submission, e, "form");
  }
}

export default function WriteOff() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, defaultValue: { onDate: d.today }, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: ProposalForm }) });
  const errors = allErrors(lastResult);
  return (
    <>
      <PageHead title={`Write off loan ${d.reference}`} />
      <section className="card stack">
        <p>
          {d.borrower} still owes {d.owed} of principal. Writing it off is the board&apos;s decision and takes two board members: one proposes it with the minute
          that approved it, another approves it. Money recovered later is recorded on the loan page.
        </p>
        {d.status !== "active" ? <p className="alert error">This loan is {d.status.replace("_", " ")}; it cannot be written off.</p> : null}
        {d.proposal ? (
          <>
            <p className="alert info" role="status">
              {d.proposal.proposer} proposed on <DateText iso={d.proposal.proposedOn} long /> to write off {d.owed} as at <DateText iso={d.proposal.onDate} long />. Board decision: {d.proposal.note}
            </p>
            <FormErrors errors={errors} />
            {d.proposal.mine ? (
              <Form method="post" className="stack">
                <p>Another board member approves or rejects it.</p>
                <input type="hidden" name="proposalId" value={d.proposal.id} />
                <SubmissionKey value={d.submissionKey} />
                <button type="submit" name="intent" value="withdraw" className="secondary">Withdraw my proposal</button>
              </Form>
            ) : (
              <Form method="post" className="stack">
                <input type="hidden" name="proposalId" value={d.proposal.id} />
                <SubmissionKey value={d.submissionKey} />
                <label>
                  Note (needed to reject)
                  <textarea name="note" rows={2} maxLength={1000} />
                </label>
                <div className="toolbar">
                  <ConfirmButton name="intent" value="approve" question={`Write off ${d.owed} on this loan? This cannot be undone: the loan is closed as written off and the loss is recorded in the ledger.`} yes="Yes, write it off">
                    Approve: write off {d.owed}
                  </ConfirmButton>
                  <button type="submit" name="intent" value="reject" className="secondary">Reject</button>
                </div>
              </Form>
            )}
          </>
        ) : d.status === "active" ? (
          <Form method="post" className="stack" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <input type="hidden" name="intent" value="propose" />
            <SubmissionKey value={d.submissionKey} />
            <Field meta={fields.onDate} label="Date of the write-off" type="date" />
            <TextAreaField meta={fields.note} label="Board decision (minute reference and reason)" />
            <button type="submit" className="danger">Propose writing off {d.owed}</button>
          </Form>
        ) : null}
      </section>
    </>
  );
}
