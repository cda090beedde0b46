import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { EXPORT_FORMATS, FORMAT_LABELS } from "~/domain/treasury/journal-export";
import { chartOfAccounts, dayAfter, lockedThrough, periodLocks, postJournal, trialBalance, updateChartMapping, yearStart } from "~/models/treasury/journal.server";
import { BooksParams, ExportSchema, MappingSchema } from "~/schemas/books";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { queryParams } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "books:view", action: "books:export" };
export const meta: MetaFunction = () => [{ title: "Books · Co-op Register" }];

/** The books: the journal brought up to date, the trial balance as at a day, the chart and its mapping, the locked periods. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "books:view");
  const params = queryParams(request, BooksParams);
  const url = new URL(request.url);
  const today = clock.today(ctx.organisation);
  const asAt = params.asAt ?? today;
  const from = params.from && params.from <= asAt ? params.from : yearStart(asAt);
  const db = await getDb();
  await postJournal(db, ctx.organisation.id);
  const [tb, chart, locks, locked] = await Promise.all([
    trialBalance(db, ctx.organisation.id, asAt, from),
    chartOfAccounts(db, ctx.organisation.id),
    periodLocks(db, ctx.organisation.id),
    lockedThrough(db, ctx.organisation.id),
  ]);
  const currency = ctx.organisation;
  const money = (m: bigint) => (m === 0n ? "—" : displayMoney(m, currency));
  const side = (m: bigint) => ({ debit: m > 0n ? money(m) : "", credit: m < 0n ? money(-m) : "" });
  return {
    asAt, from, today,
    rows: tb.rows.map((r) => ({ code: r.code, name: r.name, externalCode: r.externalCode, opening: side(r.opening), debits: money(r.debits), credits: money(r.credits), closing: side(r.closing) })),
    totals: { debits: money(tb.totals.debits), credits: money(tb.totals.credits), debitBalances: money(tb.totals.debitBalances), creditBalances: money(tb.totals.creditBalances), balanced: tb.totals.debits === tb.totals.credits && tb.totals.debitBalances === tb.totals.creditBalances },
    chart: chart.map((a) => ({ code: a.code, name: a.name, type: a.type, holds: a.holds, externalCode: a.external_code, externalName: a.external_name })),
    locks: locks.map((l) => ({ id: String(l.id), from: l.period_from, through: l.locked_through, format: FORMAT_LABELS[l.format as (typeof EXPORT_FORMATS)[number]] ?? l.format, at: clock.dayOf(new Date(l.exported_at), ctx.organisation), by: l.exported_by_name ?? "" })),
    lockedThrough: locked,
    nextFrom: locked ? dayAfter(locked) : yearStart(today),
    canExport: ctx.permissions.has("books:export"),
    formats: EXPORT_FORMATS.map((f) => [f, FORMAT_LABELS[f]] as const),
    exportRefused: url.searchParams.get("refused")?.slice(0, 300) ?? null,
  };
}

/** Save the chart's mapping to the accounting package. */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "books:export");
  const submission = parseForm(await readForm(request), { schema: MappingSchema });
  if (submission.status !== "success") return { message: null, error: "Check the codes and names: a code may hold letters, digits, spaces and . : / - only." };
  const r = await updateChartMapping(await getDb(), ctx.user.id, ctx.organisation.id, submission.value.accounts);
  if (!r.ok) return { message: null, error: r.reason };
  return { message: r.changed ? `Mapping saved (${r.changed} account${r.changed === 1 ? "" : "s"} changed).` : "Nothing changed.", error: null };
}

export default function Books() {
  const d = useLoaderData<typeof loader>();
  const saved = useActionData<typeof action>();
  const [form, fields] = useForm({
    defaultValue: { from: d.nextFrom, to: "", format: "xero" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ExportSchema }),
  });
  return (
    <>
      <PageHead title="Books" />
      <Flash message={saved?.message} />
      <Flash message={saved?.error} tone="error" />
      <Flash message={d.exportRefused} tone="error" />
      <section className="card">
        <h2>Trial balance</h2>
        <Form method="get" className="toolbar">
          <div className="field">
            <label htmlFor="from">From</label>
            <input id="from" name="from" type="date" defaultValue={d.from} />
          </div>
          <div className="field">
            <label htmlFor="asAt">As at the end of</label>
            <input id="asAt" name="asAt" type="date" defaultValue={d.asAt} />
          </div>
          <button type="submit">Show</button>
        </Form>
        <p>
          From <DateText iso={d.from} long /> to <DateText iso={d.asAt} long />: debits {d.totals.debits}, credits {d.totals.credits}.{" "}
          {d.totals.balanced ? "The books balance." : "The books do not balance: tell whoever looks after the system."}
        </p>
        <TableWrap label="Trial balance">
          <table>
            <thead>
              <tr>
                <th scope="col">Account</th><th scope="col">Brought forward Dr</th><th scope="col">Brought forward Cr</th>
                <th scope="col">Debits</th><th scope="col">Credits</th><th scope="col">Balance Dr</th><th scope="col">Balance Cr</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.code}>
                  <th scope="row">{`${r.code} ${r.name}${r.externalCode ? ` (${r.externalCode})` : ""}`}</th>
                  <td className="num">{r.opening.debit}</td><td className="num">{r.opening.credit}</td>
                  <td className="num">{r.debits}</td><td className="num">{r.credits}</td>
                  <td className="num">{r.closing.debit}</td><td className="num">{r.closing.credit}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr><th scope="row">Total</th><td /><td /><td className="num">{d.totals.debits}</td><td className="num">{d.totals.credits}</td><td className="num">{d.totals.debitBalances}</td><td className="num">{d.totals.creditBalances}</td></tr>
            </tfoot>
          </table>
        </TableWrap>
      </section>

      {d.canExport ? (
        <section className="card">
          <h2>Export the journal</h2>
          <p>
            Exporting a period locks it: nothing posted later changes it, and anything dated inside it is posted on the first open day.
            {d.lockedThrough ? <> The books are locked through <DateText iso={d.lockedThrough} long />.</> : " No period is locked yet."}
          </p>
          <Form method="post" action="/books/export" reloadDocument className="stack" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <Field meta={fields.from} label="From" type="date" />
            <Field meta={fields.to} label="To (a day before today)" type="date" />
            <SelectField meta={fields.format} label="Format" options={d.formats} />
            <button type="submit">Export and lock the period</button>
          </Form>
        </section>
      ) : null}

      <TableWrap label="Locked periods">
        <table>
          <thead><tr><th scope="col">From</th><th scope="col">Through</th><th scope="col">Format</th><th scope="col">Exported</th><th scope="col">By</th></tr></thead>
          <tbody>
            {d.locks.length === 0 ? <tr><td colSpan={5}>No period has been exported.</td></tr> : d.locks.map((l) => (
              <tr key={l.id}><td><DateText iso={l.from} /></td><td><DateText iso={l.through} /></td><td>{l.format}</td><td><DateText iso={l.at} /></td><td>{l.by}</td></tr>
            ))}
          </tbody>
        </table>
      </TableWrap>

      <section className="card">
        <h2>Chart of accounts</h2>
        <p>Each account with its code and name in your accounting package. Leave them blank to export the code and name shown here.</p>
        <Form method="post">
          <TableWrap label="Chart of accounts">
            <table>
              <thead><tr><th scope="col">Account</th><th scope="col">Type</th><th scope="col">Holds</th><th scope="col">Code in the package</th><th scope="col">Name in the package</th></tr></thead>
              <tbody>
                {d.chart.map((a, i) => (
                  <tr key={a.code}>
                    <th scope="row">{`${a.code} ${a.name}`}<input type="hidden" name={`accounts[${i}].code`} value={a.code} /></th>
                    <td>{a.type}</td>
                    <td>{a.holds}</td>
                    <td>{d.canExport ? <input aria-label={`Code for ${a.name}`} name={`accounts[${i}].externalCode`} defaultValue={a.externalCode} maxLength={40} /> : a.externalCode}</td>
                    <td>{d.canExport ? <input aria-label={`Name for ${a.name}`} name={`accounts[${i}].externalName`} defaultValue={a.externalName} maxLength={150} /> : a.externalName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {d.canExport ? <button type="submit">Save the mapping</button> : null}
        </Form>
      </section>
    </>
  );
}
