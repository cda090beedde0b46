import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { Flash, PageHead } from "~/components/ui";
import { calculateLm3, saveLm3Study } from "~/models/impact/lm3.server";
import { lm3Shown, lm3StudyInput, lm3StudyRows, type Lm3Shown } from "~/models/impact/lm3-views.server";
import { Lm3Schema } from "~/schemas/impact";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";
import { Lm3CalculatorForm } from "./calculator-form";
import { Lm3History } from "./history";
import { useMoneyStyle } from "~/components/money";
import { displayMoney } from "~/domain/money";

export const access: RouteAccess = { loader: "impact:read", action: "organisation:manage" };
export const meta: MetaFunction = () => [{ title: "LM3 calculator · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  return { canManage: ctx.permissions.has("organisation:manage"), studies: await lm3StudyRows(await getDb(), ctx.organisation) };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "organisation:manage");
  const submission = parseForm(await readForm(request), { schema: Lm3Schema });
  const nothingShown = (result: ReturnType<typeof submission.reply>) => ({ result, shown: null as Lm3Shown | null });
  if (submission.status !== "success") return nothingShown(submission.reply());
  const v = submission.value;
  const read = lm3StudyInput(v);
  if (!read.ok) return nothingShown(submission.reply({ fieldErrors: { survey: read.surveyErrors } }));
  const { input } = read;
  const currency = ctx.organisation;
  if (v.intent === "calculate") {
    const outcome = calculateLm3(input, ctx.organisation);
    if (!outcome.ok) return nothingShown(replyRefusal(submission, outcome));
    return { result: submission.reply(), shown: lm3Shown(outcome.result, [outcome.r3Method, outcome.result.method].filter(Boolean).join("\n"), false, currency) };
  }
  const db = await getDb();
  const saved = await db.transaction().execute((trx) => saveLm3Study(trx, ctx.user.id, ctx.organisation.id, input));
  if (!saved.ok) return nothingShown(replyRefusal(submission, saved));
  return { result: submission.reply({ resetForm: true }), shown: lm3Shown(saved.result, saved.method, true, currency) };
}

export default function Lm3Page() {
  const data = useLoaderData<typeof loader>();
  // "every £1 of income is worth £1.84": the example in the organisation's money.
  const style = useMoneyStyle();
  const one = displayMoney(1n, style, 0);
  const worth = displayMoney(184n, style);
  const reply = useActionData<typeof action>();
  const shown = reply?.shown;
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
        <p><strong>LM3 = (R1 + R2 + R3) ÷ R1.</strong> An LM3 of 1.84 means every {one} of income is worth {worth} to the local economy. Round 1 must be above zero.</p>
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

      {data.canManage ? <Lm3CalculatorForm lastResult={reply?.result} /> : null}

      <Lm3History studies={data.studies} />
    </>
  );
}
