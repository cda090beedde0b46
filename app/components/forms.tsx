import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";

/*
 * Form fields that always show their label, their hint and their error
 * beside the input, wired with aria-describedby/aria-invalid so a screen
 * reader announces the message with the field.
 */
type InputType = "text" | "email" | "password" | "date" | "number" | "search" | "tel" | "hidden" | "checkbox";

function describedBy(meta: FieldMetadata<any>, hint?: ReactNode) {
  const ids = [hint ? `${meta.id}-hint` : null, meta.errors?.length ? meta.errorId : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Errors({ meta }: { meta: FieldMetadata<any> }) {
  return meta.errors?.length ? (
    <p className="error" id={meta.errorId} role="alert">
      {meta.errors.join(". ")}
    </p>
  ) : null;
}

export function Field({
  meta,
  label,
  type = "text",
  hint,
  autoComplete,
  inputMode,
}: {
  meta: FieldMetadata<any>;
  label: string;
  type?: InputType;
  hint?: ReactNode;
  autoComplete?: string;
  inputMode?: "numeric" | "decimal" | "email" | "text";
}) {
  const props = getInputProps(meta, { type, ariaAttributes: true });
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? <p className="hint" id={`${meta.id}-hint`}>{hint}</p> : null}
      <input {...props} key={props.key} autoComplete={autoComplete} inputMode={inputMode} aria-describedby={describedBy(meta, hint)} />
      <Errors meta={meta} />
    </div>
  );
}

export function SelectField({
  meta,
  label,
  options,
  hint,
}: {
  meta: FieldMetadata<any>;
  label: string;
  options: readonly (readonly [string, string])[];
  hint?: ReactNode;
}) {
  const props = getSelectProps(meta, { ariaAttributes: true });
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? <p className="hint" id={`${meta.id}-hint`}>{hint}</p> : null}
      <select {...props} key={props.key} aria-describedby={describedBy(meta, hint)}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>{text}</option>
        ))}
      </select>
      <Errors meta={meta} />
    </div>
  );
}

export function TextAreaField({ meta, label, hint, rows = 3 }: { meta: FieldMetadata<any>; label: string; hint?: ReactNode; rows?: number }) {
  const props = getTextareaProps(meta, { ariaAttributes: true });
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? <p className="hint" id={`${meta.id}-hint`}>{hint}</p> : null}
      <textarea {...props} key={props.key} rows={rows} aria-describedby={describedBy(meta, hint)} />
      <Errors meta={meta} />
    </div>
  );
}

export function CheckboxGroup({
  meta,
  legend,
  options,
}: {
  meta: FieldMetadata<string[] | undefined>;
  legend: string;
  options: readonly (readonly [string, string])[];
}) {
  const chosen = new Set(Array.isArray(meta.initialValue) ? meta.initialValue : meta.initialValue ? [meta.initialValue] : []);
  return (
    <fieldset aria-describedby={meta.errors?.length ? meta.errorId : undefined}>
      <legend>{legend}</legend>
      <div className="checks">
        {options.map(([value, text]) => (
          <label key={value}>
            <input type="checkbox" name={meta.name} value={value} defaultChecked={chosen.has(value as never)} />
            {text}
          </label>
        ))}
      </div>
      <Errors meta={meta} />
    </fieldset>
  );
}

/** Every message in a submission's reply, form-level and per field, for a form shown without Conform's fields. */
export function allErrors(result: { error?: Record<string, unknown> | null } | null | undefined): string[] {
  return result?.error ? Object.values(result.error).flat().filter((e): e is string => typeof e === "string") : [];
}

export function FormErrors({ errors, id }: { errors?: string[]; id?: string }) {
  return errors?.length ? (
    <div className="alert error" role="alert" id={id}>
      {errors.join(". ")}
    </div>
  ) : null;
}

/** The hidden one-time key of a money form (see app/models/core/form-submissions.server.ts): the loader makes a fresh one per rendering. */
export function SubmissionKey({ value }: { value: string }) {
  return <input type="hidden" name="submissionKey" value={value} />;
}
