import { getFormProps, getInputProps, useForm, type FieldMetadata, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { Field, FormErrors, SelectField } from "~/components/forms";
import { ShareClassSchema, VOTING_RULES } from "~/schemas/shares";

/** A labelled checkbox wired to Conform (the shared Field has no checkbox). */
export function CheckField({ meta, label, hint }: { meta: FieldMetadata<any>; label: string; hint?: string }) {
  const props = getInputProps(meta, { type: "checkbox", ariaAttributes: true });
  return (
    <div className="field check">
      <label htmlFor={meta.id}>
        <input {...props} key={props.key} aria-describedby={hint ? `${meta.id}-hint` : undefined} /> {label}
      </label>
      {hint ? <p className="hint" id={`${meta.id}-hint`}>{hint}</p> : null}
      {meta.errors?.length ? <p className="error" id={meta.errorId} role="alert">{meta.errors.join(". ")}</p> : null}
    </div>
  );
}

export function ShareClassForm({ lastResult, defaultValue, submitLabel, locked }: {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue: Record<string, string | boolean | undefined>;
  submitLabel: string;
  /** Par value can no longer change once shares are issued. */
  locked?: boolean;
}) {
  const [form, fields] = useForm({
    lastResult,
    defaultValue,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ShareClassSchema }),
  });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <FormErrors errors={form.errors} />
      <Field meta={fields.name} label="Name" hint="As members will see it, e.g. Community Shares." />
      <Field meta={fields.parValue} label="Par value (price of one share)" inputMode="decimal" hint={locked ? "Fixed: shares of this class have been issued." : "For example 1.00 or 25.00."} />
      <Field meta={fields.minHolding} label="Minimum holding for membership (shares)" type="number" inputMode="numeric" />
      <Field meta={fields.maxHolding} label="Maximum holding per member" inputMode="decimal" hint="100000.00 is the UK limit for withdrawable shares. Leave empty for no maximum. Members that are societies are never limited." />
      <CheckField meta={fields.withdrawable} label="Members may withdraw these shares" />
      <CheckField meta={fields.transferable} label="Members may transfer these shares (with board approval)" />
      <Field meta={fields.noticeDays} label="Withdrawal notice (days)" type="number" inputMode="numeric" />
      <Field meta={fields.interestRate} label="Interest rate (% a year)" inputMode="decimal" hint="0 if the class pays no interest." />
      <SelectField meta={fields.voting} label="Voting" options={VOTING_RULES} />
      <button type="submit">{submitLabel}</button>
    </Form>
  );
}
