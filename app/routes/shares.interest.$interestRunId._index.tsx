import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { SubmissionKey } from "~/components/forms";
import { ConfirmButton } from "~/components/confirm";
import { Flash, PageHead, StatusBadge, TableWrap } from "~/components/ui";
import { newSubmissionKey } from "~/models/core/form-submissions.server";
import { displayMoney } from "~/domain/money";
import { approveInterestRun, getInterestRun } from "~/models/shares/interest-runs.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { notFoundResponse } from "~/web/refusals.server";
import { DateText, useDateWords } from "~/components/dates";

export const access: RouteAccess = { loader: "shares:read", action: "shares:govern" };
export const meta: MetaFunction = () => [{ title: "Interest run · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const found = await getInterestRun(await getDb(), ctx.organisation.id, idParam(params, "interestRunId"));
  if (!found) throw notFoundResponse();
  const cur = ctx.organisation;
  const { run, lines } = found;
  return {
    run: { id: run.id, className: run.class_name, from: run.period_from, to: run.period_to, rate: (run.rate_bp / 100).toFixed(2), payAs: run.pay_as, status: run.status, total: displayMoney(BigInt(run.total_interest), cur), method: run.method, postedOn: run.posted_on },
    lines: lines.map((l) => ({ id: l.member_id, name: l.name, number: l.member_number, average: displayMoney(BigInt(l.average_balance), cur), interest: displayMoney(BigInt(l.interest), cur), shares: l.shares_credited, cash: displayMoney(BigInt(l.cash), cur), explain: l.explain })),
    canGovern: ctx.permissions.has("shares:govern"),
    canWrite: ctx.permissions.has("shares:write"),
    today: clock.today(ctx.organisation),
    submissionKey: newSubmissionKey(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:govern");
  const db = await getDb();
  const r = await moneyTransaction(db, (trx) => approveInterestRun(trx, ctx.user.id, ctx.organisation.id, idParam(params, "interestRunId")));
  if (!r) throw notFoundResponse();
  return r.ok ? { message: "Approved. The secretary can now post it.", error: null } : { message: null, error: r.reason };
}

export default function InterestRun() {
  const { run, lines, canGovern, canWrite, today, submissionKey } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const dates = useDateWords();
  return (
    <>
      <PageHead title={`Interest on ${run.className}, ${dates.long(run.from)} to ${dates.long(run.to)}`} />
      <Flash message={data?.message} />
      <Flash message={data?.error} tone="error" />
      <section className="card">
        <p><StatusBadge status={run.status} />{run.postedOn ? <> on <DateText iso={run.postedOn} long /></> : ""} · {run.rate}% · paid as {run.payAs} · total {run.total}</p>
        <p className="muted">{run.method}</p>
        {run.status === "preview" && canGovern ? <Form method="post"><button type="submit">Approve this interest run</button></Form> : null}
        {run.status === "preview" && !canGovern ? <p>Waiting for the board&apos;s approval.</p> : null}
        {run.status === "approved" && canWrite ? (
          <Form method="post" action={`/shares/interest/${run.id}/post`} className="toolbar">
            <label htmlFor="on">Post on</label>
            <input id="on" name="on" type="date" defaultValue={today} />
            <SubmissionKey value={submissionKey} />
            <ConfirmButton className="" question={`Post this interest run (${run.rate}%, ${run.total} paid as ${run.payAs})? This cannot be undone: every member's interest is recorded in the ledger.`} yes="Yes, post the interest">Post interest</ConfirmButton>
          </Form>
        ) : null}
      </section>
      <TableWrap label="Interest by member">
        <table>
          <thead><tr><th scope="col" className="num">No.</th><th scope="col">Member</th><th scope="col" className="num">Average holding</th><th scope="col" className="num">Interest</th><th scope="col" className="num">As shares</th><th scope="col" className="num">Cash</th><th scope="col" className="hide-narrow">How</th></tr></thead>
          <tbody>
            {lines.length === 0 ? <tr><td colSpan={7}>No member earned interest in this period.</td></tr> : lines.map((l) => (
              <tr key={l.id}><td className="num">{l.number}</td><td>{l.name}</td><td className="num">{l.average}</td><td className="num">{l.interest}</td><td className="num">{l.shares}</td><td className="num">{l.cash}</td><td className="hide-narrow muted">{l.explain}</td></tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
