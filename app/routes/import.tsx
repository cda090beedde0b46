import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { textLineCount } from "~/domain/csv";
import { checkMembersFileFormat, MEMBER_IMPORT_COLUMNS } from "~/domain/shares/import";
import { INLINE_MEMBERS_IMPORT_LINES, keepMembersUpload } from "~/models/shares/member-import-uploads.server";
import { importMembers } from "~/models/shares/members-import.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { ImportSchema } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "shares:write", action: "shares:write" };
export const meta: MetaFunction = () => [{ title: "Import members · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "shares:write");
  return { columns: MEMBER_IMPORT_COLUMNS };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const submission = parseForm(await readForm(request), { schema: ImportSchema });
  if (submission.status !== "success") return { result: submission.reply(), errors: [], imported: null };
  const bytes = new Uint8Array(await submission.value.file.arrayBuffer());
  const db = await getDb();
  if (textLineCount(bytes) >= INLINE_MEMBERS_IMPORT_LINES) {
    // A large file: its format is checked now, then it is kept and imported by a job whose progress the next page shows.
    const problems = checkMembersFileFormat(bytes);
    if (problems.length) return { result: submission.reply(), errors: problems, imported: null, total: problems.length };
    const jobId = await db.transaction().execute((trx) => keepMembersUpload(trx, { organisationId: ctx.organisation.id, actorUserId: ctx.user.id, filename: submission.value.file.name, bytes }));
    return redirect(`/members/import/${jobId}`);
  }
  const outcome = await db.transaction().execute(async (trx) => importMembers(trx, ctx.user.id, await getOrganisation(trx, ctx.organisation.id), bytes, clock.today(ctx.organisation)));
  if (!outcome.ok) return { result: submission.reply(), errors: outcome.errors.slice(0, 1000), imported: null, total: outcome.errors.length };
  return { result: submission.reply({ resetForm: true }), errors: [], imported: `Imported ${outcome.members} members with ${outcome.shares} shares.` };
}

export default function Import() {
  const { columns } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult: data?.result, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: ImportSchema }) });
  const file = getInputProps(fields.file, { type: "file", ariaAttributes: true });
  return (
    <>
      <PageHead title="Import members" />
      <Flash message={data?.imported} />
      <section className="card">
        <p>A CSV file (UTF-8) with a header row naming these columns, in any order: <code>{columns.join(", ")}</code>. Dates as YYYY-MM-DD; share_class is the class name.</p>
        <p>All or nothing: if any row has a problem, nothing is imported and every problem is listed with its line number. A large file (a thousand lines or more) is imported in the background, on a page that shows how far it has got.</p>
        <Form method="post" encType="multipart/form-data" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <div className="field">
            <label htmlFor={fields.file.id}>CSV file</label>
            <input {...file} key={file.key} accept=".csv,text/csv" />
            {fields.file.errors?.length ? <p className="error" id={fields.file.errorId} role="alert">{fields.file.errors.join(". ")}</p> : null}
          </div>
          <button type="submit">Check and import</button>
        </Form>
      </section>
      {data?.errors.length ? (
        <section className="card">
          <h2>Nothing was imported: {"total" in data ? data.total : data.errors.length} problem(s)</h2>
          <TableWrap label="Problems in the file">
            <table>
              <thead><tr><th scope="col" className="num">Line</th><th scope="col">Column</th><th scope="col">Problem</th></tr></thead>
              <tbody>{data.errors.map((e, i) => <tr key={i}><td className="num">{e.line}</td><td>{e.column ?? ""}</td><td>{e.reason}</td></tr>)}</tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
    </>
  );
}
