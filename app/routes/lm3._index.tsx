import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { LineChartWithTable } from "~/components/charts";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { parseSurveyCsv } from "~/domain/impact/csv";
import { displayMoney, parseMoney } from "~/domain/money";
import { calculateLm3, listLm3Studies, saveLm3Study, type Lm3StudyInput } from "~/models/impact/lm3.server";
import { Lm3Schema } from "~/schemas/impact";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "impact:read", action: "organisation:manage" };
export const meta: MetaFunction = () => [{ title: "LM3 calculator · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const studies = await listLm3Studies(await getDb(), ctx.organisation.id);
  const money = (v: bigint) => displayMoney(v, ctx.organisation.currency);
  return {
    canManage: ctx.permissions.has("organisation:manage"),
    studies: studies.map((s) => ({
      id: s.id,
      name: s.name,
      period: `${s.period_from} to ${s.period_to}`,
      periodTo: s.period_to,
      r1: money(s.r1),
      r2: money(s.r2_suppliers + s.r2_staff),
      r3: money(s.r3),
      r3Source: s.r3_source === "survey" ? "survey answers" : "entered",
      lm3: s.lm3,
      method: s.method,
    })),
  };
}

type Shown = { lm3: string; r1: string; r2: string; r3: string; method: string; warnings: string[]; saved: boolean };

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const submission = parseForm(await readForm(request), { schema: Lm3Schema });
  if (submission.status !== "success") return { result: submission.reply(), shown: null as Shown | null };
  const v = submission.value;
  let respend: Lm3StudyInput["respend"];
  if (v.r3Source === "survey") {
    const survey = parseSurveyCsv(v.survey);
    if (!survey.ok) return { result: submission.reply({ fieldErrors: { survey: survey.errors.map((e) => `line ${e.line}: ${e.reason}`) } }), shown: null };
    respend = { source: "survey", answers: survey.answers };
  } else {
    respend = { source: "entered", amount: parseMoney((v.respend ?? "").replace(/^£/, "").replace(/,/g, "")) };
  }
  const input: Lm3StudyInput = {
    name: v.name,
    periodFrom: v.periodFrom,
    periodTo: v.periodTo,
    income: parseMoney(v.income),
    suppliers: parseMoney(v.suppliers),
    staff: parseMoney(v.staff),
    respend,
  };
  const money = (x: bigint) => displayMoney(x, ctx.organisation.currency);
  if (v.intent === "calculate") {
    const outcome = calculateLm3(input);
    if (!outcome.ok) return { result: replyRefusal(submission, outcome), shown: null };
    const r = outcome.result;
    return { result: submission.reply(), shown: { lm3: r.lm3, r1: money(r.r1), r2: money(r.r2), r3: money(r.r3), method: [outcome.r3Method, r.method].filter(Boolean).join("\n"), warnings: r.warnings, saved: false } };
  }
  const db = await getDb();
  const saved = await db.transaction().execute((trx) => saveLm3Study(trx, ctx.user.id, ctx.organisation.id, input));
  if (!saved.ok) return { result: replyRefusal(submission, saved), shown: null };
  const r = saved.result;
  return { result: submission.reply({ resetForm: true }), shown: { lm3: r.lm3, r1: money(r.r1), r2: money(r.r2), r3: money(r.r3), method: saved.method, warnings: r.warnings, saved: true } };
}

export default function Lm3Page() {
  const data = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: reply?.result,
    defaultValue: { r3Source: "entered" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: Lm3Schema }),
  });
  const shown = reply?.shown;
  const history = [...data.studies].reverse();
  return (
    <>
      <PageHead title="LM3: Local Multiplier 3">
        <Link to="/impact">Impact dashboard</Link>
      </PageHead>
      <section className="card stack">
        <h2>How LM3 works</h2>
        <p>LM3 (New Economics Foundation) follows each pound the society takes in through three rounds of spending:</p>
        <ol>
          <li><strong>Round 1 (R1)</strong>: the society&apos;s income in the period.</li>
          <li><strong>Round 2 (R2)</strong>: what it spends locally — with suppliers in the local area and on staff who live there.</li>
          <li><strong>Round 3 (R3)</strong>: what those suppliers and staff in turn spend locally, from survey answers (each answer: what they received × the share they spend locally).</li>
        </ol>
        <p><strong>LM3 = (R1 + R2 + R3) ÷ R1.</strong> An LM3 of 1.84 means every £1 of income is worth £1.84 to the local economy. Round 1 must be above zero.</p>
      </section>

      {shown ? (
        <section className="card" aria-live="polite">
          <Flash message={shown.saved ? "LM3 study saved." : null} />
          <h2>LM3 = {shown.lm3}</h2>
          <dl className="facts">
            <dt>R1 income</dt><dd>{shown.r1}</dd>
            <dt>R2 local spend</dt><dd>{shown.r2}</dd>
            <dt>R3 local re-spend</dt><dd>{shown.r3}</dd>
          </dl>
          <p className="method">{shown.method}</p>
          {shown.warnings.length ? <div className="alert info" role="status"><ul>{shown.warnings.map((w) => <li key={w}>{w}</li>)}</ul></div> : null}
        </section>
      ) : null}

      {data.canManage ? (
        <section className="card">
          <h2>Calculate</h2>
          <FormErrors errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <Field meta={fields.name} label="Study name" hint='For example "Year to March 2026".' />
            <Field meta={fields.periodFrom} label="Period from" type="date" />
            <Field meta={fields.periodTo} label="Period to" type="date" />
            <Field meta={fields.income} label="R1: income in the period (£)" inputMode="decimal" />
            <Field meta={fields.suppliers} label="R2: spent with local suppliers (£)" inputMode="decimal" />
            <Field meta={fields.staff} label="R2: paid to staff who live locally (£)" inputMode="decimal" />
            <SelectField meta={fields.r3Source} label="R3 comes from" options={[["entered", "A figure I enter"], ["survey", "Survey answers I paste below"]]} />
            <Field meta={fields.respend} label="R3: local re-spend by those suppliers and staff (£)" inputMode="decimal" hint="Leave empty if you paste survey answers." />
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
      ) : null}

      <section className="card">
        <h2>History</h2>
        {data.studies.length === 0 ? (
          <p className="muted">No LM3 studies saved yet.</p>
        ) : (
          <>
            <LineChartWithTable
              label="LM3 of each saved study, oldest first"
              caption="LM3 by study"
              xLabel="Study"
              series={[{ key: "lm3", label: "LM3", colour: "#1f6f43" }]}
              points={history.map((s) => ({ x: s.name, values: { lm3: Number(s.lm3) }, cells: { lm3: s.lm3 } }))}
              tick={(v) => v.toFixed(2)}
            />
            <TableWrap label="Saved LM3 studies">
              <table>
                <caption>Saved LM3 studies with their inputs and method</caption>
                <thead>
                  <tr>
                    <th scope="col">Study</th>
                    <th scope="col" className="hide-narrow">Period</th>
                    <th scope="col" className="num">R1</th>
                    <th scope="col" className="num">R2</th>
                    <th scope="col" className="num">R3</th>
                    <th scope="col" className="num">LM3</th>
                    <th scope="col" className="hide-narrow">Method</th>
                  </tr>
                </thead>
                <tbody>
                  {data.studies.map((s) => (
                    <tr key={s.id}>
                      <th scope="row">{s.name}</th>
                      <td className="hide-narrow">{s.period}</td>
                      <td className="num">{s.r1}</td>
                      <td className="num">{s.r2}</td>
                      <td className="num">{s.r3} <span className="muted">({s.r3Source})</span></td>
                      <td className="num"><strong>{s.lm3}</strong></td>
                      <td className="hide-narrow method">{s.method}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </section>
    </>
  );
}
