import { getFormProps } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, SubmissionKey } from "~/components/forms";
import { CheckField } from "~/components/shares/class-form";
import { HoldingFormPage, useHoldingForm } from "~/components/shares/holding-form";
import { memberHoldings } from "~/models/shares/share-classes-and-holdings.server";
import { requestWithdrawal, suspensionsForMember } from "~/models/shares/withdrawals.server";
import { SuspensionNotice } from "~/components/shares/suspension-notice";
import { WithdrawalRequestSchema } from "~/schemas/shares";
import { keyed } from "~/schemas/common";
import { newSubmissionKey, once } from "~/models/core/form-submissions.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { replyNotLinked, replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "self:write", action: "self:write" };
export const meta: MetaFunction = () => [{ title: "Withdraw shares · Co-op Register" }];
/** With the page's one-time key: a double click gives notice once. */
const WithdrawForm = keyed(WithdrawalRequestSchema);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const db = await getDb();
  const holdings = ctx.memberId ? await memberHoldings(db, ctx.organisation.id, ctx.memberId) : [];
  return {
    suspensions: ctx.memberId ? await suspensionsForMember(db, ctx.organisation.id, ctx.memberId, clock.today(ctx.organisation)) : [],
    linked: !!ctx.memberId,
    submissionKey: newSubmissionKey(),
    classes: holdings.filter((h) => h.withdrawable && BigInt(h.shares) > 0n).map((h) => [h.class_id, `${h.class_name}: ${String(h.shares)} held, ${h.notice_days} days' notice`] as const),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const submission = parseForm(await readForm(request), { schema: WithdrawForm });
  if (submission.status !== "success") return submission.reply();
  if (!ctx.memberId) return replyNotLinked(submission);
  const memberId = ctx.memberId;
  const db = await getDb();
  const today = clock.today(ctx.organisation);
  const v = submission.value;
  const r = await moneyTransaction(db, (trx) =>
    once(trx, ctx, "my/withdraw", v, async () => {
      const done = await requestWithdrawal(trx, { organisationId: ctx.organisation.id, actorUserId: ctx.user.id, memberId, classId: v.classId, shares: v.shares, leaving: v.leaving, on: today, money: ctx.organisation });
      return done.ok ? { ok: true as const } : done;
    }),
  );
  if (!r.ok) return replyRefusal(submission, r);
  return redirect("/my?notice=1");
}

export default function Withdraw() {
  const { linked, classes, submissionKey, suspensions } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useHoldingForm(WithdrawForm, lastResult, classes);
  return (
    <HoldingFormPage title="Withdraw shares" linked={linked} nothingToDo={classes.length === 0 ? "You hold no withdrawable shares." : null}>
      <p>Give notice here. Withdrawals are paid in order of notice once the notice period has run, unless the board has suspended them.</p>
      <SuspensionNotice suspensions={suspensions} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <SubmissionKey value={submissionKey} />
        <SelectField meta={fields.classId} label="Share class" options={classes} />
        <Field meta={fields.shares} label="Number of shares to withdraw" type="number" inputMode="numeric" />
        <CheckField meta={fields.leaving} label="I am leaving the society (withdraw all my shares; membership ends when paid)" />
        <button type="submit">Give notice of withdrawal</button>
      </Form>
    </HoldingFormPage>
  );
}
