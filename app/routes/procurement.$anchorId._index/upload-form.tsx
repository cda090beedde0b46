import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { FormErrors } from "~/components/forms";
import { TableWrap } from "~/components/ui";
import type { SpendError } from "~/domain/impact/procurement";

/** The supplier spend upload, with the problems of a refused file line by line and the rows flagged as outside the UK. */
export function SpendUploadForm({ reply }: { reply?: { result: SubmissionResult<string[]>; rowErrors: SpendError[]; flags: SpendError[] } }) {
  const [form, fields] = useForm({ lastResult: reply?.result, shouldValidate: "onSubmit" });
  return (
    <section className="card">
      <h2>Upload supplier spend</h2>
      <p>
        A CSV file with the columns <code>supplier</code>, <code>postcode</code>, <code>amount</code>, <code>period</code> (a month like 2026-03 or a
        quarter like 2026-Q1) and, if you have it, <code>category</code>. A file with any bad row is refused whole, with each row&apos;s line and reason.
      </p>
      <FormErrors errors={form.errors} />
      {reply?.rowErrors?.length ? (
        <TableWrap label="Problems in the file">
          <table>
            <caption>Problems in the file</caption>
            <thead>
              <tr><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Problem</th></tr>
            </thead>
            <tbody>
              {reply.rowErrors.map((e, i) => (
                <tr key={i}><td>{e.line}</td><td>{e.column ?? ""}</td><td>{e.reason}</td></tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {reply?.flags?.length ? (
        <div className="alert info" role="status">
          <p>Rows treated as suppliers outside the UK (never local):</p>
          <ul>{reply.flags.map((f, i) => <li key={i}>Line {f.line}: {f.reason}</li>)}</ul>
        </div>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="upload" />
        <div className="field">
          <label htmlFor={fields.spendFile.id}>Supplier spend file (CSV)</label>
          <input
            type="file"
            id={fields.spendFile.id}
            name={fields.spendFile.name}
            accept=".csv,text/csv"
            aria-invalid={fields.spendFile.errors ? true : undefined}
            aria-describedby={fields.spendFile.errors ? fields.spendFile.errorId : undefined}
          />
          {fields.spendFile.errors ? <p className="error" id={fields.spendFile.errorId} role="alert">{fields.spendFile.errors.join(". ")}</p> : null}
        </div>
        <button type="submit">Upload spend</button>
      </Form>
    </section>
  );
}
