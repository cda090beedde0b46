import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { ConfirmButton } from "~/components/confirm";
import { FormErrors, SubmissionKey } from "~/components/forms";
import { keyed } from "~/schemas/common";
import { ApplicationStepSchema } from "~/schemas/lending";

/** The officer's steps, each with the page's one-time key (a double click on "Pay out" pays out once). */
export const StepSchema = keyed(ApplicationStepSchema);

/** One step of the application's workflow: `intent` is both the form's id and the step it asks for. */
export function StepForm({ intent, label, lastResult, defaultValue, children, tone, submissionKey, confirm }: { intent: string; label: string; submissionKey: string; lastResult?: SubmissionResult<string[]>; defaultValue?: Record<string, string>; children?: (fields: Record<string, any>) => React.ReactNode; tone?: "secondary" | "danger"; confirm?: { question: string; yes: string } }) {
  const [form, fields] = useForm({ id: `step-${intent}`, lastResult, defaultValue: { intent, ...defaultValue }, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: StepSchema }) });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value={intent} />
      <SubmissionKey value={submissionKey} />
      {children?.(fields)}
      {confirm ? <ConfirmButton className={tone} question={confirm.question} yes={confirm.yes} errors={fields.confirmed?.errors}>{label}</ConfirmButton> : <button type="submit" className={tone}>{label}</button>}
    </Form>
  );
}
