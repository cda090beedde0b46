import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { SubmissionKey } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { payDueWithdrawals, withdrawalQueue } from "~/models/shares/withdrawals.server";
import { PayWithdrawalsSchema } from "~/schemas/shares";
import { keyed, SUBMISSION_KEY_MISSING } from "~/schemas/common";
import { newSubmissionKey, once } from "~/models/core/form-submissions.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "shares:read", action: "shares:write" };
export const meta: MetaFunction = () => [{ title: "Withdrawals · Co-op Register" }];
/** With the page's one-time key: a double click pays once and shows the first answer. */
const PayForm = keyed(PayWithdrawalsSchema);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const today = clock.today(ctx.organisation);
  const q = await withdrawalQueue(await getDb(), ctx.organisation.id, today, undefined, ctx.organisation.locale);
  const cur = ctx.organisation;
  const row = (w: (typeof q.payable)[number]) => ({ id: w.id, memberId: w.member_id, name: w.member_name, number: w.member_number, className: w.class_name, shares: w.shares, amount: displayMoney(BigInt(w.amount), cur), leaving: w.leaving, requestedOn: w.requested_on, dueOn: w.due_on, waiting: w.waiting });
  return {
    today,
    submissionKey: newSubmissionKey(),
    payable: q.payable.map(row),
    waiting: q.waiting.map(row),
    dueTotal: displayMoney(q.payable.reduce((t, w) => t + BigInt(w.amount), 0n), cur),
    suspensions: q.suspensions.filter((s) => s.until_on === null || s.until_on >= today).map((s) => ({ id: s.id, className: s.class_name ?? "All share classes", from: s.from_on, until: s.until_on, reason: s.reason })),
    canWrite: ctx.permissions.has("shares:write"),
    canGovern: ctx.permissions.has("shares:govern"),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const submission = parseForm(await readForm(request), { schema: PayForm });
  if (submission.status !== "success") return { message: null, error: submission.error?.[""] ? SUBMISSION_KEY_MISSING : "Enter the payment date" };
  const v = submission.value;
  const db = await getDb();
  const paid = await moneyTransaction(db, (trx) =>
    once(trx, ctx, "shares/withdrawals/pay", v, async () => (await payDueWithdrawals(trx, ctx.user.id, ctx.organisation.id, v.paidOn, ctx.organisation)).length),
  );
  return { message: paid ? `Paid ${paid} withdrawal${paid === 1 ? "" : "s"} in order of notice.` : "Nothing was due for payment.", error: null };
}

function Rows({ rows }: { rows: ReturnType<typeof useLoaderData<typeof loader>>["payable"] }) {
  return (
    <tbody>
      {rows.length === 0 ? <tr><td colSpan={6}>None.</td></tr> : rows.map((w) => (
        <tr key={w.id}>
          <td><DateText iso={w.requestedOn} /></td>
          <td><Link to={`/shares/members/${w.memberId}`}>{w.name}</Link> <span className="muted">#{w.number}</span>{w.leaving ? " (leaving)" : ""}</td>
          <td>{w.className}</td><td className="num">{w.shares}</td><td className="num">{w.amount}</td>
          <td><DateText iso={w.dueOn} />{w.waiting ? <div className="muted">{w.waiting}</div> : null}</td>
        </tr>
      ))}
    </tbody>
  );
}

export default function Withdrawals() {
  const d = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const head = <thead><tr><th scope="col">Notice given</th><th scope="col">Member</th><th scope="col">Class</th><th scope="col" className="num">Shares</th><th scope="col" className="num">Amount</th><th scope="col">Due</th></tr></thead>;
  return (
    <>
      <PageHead title="Withdrawals">{d.canGovern ? <Link className="button secondary" to="/shares/suspensions">Suspend or resume withdrawals</Link> : null}</PageHead>
      <Flash message={data?.message} />
      <Flash message={data?.error} tone="error" />
      {d.suspensions.map((s) => (
        <div key={s.id} className="alert info" role="status">Withdrawals of {s.className} suspended by the board from <DateText iso={s.from} long />{s.until ? <> until <DateText iso={s.until} long /></> : ""}: {s.reason}</div>
      ))}
      <section className="card">
        <h2>Due for payment ({d.dueTotal})</h2>
        <TableWrap label="Withdrawals due for payment"><table>{head}<Rows rows={d.payable} /></table></TableWrap>
        {d.canWrite && d.payable.length ? (
          <Form method="post" className="toolbar">
            <label htmlFor="paidOn">Payment date</label>
            <input id="paidOn" name="paidOn" type="date" defaultValue={d.today} max={d.today} />
            <SubmissionKey value={d.submissionKey} />
            <button type="submit">Pay due withdrawals in order of notice</button>
          </Form>
        ) : null}
      </section>
      <section className="card">
        <h2>Waiting</h2>
        <TableWrap label="Withdrawals waiting"><table>{head}<Rows rows={d.waiting} /></table></TableWrap>
      </section>
    </>
  );
}
