import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, SubmissionKey } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { listShareClasses, memberByNumber, recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { ManualPurchaseSchema, PAYMENT_METHODS } from "~/schemas/shares";
import { keyed } from "~/schemas/common";
import { newSubmissionKey, once } from "~/models/core/form-submissions.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "shares:write", action: "shares:write" };
export const meta: MetaFunction = () => [{ title: "Record a share purchase · Co-op Register" }];
/** With the page's one-time key: a double click records the purchase once. */
const PurchaseForm = keyed(ManualPurchaseSchema);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const classes = await listShareClasses(await getDb(), ctx.organisation.id);
  const memberNumber = new URL(request.url).searchParams.get("member") ?? "";
  return {
    classes: classes.map((c) => [c.id, `${c.name} (${displayMoney(BigInt(c.par_value), ctx.organisation)} each)`] as const),
    memberNumber: /^\d{1,9}$/.test(memberNumber) ? memberNumber : "",
    today: clock.today(ctx.organisation),
    submissionKey: newSubmissionKey(),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const submission = parseForm(await readForm(request), { schema: PurchaseForm });
  if (submission.status !== "success") return submission.reply();
  const v = submission.value;
  const db = await getDb();
  const result = await moneyTransaction(db, (trx) =>
    once(trx, ctx, "shares/purchase", v, async () => {
      const member = await memberByNumber(trx, ctx.organisation.id, v.memberNumber);
      if (!member) return { ok: false as const, field: "memberNumber", reason: `No member has number ${v.memberNumber}` };
      const r = await recordPurchase(trx, { organisationId: ctx.organisation.id, actorUserId: ctx.user.id, memberId: member.id, classId: v.classId, shares: v.shares, on: v.paidOn, method: v.method, reference: v.reference });
      return r.ok ? { ok: true as const, memberId: member.id } : r;
    }),
  );
  if (!result.ok) {
    const field = result.field === "memberStatus" ? "memberNumber" : result.field;
    return submission.reply({ fieldErrors: { [field]: [result.reason] } });
  }
  return redirect(`/shares/members/${result.memberId}?recorded=1`);
}

export default function RecordPurchase() {
  const { classes, memberNumber, today, submissionKey } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { memberNumber, classId: classes[0]?.[0], method: "bank_transfer", paidOn: today },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PurchaseForm }),
  });
  return (
    <>
      <PageHead title="Record a share purchase" />
      <section className="card">
        <p>For money received by cash, cheque or bank transfer. Card payments are recorded automatically when Stripe confirms them.</p>
        <Form method="post" className="stack" {...getFormProps(form)}>
          <FormErrors errors={form.errors} />
          <SubmissionKey value={submissionKey} />
          <Field meta={fields.memberNumber} label="Member number" type="number" inputMode="numeric" />
          <SelectField meta={fields.classId} label="Share class" options={classes} />
          <Field meta={fields.shares} label="Number of shares" type="number" inputMode="numeric" />
          <SelectField meta={fields.method} label="Paid by" options={PAYMENT_METHODS} />
          <Field meta={fields.paidOn} label="Date received" type="date" />
          <Field meta={fields.reference} label="Reference" hint="Cheque number, bank reference or receipt number." />
          <button type="submit">Record purchase</button>
        </Form>
      </section>
    </>
  );
}
