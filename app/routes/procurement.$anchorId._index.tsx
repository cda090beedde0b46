import { getFormProps, useForm } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BarChartWithTable, FigureHead, pct } from "~/components/impact/chart";
import { LineChartWithTable } from "~/components/charts";
import { FormErrors } from "~/components/forms";
import { Flash, PageHead, Stat, TableWrap } from "~/components/ui";
import { parseSupplierSpendCsv } from "~/domain/impact/csv";
import { displayMoney, formatMinor } from "~/domain/money";
import { getOrganisation } from "~/models/core/organisations.server";
import { getAnchor, getImpactSettings, listUploads, procurementReport, recordSpendUpload, withdrawUpload } from "~/models/impact/procurement.server";
import { SpendUploadSchema, WithdrawUploadSchema } from "~/schemas/impact";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { uuid } from "~/schemas/common";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "impact:read", action: "organisation:manage" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.anchor.name ?? "Anchor institution"} · Co-op Register` }];

async function anchorOr404(organisationId: string, anchorId: string | undefined) {
  if (!uuid.safeParse(anchorId).success) throw notFoundResponse("No such anchor institution");
  const anchor = await getAnchor(await getDb(), organisationId, anchorId!);
  if (!anchor) throw notFoundResponse("No such anchor institution");
  return anchor;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const anchor = await anchorOr404(ctx.organisation.id, params.anchorId);
  const db = await getDb();
  const [org, settings, uploads] = await Promise.all([getOrganisation(db, ctx.organisation.id), getImpactSettings(db, ctx.organisation.id), listUploads(db, ctx.organisation.id, anchor.id)]);
  const report = await procurementReport(db, ctx.organisation.id, anchor.id, org.local_area, settings.widerArea);
  const money = (v: bigint) => displayMoney(v, ctx.organisation.currency);
  return {
    anchor,
    canManage: ctx.permissions.has("organisation:manage"),
    localArea: org.local_area.join(", "),
    widerArea: settings.widerArea.join(", "),
    overall: { total: money(report.overall.total), local: money(report.overall.local), wider: money(report.overall.wider), localPercent: report.overall.localPercent, widerPercent: report.overall.widerPercent },
    periods: report.byPeriod.map((p) => ({ period: p.period, total: money(p.total), local: money(p.local), wider: money(p.wider), localPercent: p.localPercent, widerPercent: p.widerPercent })),
    opportunities: report.opportunities.map((o) => ({ key: o.key, amount: money(o.amount), value: Number(formatMinor(o.amount)), percent: o.percent, count: o.count })),
    uploads: uploads.map((u) => ({ id: u.id, filename: u.filename, lines: u.line_count, total: money(BigInt(u.total)), at: u.uploaded_at.toISOString().slice(0, 16).replace("T", " "), by: u.uploaded_by_name, withdrawn: u.withdrawn_at !== null })),
  };
}

type RowError = { line: number; column?: string; reason: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const anchor = await anchorOr404(ctx.organisation.id, params.anchorId);
  const formData = await readForm(request);
  const db = await getDb();
  if (formData.get("intent") === "withdraw") {
    const submission = parseForm(formData, { schema: WithdrawUploadSchema });
    if (submission.status !== "success") return { result: submission.reply(), rowErrors: [] as RowError[], flags: [] as RowError[], message: null };
    const done = await db.transaction().execute((trx) => withdrawUpload(trx, ctx.user.id, ctx.organisation.id, anchor.id, submission.value.uploadId));
    return { result: submission.reply({ resetForm: true }), rowErrors: [], flags: [], message: done ? "The upload was withdrawn; its spend no longer counts." : null };
  }
  const submission = parseForm(formData, { schema: SpendUploadSchema });
  if (submission.status !== "success") return { result: submission.reply(), rowErrors: [] as RowError[], flags: [] as RowError[], message: null };
  const file = submission.value.spendFile;
  const checked = parseSupplierSpendCsv(await file.text());
  if (!checked.ok) {
    // Refused whole: a partial upload would give a local share nobody could trust.
    const n = checked.errors.length;
    return {
      result: submission.reply({ formErrors: [`Nothing was saved: ${n} ${n === 1 ? "problem" : "problems"} in ${file.name}. Put ${n === 1 ? "it" : "them"} right and upload the whole file again.`] }),
      rowErrors: checked.errors,
      flags: checked.flags,
      message: null,
    };
  }
  if (checked.rows.length === 0) return { result: submission.reply({ formErrors: ["The file has a header but no spend lines."] }), rowErrors: [], flags: [], message: null };
  let saved: Awaited<ReturnType<typeof recordSpendUpload>>;
  try {
    saved = await db.transaction().execute((trx) => recordSpendUpload(trx, ctx.user.id, ctx.organisation.id, anchor.id, file.name, checked.rows));
  } catch (error) {
    return { result: replyRefusal(submission, error), rowErrors: [] as RowError[], flags: [] as RowError[], message: null };
  }
  return {
    result: submission.reply({ resetForm: true }),
    rowErrors: [],
    flags: checked.flags,
    message: `Saved ${saved.lines} spend lines totalling ${displayMoney(saved.total, ctx.organisation.currency)} from ${file.name}.`,
  };
}

export default function AnchorSpend() {
  const data = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult: reply?.result, shouldValidate: "onSubmit" });
  const base = `/procurement/${data.anchor.id}`;
  return (
    <>
      <PageHead title={data.anchor.name}>
        <Link to="/procurement">All anchor institutions</Link>
      </PageHead>
      <Flash message={reply?.message} />
      <section className="grid">
        <Stat label="Spend uploaded" value={data.overall.total} />
        <Stat label="Local share" value={pct(data.overall.localPercent)} hint={`${data.overall.local} with suppliers in ${data.localArea || "the local area (not set)"}`} />
        <Stat label="Wider area share" value={pct(data.overall.widerPercent)} hint={`${data.overall.wider} in ${data.widerArea || "the wider area (not set)"}, including the local area`} />
      </section>

      <section className="card">
        <FigureHead title="Local spend share by period" csv={`${base}/csv`} />
        <LineChartWithTable
          label={`Share of ${data.anchor.name}'s supplier spend with local and wider-area suppliers, by period`}
          caption="Local and wider-area share of spend"
          xLabel="Period"
          series={[
            { key: "local", label: "Local area", colour: "#1f6f43" },
            { key: "wider", label: "Wider area", colour: "#2b59c3" },
          ]}
          points={data.periods.map((p) => ({
            x: p.period,
            values: { local: p.localPercent === null ? null : Number(p.localPercent), wider: p.widerPercent === null ? null : Number(p.widerPercent) },
            cells: { local: pct(p.localPercent), wider: pct(p.widerPercent) },
          }))}
          tick={(v) => `${v}%`}
        />
        <TableWrap label="Spend by period">
          <table>
            <caption>Spend by period</caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col" className="num">Total</th>
                <th scope="col" className="num">Local</th>
                <th scope="col" className="num">Local %</th>
                <th scope="col" className="num">Wider area</th>
                <th scope="col" className="num">Wider %</th>
              </tr>
            </thead>
            <tbody>
              {data.periods.map((p) => (
                <tr key={p.period}>
                  <th scope="row">{p.period}</th>
                  <td className="num">{p.total}</td>
                  <td className="num">{p.local}</td>
                  <td className="num">{pct(p.localPercent)}</td>
                  <td className="num">{p.wider}</td>
                  <td className="num">{pct(p.widerPercent)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>

      <section className="card">
        <FigureHead title="Opportunities: largest spend leaving the local area" csv={`${base}/csv?figure=opportunities`} />
        <p className="muted">Categories of spend with suppliers outside the local area, largest first: where local suppliers could compete.</p>
        <BarChartWithTable
          label="Largest categories of spend with suppliers outside the local area"
          caption="Non-local spend by category"
          keyLabel="Category"
          countLabel="Lines"
          colour="#b4541a"
          rows={data.opportunities}
        />
      </section>

      {data.canManage ? (
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
      ) : null}

      <section className="card">
        <h2>Uploaded files</h2>
        {data.uploads.length === 0 ? (
          <p className="muted">Nothing uploaded yet.</p>
        ) : (
          <TableWrap label="Uploaded files">
            <table>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col" className="num">Lines</th>
                  <th scope="col" className="num">Total</th>
                  <th scope="col" className="hide-narrow">Uploaded</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {data.uploads.map((u) => (
                  <tr key={u.id}>
                    <th scope="row">{u.filename || "(no name)"}</th>
                    <td className="num">{u.lines}</td>
                    <td className="num">{u.total}</td>
                    <td className="hide-narrow">{u.at}{u.by ? ` by ${u.by}` : ""}</td>
                    <td>
                      {u.withdrawn ? (
                        "Withdrawn"
                      ) : data.canManage ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="withdraw" />
                          <input type="hidden" name="uploadId" value={u.id} />
                          <button type="submit" className="secondary">Withdraw<span className="visually-hidden"> {u.filename}</span></button>
                        </Form>
                      ) : (
                        "Counted"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </>
  );
}
