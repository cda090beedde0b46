import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField } from "~/components/forms";
import { PageHead, StatusBadge, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { createInterestPreview, listInterestRuns } from "~/models/shares/interest-runs.server";
import { listShareClasses } from "~/models/shares/share-classes-and-holdings.server";
import { InterestRunSchema } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { replyRefusal } from "~/web/refusals.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "shares:read", action: "shares:write" };
export const meta: MetaFunction = () => [{ title: "Interest on shares · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const db = await getDb();
  const [runs, classes] = await Promise.all([listInterestRuns(db, ctx.organisation.id), listShareClasses(db, ctx.organisation.id)]);
  const lastYear = new Date().getFullYear() - 1;
  return {
    runs: runs.map((r) => ({ id: r.id, className: r.class_name, from: r.period_from, to: r.period_to, rate: (r.rate_bp / 100).toFixed(2), payAs: r.pay_as, status: r.status, total: displayMoney(BigInt(r.total_interest), ctx.organisation), postedOn: r.posted_on })),
    classes: classes.map((c) => [c.id, `${c.name} (${(c.interest_rate_bp / 100).toFixed(2)}%)`] as const),
    defaults: { classId: classes[0]?.id, from: `${lastYear}-01-01`, to: `${lastYear}-12-31`, rate: classes[0] ? (classes[0].interest_rate_bp / 100).toString() : "0", payAs: "cash", rounding: "down" },
    canWrite: ctx.permissions.has("shares:write"),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const submission = parseForm(await readForm(request), { schema: InterestRunSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  const r = await db.transaction().execute((trx) => createInterestPreview(trx, ctx.user.id, ctx.organisation.id, submission.value));
  if (!r.ok) return replyRefusal(submission, r);
  return redirect(`/shares/interest/${r.runId}`);
}

export default function Interest() {
  const { runs, classes, defaults, canWrite } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, defaultValue: defaults, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: InterestRunSchema }) });
  return (
    <>
      <PageHead title="Interest on shares" />
      <TableWrap label="Interest runs">
        <table>
          <thead><tr><th scope="col">Class</th><th scope="col">Period</th><th scope="col" className="num">Rate</th><th scope="col">Paid as</th><th scope="col" className="num">Total</th><th scope="col">Status</th></tr></thead>
          <tbody>
            {runs.length === 0 ? <tr><td colSpan={6}>No interest runs yet.</td></tr> : runs.map((r) => (
              <tr key={r.id}>
                <td><Link to={`/shares/interest/${r.id}`}>{r.className}</Link></td><td><DateText iso={r.from} /> to <DateText iso={r.to} /></td><td className="num">{r.rate}%</td>
                <td>{r.payAs === "shares" ? "Shares (remainder in cash)" : "Cash"}</td><td className="num">{r.total}</td><td><StatusBadge status={r.status} />{r.postedOn ? <> <DateText iso={r.postedOn} /></> : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {canWrite ? (
        <section className="card">
          <h2>Prepare an interest run</h2>
          <p className="muted">Interest is worked out pro rata on each day&apos;s closing holding and rounded once per member. The board approves the preview before it is posted.</p>
          <Form method="post" className="stack" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <SelectField meta={fields.classId} label="Share class" options={classes} />
            <Field meta={fields.from} label="Period from" type="date" />
            <Field meta={fields.to} label="Period to" type="date" />
            <Field meta={fields.rate} label="Rate (% a year)" inputMode="decimal" />
            <SelectField meta={fields.payAs} label="Pay interest as" options={[["cash", "Cash"], ["shares", "Shares (whole shares, remainder in cash)"]]} />
            <SelectField meta={fields.rounding} label="Rounding" options={[["down", "Down to the penny (never more than the declared rate)"], ["half-even", "Nearest penny, halves to even"], ["half-up", "Nearest penny, halves up"]]} />
            <button type="submit">Preview interest</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
