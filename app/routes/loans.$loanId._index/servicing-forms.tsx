import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { ConfirmButton } from "~/components/confirm";
import { Field, FormErrors, SelectField, SubmissionKey, TextAreaField } from "~/components/forms";
import { keyed } from "~/schemas/common";
import { LoanActionSchema } from "~/schemas/lending";
import { useCurrencySign } from "~/components/money";

/** The loan's money forms, each with its one-time key (a double click records once). */
export const LoanActionForm = keyed(LoanActionSchema);

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

/** The text of the option chosen in a form's select, to name the thing in a confirmation. */
function selectedText(form: HTMLFormElement, name: string) {
  const select = form.elements.namedItem(name);
  return select instanceof HTMLSelectElement ? select.selectedOptions[0]?.text ?? "" : "";
}

/** "2026-03-03 — £120.00" (a choice's label) as "of £120.00 on 2026-03-03". */
function repaymentNamed(label: string) {
  const [on, amount] = label.split(" — ");
  return amount ? `of ${amount} on ${on}` : label;
}

/** What every servicing form has: its heading, its errors, the intent it asks for and the page's one-time key. */
function ServicingForm({ form, intent, title, intro, submissionKey, children }: { form: ReturnType<typeof useLoanActionForm>[0]; intent: string; title: string; intro?: React.ReactNode; submissionKey: string; children: React.ReactNode }) {
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <h3>{title}</h3>
      {intro}
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value={intent} />
      <SubmissionKey value={submissionKey} />
      {children}
    </Form>
  );
}

export function RepaymentForm({ lastResult, today, submissionKey }: { lastResult?: SubmissionResult<string[]> | null; today: string; submissionKey: string }) {
  const [form, fields] = useLoanActionForm("repayment", lastResult, { onDate: today, method: "bank", order: "fees,interest,principal", reschedule: "shorter-term" });
  const sign = useCurrencySign();
  return (
    <ServicingForm form={form} intent="repayment" title="Record a repayment" submissionKey={submissionKey}>
      <Field meta={fields.amount} label={`Amount paid (${sign})`} inputMode="decimal" />
      <Field meta={fields.onDate} label="Date paid" type="date" />
      <SelectField meta={fields.method} label="Paid by" options={METHODS} />
      <SelectField meta={fields.order} label="Allocation order" options={ORDERS} hint="Oldest installment first; within it, in this order." />
      <SelectField meta={fields.reschedule} label="If it is more than is due" options={RESCHEDULE} hint="An overpayment repays principal early and the rest of the schedule is worked out again." />
      <Field meta={fields.note} label="Note (optional)" />
      <button type="submit">Record repayment</button>
    </ServicingForm>
  );
}

export function ReversalForm({ lastResult, today, choices, submissionKey }: { lastResult?: SubmissionResult<string[]> | null; today: string; choices: { id: string; label: string }[]; submissionKey: string }) {
  const [form, fields] = useLoanActionForm("reversal", lastResult, { onDate: today, transactionId: choices[choices.length - 1]?.id });
  return (
    <ServicingForm form={form} intent="reversal" title="Reverse a wrong repayment" submissionKey={submissionKey}>
      <SelectField meta={fields.transactionId} label="Repayment" options={choices.map((c) => [c.id, c.label] as const)} />
      <Field meta={fields.onDate} label="Date of the correction" type="date" />
      <TextAreaField meta={fields.note} label="Why it is reversed" />
      <ConfirmButton
        question={(f) => `Reverse the repayment ${repaymentNamed(selectedText(f, "transactionId"))}? This cannot be undone; a reversing entry is recorded and the loan owes that amount again.`}
        yes="Yes, reverse the repayment"
        errors={fields.confirmed.errors}
      >
        Reverse repayment
      </ConfirmButton>
    </ServicingForm>
  );
}

export function PayoutReversalForm({ lastResult, today, principal, submissionKey }: { lastResult?: SubmissionResult<string[]> | null; today: string; principal: string; submissionKey: string }) {
  const [form, fields] = useLoanActionForm("payout-reversal", lastResult, { onDate: today });
  return (
    <ServicingForm
      form={form}
      intent="payout-reversal"
      title="Reverse the pay-out"
      intro={<p>Only if the pay-out of {principal} was recorded in error (a wrong date, the wrong borrower). The pay-out stays in the ledger with a reversing entry; the loan leaves the portfolio and its application goes back to &ldquo;offer accepted&rdquo;.</p>}
      submissionKey={submissionKey}
    >
      <Field meta={fields.onDate} label="Date of the correction" type="date" />
      <TextAreaField meta={fields.note} label="Why the pay-out is reversed" />
      <div className="field">
        <label>
          <input {...getInputProps(fields.confirm, { type: "checkbox" })} key={fields.confirm.key} aria-describedby={fields.confirm.errors?.length ? fields.confirm.errorId : undefined} /> I confirm this pay-out was recorded in error
        </label>
        {fields.confirm.errors?.length ? <p className="error" id={fields.confirm.errorId} role="alert">{fields.confirm.errors.join(". ")}</p> : null}
      </div>
      <ConfirmButton question={`Reverse the pay-out of ${principal}? This cannot be undone; a reversing entry is recorded and the loan leaves the portfolio.`} yes="Yes, reverse the pay-out" errors={fields.confirmed.errors}>
        Reverse the pay-out
      </ConfirmButton>
    </ServicingForm>
  );
}

export function RecoveryForm({ lastResult, today, submissionKey }: { lastResult?: SubmissionResult<string[]> | null; today: string; submissionKey: string }) {
  const [form, fields] = useLoanActionForm("recovery", lastResult, { onDate: today });
  const sign = useCurrencySign();
  return (
    <ServicingForm form={form} intent="recovery" title="Record a recovery" submissionKey={submissionKey}>
      <Field meta={fields.amount} label={`Amount recovered (${sign})`} inputMode="decimal" />
      <Field meta={fields.onDate} label="Date received" type="date" />
      <Field meta={fields.note} label="Note (optional)" />
      <button type="submit">Record recovery</button>
    </ServicingForm>
  );
}
