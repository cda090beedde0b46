import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormErrors } from "~/components/forms";
import { Flash, PageHead, Pagination, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { firstCsvRow } from "~/domain/treasury/csv";
import { CsvMappingSchema } from "~/domain/treasury/layouts";
import { checkStatementUpload, formatIban, formatSortCode } from "~/domain/treasury/payments-in";
import { DATE_FORMATS, decodeStatement, formatOf, type StatementError } from "~/domain/treasury/statement";
import { csvNeedsMapping, textLineCount } from "~/domain/treasury";
import { INLINE_IMPORT_LINES, keepStatementUpload } from "~/models/treasury/statement-uploads.server";
import { getBankAccount, importStatement, listStatementImports, listStatementLines, saveCsvMapping, storedMapping } from "~/models/treasury/statements.server";
import { StatementMappingSchema, StatementUploadSchema } from "~/schemas/treasury";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { idParam } from "~/web/params.server";
import { notFoundResponse, orNotFound } from "~/web/refusals.server";
import { requirePermission } from "~/web/session.server";
import { DateText, MomentText } from "~/components/dates";

export const access: RouteAccess = { loader: "treasury:read", action: "treasury:manage" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.account.name ?? "Bank account"} · Co-op Register` }];

const PAGE_SIZE = 50;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "treasury:read");
  const id = idParam(params, "bankAccountId");
  const db = await getDb();
  const account = await getBankAccount(db, ctx.organisation.id, id);
  if (!account) throw new Response("There is no such bank account.", { status: 404 });
  const url = new URL(request.url);
  const page = Math.max(1, Math.min(100_000, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const lines = await listStatementLines(db, ctx.organisation.id, id, { page, pageSize: PAGE_SIZE });
  const imports = await listStatementImports(db, ctx.organisation.id, id);
  return {
    account: {
      id: account.id, name: account.name, bank: account.bank_name, currency: account.currency, paymentsIn: account.payments_in, hasMapping: account.csv_mapping !== null,
      details: [account.sort_code ? `Sort code ${formatSortCode(account.sort_code)}, account ${account.account_number}` : null, account.iban ? `IBAN ${formatIban(account.iban)}` : null].filter(Boolean).join(" · "),
    },
    page,
    total: lines.total,
    hasNext: page * PAGE_SIZE < lines.total,
    lines: lines.rows.map((l) => ({
      id: String(l.id), on: l.booked_on, amount: displayMoney(l.amount_minor, { currency: l.currency, locale: ctx.organisation.locale }), description: l.description,
      payer: l.payer_name ?? "", reference: l.reference ?? "", bankReference: l.bank_reference ?? "", balance: l.balance_minor === null ? "" : displayMoney(l.balance_minor, { currency: l.currency, locale: ctx.organisation.locale }),
    })),
    imports: imports.map((i) => ({ id: i.id, filename: i.filename, format: formatOf(i.format), layout: i.layout, at: i.imported_at.toISOString(), by: i.imported_by_name ?? "", linesNew: i.lines_new, linesExisting: i.lines_existing, from: i.first_date, to: i.last_date })),
    canManage: ctx.permissions.has("treasury:manage"),
  };
}

type ActionData =
  | { kind: "errors"; errors: StatementError[]; total: number; result?: undefined }
  | { kind: "mapping"; rows: string[][]; firstLine: number; result?: unknown }
  | { kind: "form"; result: unknown };

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "treasury:manage");
  const id = idParam(params, "bankAccountId");
  const form = await readForm(request);
  const mapStep = form.get("intent") === "map";
  const submission = mapStep ? parseForm(form, { schema: StatementMappingSchema }) : parseForm(form, { schema: StatementUploadSchema });
  if (submission.status !== "success") return { kind: "form", result: submission.reply() } satisfies ActionData;
  const file = submission.value.file;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const check = checkStatementUpload(file.name, bytes);
  if (!check.ok) return { kind: "form", result: submission.reply({ fieldErrors: { file: [check.reason] } }) } satisfies ActionData;
  const db = await getDb();
  let mapping = null;
  if (mapStep && submission.value.intent === "map") {
    const v = submission.value;
    const parsed = CsvMappingSchema.safeParse({ ...v, headers: v.hasHeader ? firstCsvRow(decodeStatement(bytes)) : [] });
    if (!parsed.success) return { kind: "form", result: submission.reply({ formErrors: parsed.error.issues.map((i) => i.message) }) } satisfies ActionData;
    mapping = parsed.data;
  }
  if (textLineCount(bytes) >= INLINE_IMPORT_LINES) {
    // A large file: its format is checked now, then it is kept and imported by a job whose progress the next page shows.
    const unknownLayout = csvNeedsMapping(bytes, mapping ?? storedMapping(orNotFound(await getBankAccount(db, ctx.organisation.id, id), "There is no such bank account.")));
    if (unknownLayout) return { kind: "mapping", rows: unknownLayout.rows, firstLine: unknownLayout.firstLine } satisfies ActionData;
    const jobId = await db.transaction().execute((trx) => keepStatementUpload(trx, { organisationId: ctx.organisation.id, bankAccountId: id, actorUserId: ctx.user.id, filename: file.name, bytes, mapping }));
    if (jobId === null) throw notFoundResponse("There is no such bank account.");
    return redirect(`/treasury/imports/${jobId}`);
  }
  const outcome = await db.transaction().execute(async (trx) => {
    const result = await importStatement(trx, { organisationId: ctx.organisation.id, bankAccountId: id, actorUserId: ctx.user.id, filename: file.name, bytes, mapping });
    // A mapping that read the file cleanly is remembered for the account's next files.
    if (mapping && result.ok) await saveCsvMapping(trx, ctx.organisation.id, ctx.user.id, id, mapping);
    return result;
  });
  if (!outcome.ok) {
    if ("needsMapping" in outcome) return { kind: "mapping", rows: outcome.needsMapping.rows, firstLine: outcome.needsMapping.firstLine } satisfies ActionData;
    return { kind: "errors", errors: outcome.errors.slice(0, 1000), total: outcome.errors.length } satisfies ActionData;
  }
  return redirect(`/treasury/accounts/${id}?imported=${outcome.linesNew}&existing=${outcome.linesExisting}`);
}

const DATE_FORMAT_OPTIONS = DATE_FORMATS.map((f) => [f, f] as const);

export default function BankAccount() {
  const { account, lines, imports, page, hasNext, total, canManage } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const imported = search.get("imported");
  const flash = imported !== null ? `Imported: ${imported} new line${imported === "1" ? "" : "s"}, ${search.get("existing") ?? "0"} already imported.` : null;
  return (
    <>
      <PageHead title={account.name}>
        <Link to={`/treasury/accounts/${account.id}/match`}>Match payments in</Link>
        <Link to="/treasury">All bank accounts</Link>
      </PageHead>
      <Flash message={flash} />
      <p>{[account.bank, account.details, account.currency].filter(Boolean).join(" · ")}{account.paymentsIn ? " · members and borrowers pay into this account" : ""}</p>
      {canManage ? <UploadForm result={data?.kind === "form" && !mappingResult(data.result) ? data.result : undefined} /> : null}
      {data?.kind === "mapping" ? <MappingForm rows={data.rows} /> : null}
      {data?.kind === "form" && data.result && mappingResult(data.result) ? <MappingForm rows={[]} result={data.result} /> : null}
      {data?.kind === "errors" ? (
        <section className="card" role="alert">
          <h2>{`Nothing was imported: ${data.total} problem${data.total === 1 ? "" : "s"}`}</h2>
          <p>Correct the file (or download it again from online banking) and import it again. Nothing from this file was kept.</p>
          <TableWrap label="Problems in the file">
            <table>
              <thead><tr><th scope="col" className="num">Line</th><th scope="col" className="num">Entry</th><th scope="col">Field</th><th scope="col">Problem</th></tr></thead>
              <tbody>{data.errors.map((e, i) => <tr key={i}><td className="num">{e.line}</td><td className="num">{e.entry ?? ""}</td><td>{e.column ?? ""}</td><td>{e.reason}</td></tr>)}</tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
      <section className="stack" aria-labelledby="lines-heading">
        <h2 id="lines-heading">{`Statement lines (${total})`}</h2>
        {lines.length ? (
          <TableWrap label="Statement lines, newest first">
            <table>
              <thead><tr><th scope="col">Date</th><th scope="col">Description</th><th scope="col">Payer</th><th scope="col">Reference</th><th scope="col" className="num">Amount</th><th scope="col" className="num">Balance</th><th scope="col">Bank reference</th></tr></thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={l.id}><td><DateText iso={l.on} /></td><td>{l.description}</td><td>{l.payer}</td><td>{l.reference}</td><td className="num">{l.amount}</td><td className="num">{l.balance}</td><td>{l.bankReference}</td></tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : <p>No statement lines yet.</p>}
        <Pagination page={page} hasNext={hasNext} search={search} />
      </section>
      {imports.length ? (
        <section className="stack" aria-labelledby="imports-heading">
          <h2 id="imports-heading">Imports</h2>
          <TableWrap label="Statement imports, newest first">
            <table>
              <thead><tr><th scope="col">When</th><th scope="col">By</th><th scope="col">File</th><th scope="col">Format</th><th scope="col">Dates</th><th scope="col" className="num">New</th><th scope="col" className="num">Already imported</th></tr></thead>
              <tbody>
                {imports.map((i) => (
                  <tr key={i.id}><td><MomentText at={i.at} /></td><td>{i.by}</td><td>{i.filename}</td><td>{i.format} ({i.layout})</td><td>{i.from && i.to ? <><DateText iso={i.from} /> to <DateText iso={i.to} /></> : "—"}</td><td className="num">{i.linesNew}</td><td className="num">{i.linesExisting}</td></tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
    </>
  );
}

function mappingResult(result: unknown): boolean {
  const r = result as { initialValue?: { intent?: string } } | undefined;
  return r?.initialValue?.intent === "map";
}

function UploadForm({ result }: { result: unknown }) {
  const [form, fields] = useForm({ lastResult: result as never, defaultValue: { intent: "upload" }, shouldValidate: "onBlur", onValidate: ({ formData }) => parseWithZod(formData, { schema: StatementUploadSchema }) });
  const file = getInputProps(fields.file, { type: "file", ariaAttributes: true });
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card">
      <h2>Import a statement</h2>
      <p>A CSV file as your bank&apos;s online banking exports it (Barclays, Lloyds, Halifax, Bank of Scotland, NatWest, RBS, Nationwide, Monzo, Starling are recognised; for other banks you say once which column is which), an OFX or QFX file, or an ISO 20022 CAMT.053 XML file. All or nothing: if any line has a problem nothing is imported and every problem is listed. Lines already imported (from an overlapping file) are skipped. A large file (a thousand lines or more) is imported in the background, on a page that shows how far it has got.</p>
      <Form method="post" encType="multipart/form-data" className="stack" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="upload" />
        <div className="field">
          <label htmlFor={fields.file.id}>Statement file</label>
          <input {...file} key={file.key} accept=".csv,.txt,.ofx,.qfx,.xml" />
          {fields.file.errors?.length ? <p className="error" id={fields.file.errorId} role="alert">{fields.file.errors.join(". ")}</p> : null}
        </div>
        <button type="submit" disabled={busy}>{busy ? "Checking and importing…" : "Check and import"}</button>
        <p className="muted" role="status">{busy ? "Sending the file and checking every line; a large statement takes a little while. Nothing is kept unless every line is right." : ""}</p>
      </Form>
    </section>
  );
}

function MappingForm({ rows, result }: { rows: string[][]; result?: unknown }) {
  const [form, fields] = useForm({ lastResult: result as never, defaultValue: { intent: "map", hasHeader: "on", dateFormat: "dd/mm/yyyy", amountSign: "credit-positive" }, shouldValidate: "onBlur", onValidate: ({ formData }) => parseWithZod(formData, { schema: StatementMappingSchema }) });
  const width = Math.max(0, ...rows.map((r) => r.length));
  const options: [string, string][] = Array.from({ length: width || 20 }, (_, i) => [String(i), `Column ${i + 1}${rows[0]?.[i] ? `: ${rows[0][i].slice(0, 40)}` : ""}`]);
  const select = (meta: (typeof fields)["date"], label: string, optional: boolean) => {
    const props = getSelectProps(meta, { ariaAttributes: true });
    return (
      <div className="field">
        <label htmlFor={meta.id}>{label}</label>
        <select {...props} key={props.key}>
          <option value="">{optional ? "None" : "Choose…"}</option>
          {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
        {meta.errors?.length ? <p className="error" id={meta.errorId} role="alert">{meta.errors.join(". ")}</p> : null}
      </div>
    );
  };
  const file = getInputProps(fields.file, { type: "file", ariaAttributes: true });
  return (
    <section className="card" aria-labelledby="mapping-heading">
      <h2 id="mapping-heading">Which column is which?</h2>
      <p>This CSV layout is not one the app knows. Say once which column holds what; it is remembered for this account&apos;s next files (as long as their header row is the same).</p>
      {rows.length ? (
        <TableWrap label="The first rows of the file">
          <table>
            <thead><tr>{Array.from({ length: width }, (_, i) => <th key={i} scope="col">Column {i + 1}</th>)}</tr></thead>
            <tbody>{rows.map((r, i) => <tr key={i}>{Array.from({ length: width }, (_, j) => <td key={j}>{r[j] ?? ""}</td>)}</tr>)}</tbody>
          </table>
        </TableWrap>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="stack" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="map" />
        <div className="field checkbox">
          <input {...getInputProps(fields.hasHeader, { type: "checkbox" })} key={fields.hasHeader.key} />
          <label htmlFor={fields.hasHeader.id}>The first row is a header row (column names)</label>
        </div>
        {select(fields.date, "Date", false)}
        <div className="field">
          <label htmlFor={fields.dateFormat.id}>Dates are written as</label>
          <select {...getSelectProps(fields.dateFormat)} key={fields.dateFormat.key}>{DATE_FORMAT_OPTIONS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}</select>
        </div>
        {select(fields.amount as never, "Amount (one column, signed)", true)}
        <div className="field">
          <label htmlFor={fields.amountSign.id}>In the amount column, money in is</label>
          <select {...getSelectProps(fields.amountSign)} key={fields.amountSign.key}>
            <option value="credit-positive">positive (money out has a minus)</option>
            <option value="debit-positive">negative (money out is positive)</option>
          </select>
        </div>
        {select(fields.paidIn as never, "Or: paid in", true)}
        {select(fields.paidOut as never, "and paid out", true)}
        {select(fields.description, "Description", false)}
        {select(fields.payer as never, "Payer's name", true)}
        {select(fields.reference as never, "Payer's reference", true)}
        {select(fields.bankReference as never, "Bank's own transaction id", true)}
        {select(fields.balance as never, "Balance", true)}
        <div className="field">
          <label htmlFor={fields.file.id}>The statement file (choose it again)</label>
          <input {...file} key={file.key} accept=".csv,.txt" />
          {fields.file.errors?.length ? <p className="error" id={fields.file.errorId} role="alert">{fields.file.errors.join(". ")}</p> : null}
        </div>
        <button type="submit">Import with these columns</button>
      </Form>
    </section>
  );
}
