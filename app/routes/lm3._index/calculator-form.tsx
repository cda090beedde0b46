import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { Lm3Schema } from "~/schemas/impact";
import { useCurrencySign } from "~/components/money";

/** The LM3 calculator: the three rounds for a period, round 3 entered or from survey answers; calculate only, or save too. */
export function Lm3CalculatorForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const sign = useCurrencySign();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { r3Source: "entered" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: Lm3Schema }),
  });
  return (
    <section className="card">
      <h2>Calculate</h2>
      <FormErrors errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <Field meta={fields.name} label="Study name" hint='For example "Year to March 2026".' />
        <Field meta={fields.periodFrom} label="Period from" type="date" />
        <Field meta={fields.periodTo} label="Period to" type="date" />
        <Field meta={fields.income} label={`R1: income in the period (${sign})`} inputMode="decimal" />
        <Field meta={fields.suppliers} label={`R2: spent with local suppliers (${sign})`} inputMode="decimal" />
        <Field meta={fields.staff} label={`R2: paid to staff who live locally (${sign})`} inputMode="decimal" />
        <SelectField meta={fields.r3Source} label="R3 comes from" options={[["entered", "A figure I enter"], ["survey", "Survey answers I paste below"]]} />
        <Field meta={fields.respend} label={`R3: local re-spend by those suppliers and staff (${sign})`} inputMode="decimal" hint="Leave empty if you paste survey answers." />
        <TextAreaField
          meta={fields.survey}
          label="Survey answers (CSV)"
          rows={5}
          hint="Columns recipient (supplier or staff), amount (what they received from us), local_percent (share they spend locally) and optionally respondent. One answer a line after the header."
        />
        <div className="toolbar">
          <button type="submit" name="intent" value="calculate" className="secondary">Calculate</button>
          <button type="submit" name="intent" value="save">Calculate and save</button>
        </div>
      </Form>
    </section>
  );
}
