import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Field, FormErrors, SelectField, SubmissionKey } from "~/components/forms";
import { ConfirmButton } from "~/components/confirm";
import { Flash, PageHead, StatusBadge, TableWrap } from "~/components/ui";
import { listShareClasses, memberByNumber } from "~/models/shares/share-classes-and-holdings.server";
import { listTransfers, requestTransfer } from "~/models/shares/transfers.server";
import { TransferSchema } from "~/schemas/shares";
import { keyed } from "~/schemas/common";
import { newSubmissionKey, once } from "~/models/core/form-submissions.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "shares:read", action: "shares:write" };
export const meta: MetaFunction = () => [{ title: "Share transfers · Co-op Register" }];
/** With the page's one-time key: a double click records the transfer once. */
const TransferForm = keyed(TransferSchema);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const db = await getDb();
  const [transfers, classes] = await Promise.all([listTransfers(db, ctx.organisation.id), listShareClasses(db, ctx.organisation.id)]);
  return {
    transfers: transfers.map((t) => ({ id: t.id, shares: t.shares, requestedOn: t.requested_on, status: t.status, decidedOn: t.decided_on, note: t.note, className: t.class_name, from: `${t.from_name} (#${t.from_number})`, to: `${t.to_name} (#${t.to_number})` })),
    classes: classes.filter((c) => c.transferable).map((c) => [c.id, c.name] as const),
    canWrite: ctx.permissions.has("shares:write"),
    canGovern: ctx.permissions.has("shares:govern"),
    today: clock.today(ctx.organisation),
    submissionKey: newSubmissionKey(),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const submission = parseForm(await readForm(request), { schema: TransferForm });
  if (submission.status !== "success") return { result: submission.reply(), message: null };
  const v = submission.value;
  const db = await getDb();
  const today = clock.today(ctx.organisation);
  const r = await moneyTransaction(db, (trx) =>
    once(trx, ctx, "shares/transfers", v, async () => {
      const [from, to] = await Promise.all([memberByNumber(trx, ctx.organisation.id, v.fromMemberNumber), memberByNumber(trx, ctx.organisation.id, v.toMemberNumber)]);
      if (!from) return { ok: false as const, field: "fromMemberNumber", reason: `No member has number ${v.fromMemberNumber}` };
      if (!to) return { ok: false as const, field: "toMemberNumber", reason: `No member has number ${v.toMemberNumber}` };
      return requestTransfer(trx, ctx.user.id, ctx.organisation.id, { classId: v.classId, fromMemberId: from.id, toMemberId: to.id, shares: v.shares, on: today });
    }),
  );
  if (!r.ok) return { result: submission.reply({ fieldErrors: { [r.field === "fromMemberId" ? "fromMemberNumber" : r.field]: [r.reason] } }), message: null };
  return { result: submission.reply({ resetForm: true }), message: "Transfer recorded; it takes effect when the board approves it." };
}

export default function Transfers() {
  const d = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [search] = useSearchParams();
  const [form, fields] = useForm({ lastResult: data?.result, defaultValue: { classId: d.classes[0]?.[0] }, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: ({ formData }) => parseWithZod(formData, { schema: TransferForm }) });
  return (
    <>
      <PageHead title="Share transfers" />
      <Flash message={data?.message} />
      <Flash tone="error" message={search.get("error")} />
      <TableWrap label="Share transfers">
        <table>
          <thead><tr><th scope="col">Asked</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Class</th><th scope="col" className="num">Shares</th><th scope="col">Status</th></tr></thead>
          <tbody>
            {d.transfers.length === 0 ? <tr><td colSpan={6}>No transfers.</td></tr> : d.transfers.map((t) => (
              <tr key={t.id}>
                <td><DateText iso={t.requestedOn} /></td><td>{t.from}</td><td>{t.to}</td><td>{t.className}</td><td className="num">{t.shares}</td>
                <td>
                  <StatusBadge status={t.status} />{t.decidedOn ? <> <DateText iso={t.decidedOn} /></> : ""}{t.note ? <div className="muted">{t.note}</div> : null}
                  {t.status === "pending" && d.canGovern ? (
                    <Form method="post" action="/shares/transfers/decide" className="toolbar">
                      <input type="hidden" name="transferId" value={t.id} />
                      <SubmissionKey value={d.submissionKey} />
                      <input type="hidden" name="on" value={d.today} />
                      <label htmlFor={`note-${t.id}`}>Board minute (the reason, needed to reject: both members are told it)</label>
                      <input id={`note-${t.id}`} name="note" />
                      <button type="submit" name="decision" value="approve">Approve</button>
                      <ConfirmButton className="secondary" name="decision" value="reject" question={`Reject the transfer of ${t.shares} ${t.className} shares from ${t.from} to ${t.to}? This cannot be undone; both members are told the reason you gave.`} yes="Yes, reject the transfer">
                        Reject
                      </ConfirmButton>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {d.canWrite ? (
        <section className="card">
          <h2>Record a transfer for board approval</h2>
          {d.classes.length === 0 ? <p>No share class allows transfers.</p> : (
            <Form method="post" className="stack" {...getFormProps(form)}>
              <FormErrors errors={form.errors} />
              <SubmissionKey value={d.submissionKey} />
              <SelectField meta={fields.classId} label="Share class" options={d.classes} />
              <Field meta={fields.fromMemberNumber} label="From member number" type="number" inputMode="numeric" />
              <Field meta={fields.toMemberNumber} label="To member number" type="number" inputMode="numeric" />
              <Field meta={fields.shares} label="Number of shares" type="number" inputMode="numeric" />
              <button type="submit">Record transfer</button>
            </Form>
          )}
        </section>
      ) : null}
    </>
  );
}
