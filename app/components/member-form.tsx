import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { MEMBER_STATUSES, MemberSchema } from "~/schemas/member";

const KINDS = [["person", "A person"], ["organisation", "An organisation (e.g. a society or company)"]] as const;
const STATUS_OPTIONS = MEMBER_STATUSES.map((s) => [s, s[0].toUpperCase() + s.slice(1)] as const);

/** The add and edit forms share one schema and one layout; editing hides the status fields (status has its own dated form). */
export function MemberForm({
  lastResult,
  defaultValue,
  mode,
}: {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue: Record<string, string | number | null | undefined>;
  mode: "create" | "edit";
}) {
  const [form, fields] = useForm({
    lastResult,
    defaultValue,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MemberSchema }),
  });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <FormErrors errors={form.errors} />
      <SelectField meta={fields.kind} label="Member is" options={KINDS} />
      <Field meta={fields.name} label="Name" autoComplete="off" />
      {mode === "create" ? (
        <Field meta={fields.memberNumber} label="Member number" type="number" inputMode="numeric" hint="Leave empty to use the next free number." />
      ) : (
        // A member number never changes once given: it is how the register refers to the member.
        <p>Member number <strong>{String(defaultValue.memberNumber)}</strong></p>
      )}
      <Field meta={fields.email} label="Email" type="email" />
      <Field meta={fields.phone} label="Phone" type="tel" />
      <TextAreaField meta={fields.address} label="Address" />
      <Field meta={fields.postcode} label="Postcode" hint="A UK postcode, e.g. PR1 2AB." />
      {mode === "create" ? (
        <>
          <SelectField meta={fields.status} label="Status" options={STATUS_OPTIONS} />
          <Field meta={fields.statusDate} label="Status date" type="date" hint="When they applied, or were admitted." />
        </>
      ) : (
        <>
          <input type="hidden" name="status" value={String(defaultValue.status ?? "applied")} />
          <input type="hidden" name="statusDate" value={String(defaultValue.statusDate ?? "")} />
        </>
      )}
      <button type="submit">{mode === "create" ? "Add member" : "Save changes"}</button>
    </Form>
  );
}
