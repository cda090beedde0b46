import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { listShareClasses } from "~/models/shares/share-classes-and-holdings.server";
import { endSuspension, listSuspensions, suspendWithdrawals } from "~/models/shares/withdrawals.server";
import { EndSuspensionSchema, SuspensionSchema } from "~/schemas/shares";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { notFoundResponse } from "~/web/refusals.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "shares:read", action: "shares:govern" };
export const meta: MetaFunction = () => [{ title: "Withdrawal suspensions · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const db = await getDb();
  const [suspensions, classes] = await Promise.all([listSuspensions(db, ctx.organisation.id), listShareClasses(db, ctx.organisation.id)]);
  return {
    suspensions: suspensions.map((s) => ({ id: s.id, className: s.class_name ?? "All share classes", from: s.from_on, until: s.until_on, reason: s.reason })),
    classes: [["", "All share classes (the whole society)"] as const, ...classes.map((c) => [c.id, c.name] as const)],
    canGovern: ctx.permissions.has("shares:govern"),
    today: clock.today(ctx.organisation),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:govern");
  const formData = await readForm(request);
  const db = await getDb();
  if (formData.get("intent") === "end") {
    const end = parseForm(formData, { schema: EndSuspensionSchema });
    if (end.status !== "success") return { result: null, message: null, error: "Enter the last day of the suspension" };
    const r = await moneyTransaction(db, (trx) => endSuspension(trx, ctx.user.id, ctx.organisation.id, end.value.suspensionId, end.value.untilOn));
    if (!r) throw notFoundResponse();
    return { result: null, message: r.ok ? "Withdrawals resumed." : null, error: r.ok ? null : r.reason };
  }
  const submission = parseForm(formData, { schema: SuspensionSchema });
  if (submission.status !== "success") return { result: submission.reply(), message: null, error: null };
  const id = await moneyTransaction(db, (trx) => suspendWithdrawals(trx, ctx.user.id, ctx.organisation.id, submission.value));
  if (!id) return { result: submission.reply({ fieldErrors: { classId: ["No such share class"] } }), message: null, error: null };
  return { result: submission.reply({ resetForm: true }), message: "Withdrawals suspended. Members with notice waiting see the reason.", error: null };
}

export default function Suspensions() {
  const d = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    defaultValue: { classId: "", fromOn: d.today },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SuspensionSchema }),
  });
  return (
    <>
      <PageHead title="Withdrawal suspensions" />
      <Flash message={data?.message} />
      <Flash message={data?.error} tone="error" />
      <TableWrap label="Withdrawal suspensions">
        <table>
          <thead><tr><th scope="col">Applies to</th><th scope="col">From</th><th scope="col">Until</th><th scope="col">Reason</th><th scope="col">Resume</th></tr></thead>
          <tbody>
            {d.suspensions.length === 0 ? <tr><td colSpan={5}>Withdrawals have never been suspended.</td></tr> : d.suspensions.map((s) => (
              <tr key={s.id}>
                <td>{s.className}</td><td><DateText iso={s.from} /></td><td>{s.until ? <DateText iso={s.until} /> : "In force"}</td><td>{s.reason}</td>
                <td>
                  {d.canGovern && !s.until ? (
                    <Form method="post" className="toolbar">
                      <input type="hidden" name="intent" value="end" />
                      <input type="hidden" name="suspensionId" value={s.id} />
                      <label htmlFor={`until-${s.id}`}>Last day</label>
                      <input id={`until-${s.id}`} name="untilOn" type="date" defaultValue={d.today} />
                      <button type="submit">Resume withdrawals</button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {d.canGovern ? (
        <section className="card">
          <h2>Suspend withdrawals</h2>
          <Form method="post" className="stack" {...getFormProps(form)}>
            <FormErrors errors={form.errors} />
            <SelectField meta={fields.classId} label="Share class" options={d.classes} />
            <Field meta={fields.fromOn} label="From" type="date" />
            <TextAreaField meta={fields.reason} label="Reason (members waiting will see it)" hint="For example the board minute and what the society needs the money for." />
            <button type="submit" className="danger">Suspend withdrawals</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
