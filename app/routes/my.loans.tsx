import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Field, FormErrors, SubmissionKey } from "~/components/forms";
import { Flash } from "~/components/ui";
import { parseMoney } from "~/domain/money";
import { startCardRepayment } from "~/models/payments/loan-checkout.server";
import { newSubmissionKey } from "~/models/core/form-submissions.server";
import { keyed } from "~/schemas/common";
import { CardRepaymentSchema } from "~/schemas/lending";
import { appUrl } from "~/web/session.server";
import { cardPaymentsEnabled, cardsOffNotice, stripeClient } from "~/utils/stripe.server";
import { ScheduleTable } from "~/components/lending/tables";
import { HowToPay } from "~/components/treasury/how-to-pay";
import { loanPaymentReference } from "~/domain/treasury/payments-in";
import { payingDetails } from "~/models/treasury/payments-in.server";
import { PageHead, Stat, TableWrap } from "~/components/ui";
import { memberLoansPageData } from "~/models/lending/loan-views.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { DateText } from "~/components/dates";
import { useCurrencySign } from "~/components/money";

export const access: RouteAccess = { loader: "self:read", action: "self:write" };
export const meta: MetaFunction = () => [{ title: "My loans · Co-op Register" }];
/** With the page's one-time key, which is also Stripe's idempotency key: a double click starts one checkout. */
const PayForm = keyed(CardRepaymentSchema);

/** A member sees the loans of the borrowers linked to their own register entry, and nothing else. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:read");
  const db = await getDb();
  const today = clock.today(ctx.organisation);
  const loans = ctx.memberId ? await memberLoansPageData(db, ctx.organisation.id, ctx.memberId, today, ctx.organisation) : [];
  return { linked: !!ctx.memberId, loans, paying: loans.length ? await payingDetails(db, ctx.organisation.id) : null, cards: cardPaymentsEnabled(), howTo: cardPaymentsEnabled() ? null : cardsOffNotice(ctx.permissions.has("organisation:manage")), submissionKey: newSubmissionKey() };
}

/** Paying by card: send the borrower to Stripe; the repayment is recorded by the signed webhook. */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const submission = parseForm(await readForm(request), { schema: PayForm });
  if (submission.status !== "success") return submission.reply();
  const stripe = await stripeClient();
  if (!stripe || !cardPaymentsEnabled()) return submission.reply({ formErrors: [cardsOffNotice(ctx.permissions.has("organisation:manage"))] });
  const started = await startCardRepayment(await getDb(), stripe, {
    organisationId: ctx.organisation.id, currency: ctx.organisation.currency, actorUserId: ctx.user.id, memberId: ctx.memberId,
    loanId: submission.value.loanId, amount: parseMoney(submission.value.amount), idempotencyKey: submission.value.submissionKey, appUrl: appUrl(request),
  });
  if (!started.ok) return submission.reply({ fieldErrors: { amount: [started.reason] } });
  return redirect(started.url);
}

function CardRepaymentForm({ loanId, submissionKey, suggested }: { loanId: string; submissionKey: string; suggested: string }) {
  const sign = useCurrencySign();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: `pay-${loanId}`,
    lastResult: lastResult && lastResult.initialValue?.loanId === loanId ? lastResult : undefined,
    defaultValue: { loanId, amount: suggested },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PayForm }),
  });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="loanId" value={loanId} />
      <SubmissionKey value={submissionKey} />
      <Field meta={fields.amount} label={`Amount to pay (${sign})`} inputMode="decimal" />
      <button type="submit">Pay by card</button>
    </Form>
  );
}

export default function MyLoans() {
  const { linked, loans, paying, cards, howTo, submissionKey } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  return (
    <>
      <PageHead title="My loans" />
      <Flash message={search.get("paid") ? "Thank you. Your card payment will show here as soon as the card company confirms it." : search.get("cancelled") ? "The card payment was cancelled; nothing was taken." : null} tone={search.get("cancelled") ? "info" : "success"} />
      {!linked || loans.length === 0 ? <p>You have no loans with us. If your business borrows from us and you expected to see it here, ask your loan officer to link it to your membership.</p> : null}
      {loans.map(({ loan, owed, arrears, schedule, payments }) => (
        <section key={loan.id} className="card stack" aria-labelledby={`loan-${loan.id}`}>
          <h2 id={`loan-${loan.id}`}>Loan {loan.reference} to {loan.borrower}</h2>
          <div className="grid">
            <Stat label="Still to repay" value={owed.total} hint={`of which principal ${owed.principal}`} />
            <Stat label="Lent" value={loan.principal} hint={`${loan.rate}% a year, APR ${loan.apr}%`} />
            <Stat label="Payments" value={arrears.dpd > 0 ? `${arrears.dpd} days late` : loan.status === "active" ? "Up to date" : loan.status.replace("_", " ")} hint={arrears.dpd > 0 ? `${arrears.overdue} overdue: please talk to us if things are hard.` : undefined} />
          </div>
          {loan.status === "active" ? <HowToPay details={paying} reference={loanPaymentReference(loan.reference)} what={`loan ${loan.reference}`} headingLevel={3} /> : null}
          {loan.status === "active" ? (
            <>
              <h3>Pay by card</h3>
              {cards ? <CardRepaymentForm loanId={loan.id} submissionKey={submissionKey} suggested={arrears.dpd > 0 ? arrears.overdue.replace(/[^\d.]/g, "") : ""} /> : <p className="muted">{howTo}</p>}
            </>
          ) : null}
          <h3>Schedule</h3>
          <ScheduleTable label={`Schedule of loan ${loan.reference}`} rows={schedule} />
          <h3>Payments received</h3>
          <TableWrap label={`Payments on loan ${loan.reference}`}>
            <table>
              <caption className="visually-hidden">Payments received</caption>
              <thead><tr><th scope="col">Date</th><th scope="col">Kind</th><th scope="col" className="num">Amount</th></tr></thead>
              <tbody>
                {payments.length === 0 ? <tr><td colSpan={3}>No payments yet.</td></tr> : payments.map((p) => <tr key={p.id}><td><DateText iso={p.onDate} /></td><td>{p.kind}</td><td className="num">{p.amount}</td></tr>)}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ))}
    </>
  );
}
