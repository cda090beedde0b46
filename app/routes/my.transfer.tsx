import { getFormProps } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, SubmissionKey } from "~/components/forms";
import { HoldingFormPage, useHoldingForm } from "~/components/shares/holding-form";
import { requestTransferByMember } from "~/models/shares/transfers.server";
import { memberHoldings } from "~/models/shares/share-classes-and-holdings.server";
import { MemberTransferSchema } from "~/schemas/shares";
import { keyed } from "~/schemas/common";
import { newSubmissionKey, once } from "~/models/core/form-submissions.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { replyNotLinked } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "self:write", action: "self:write" };
export const meta: MetaFunction = () => [{ title: "Transfer shares · Co-op Register" }];
/** With the page's one-time key: a double click asks once. */
const TransferForm = keyed(MemberTransferSchema);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const holdings = ctx.memberId ? await memberHoldings(await getDb(), ctx.organisation.id, ctx.memberId) : [];
  return {
    linked: !!ctx.memberId,
    submissionKey: newSubmissionKey(),
    classes: holdings.filter((h) => h.transferable && BigInt(h.shares) > 0n).map((h) => [h.class_id, `${h.class_name}: ${String(h.shares)} held`] as const),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "self:write");
  const submission = parseForm(await readForm(request), { schema: TransferForm });
  if (submission.status !== "success") return submission.reply();
  if (!ctx.memberId) return replyNotLinked(submission);
  const memberId = ctx.memberId;
  const db = await getDb();
  const on = clock.today(ctx.organisation);
  const v = submission.value;
  const r = await moneyTransaction(db, (trx) =>
    once(trx, ctx, "my/transfer", v, async () => {
      const done = await requestTransferByMember(trx, ctx.user.id, ctx.organisation.id, memberId, { classId: v.classId, toMemberNumber: v.toMemberNumber, toName: v.toName, shares: v.shares, on });
      return done.ok ? { ok: true as const } : done;
    }),
  );
  if (!r.ok) {
    // Refusals about the giving member (their holding, their status) belong beside the number of shares on this form.
    const field = r.field === "toMemberNumber" || r.field === "classId" ? r.field : "shares";
    return submission.reply({ fieldErrors: { [field]: [r.reason] } });
  }
  return redirect("/my?transfer=1");
}

export default function TransferShares() {
  const { linked, classes, submissionKey } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useHoldingForm(TransferForm, lastResult, classes);
  return (
    <HoldingFormPage title="Transfer shares" linked={linked} nothingToDo={classes.length === 0 ? "You hold no shares of a class that allows transfers." : null}>
      <p>
        You can transfer shares to another member of the society. Name them by their member number and their name as it is on the register (both are on
        their share certificate). The transfer takes effect when the board approves it; you will see it on your membership page.
      </p>
      <Form method="post" className="stack" {...getFormProps(form)}>
        <FormErrors errors={form.errors} />
        <SubmissionKey value={submissionKey} />
        <SelectField meta={fields.classId} label="Share class" options={classes} />
        <Field meta={fields.shares} label="Number of shares to transfer" type="number" inputMode="numeric" />
        <Field meta={fields.toMemberNumber} label="Their member number" type="number" inputMode="numeric" />
        <Field meta={fields.toName} label="Their name, as on the register" autoComplete="off" />
        <button type="submit">Ask the board to approve the transfer</button>
      </Form>
    </HoldingFormPage>
  );
}
