import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { FormErrors } from "~/components/forms";
import { Flash, PageHead, Pagination, TableWrap } from "~/components/ui";
import { displayMoney, formatMinor, parseMoney } from "~/domain/money";
import { targetLabel } from "~/domain/treasury/matching";
import { confirmMatch, confirmSureMatches, confirmWholeLine, matchedLines, matchingQueue, parseTargetValue, targetByReference, targetValue, undoMatch, type AllocationInput } from "~/models/treasury/matching.server";
import { getBankAccount } from "~/models/treasury/statements.server";
import { ConfirmSuggestionSchema, ConfirmSureSchema, ManualMatchSchema, UndoMatchSchema } from "~/schemas/treasury";
import type { RouteAccess } from "~/utils/access";
import * as clock from "~/utils/clock.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { idParam } from "~/web/params.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";
import { requirePermission } from "~/web/session.server";
import { DateText, useDateWords } from "~/components/dates";

/*
 * The matching queue of one bank account (docs/treasury.md): money in not
 * yet matched, oldest first. Sure matches are ticked for "Confirm N
 * selected"; the rest show their suggestions, a field for a member or loan
 * reference, and room to split the payment. Below, the payments matched
 * lately, each with its undo.
 */

export const access: RouteAccess = { loader: "treasury:read", action: "treasury:manage" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Match payments · ${data?.account.name ?? "Bank account"} · Co-op Register` }];

const PAGE_SIZE = 50;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "treasury:read");
  const id = idParam(params, "bankAccountId");
  const db = await getDb();
  const account = await getBankAccount(db, ctx.organisation.id, id);
  if (!account) throw notFoundResponse("There is no such bank account.");
  const url = new URL(request.url);
  const page = Math.max(1, Math.min(100_000, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const queue = await matchingQueue(db, ctx.organisation.id, id, { page, pageSize: PAGE_SIZE, locale: ctx.organisation.locale });
  const matched = await matchedLines(db, ctx.organisation.id, id, 30);
  const money = (v: bigint) => displayMoney(v, { currency: account.currency, locale: ctx.organisation.locale });
  const lines = queue.lines.map((l) => ({
    id: String(l.id), on: l.bookedOn, amount: money(l.amountMinor), amountPlain: formatMinor(l.amountMinor), payer: l.payerName ?? "", reference: l.reference ?? "", description: l.description,
    proposals: l.proposals.map((p) => ({ certainty: p.certainty, label: targetLabel(p.target), value: targetValue(p.target), reason: p.reason })),
  }));
  return {
    account: { id: account.id, name: account.name },
    page,
    total: queue.total,
    hasNext: page * PAGE_SIZE < queue.total,
    sure: lines.filter((l) => l.proposals[0]?.certainty === "sure"),
    others: lines.filter((l) => l.proposals[0]?.certainty !== "sure"),
    matched: matched.map((m) => ({
      lineId: String(m.line.id), on: m.line.bookedOn, amount: money(m.line.amountMinor), payer: m.line.payerName ?? "", reference: m.line.reference ?? "",
      parts: m.parts.map((p) => ({ ...p, amountMinor: undefined, amount: money(p.amountMinor) })), how: m.how, by: m.by ?? "", at: clock.dayOf(m.at, ctx.organisation),
    })),
    canManage: ctx.permissions.has("treasury:manage"),
  };
}

type ActionData =
  | { kind: "bulk"; confirmed: number; refusals: string[]; result?: SubmissionResult<string[]> }
  | { kind: "line"; lineId: string; form: "confirm" | "manual" | "undo"; result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "treasury:manage");
  const id = idParam(params, "bankAccountId");
  const form = await readForm(request);
  const db = await getDb();
  const today = clock.today(ctx.organisation);
  const who = { organisationId: ctx.organisation.id, actorUserId: ctx.user.id, locale: ctx.organisation.locale };
  const back = (flash: string) => redirect(`/treasury/accounts/${id}/match?done=${encodeURIComponent(flash)}`);
  const intent = form.get("intent");
  if (intent === "confirm-sure") {
    const submission = parseForm(form, { schema: ConfirmSureSchema });
    if (submission.status !== "success") return { kind: "bulk", confirmed: 0, refusals: [], result: submission.reply() } satisfies ActionData;
    const out = await confirmSureMatches(db, { ...who, bankAccountId: id, lineIds: submission.value.lineId.map((v) => BigInt(v)), today });
    const done = `${out.confirmed} payment${out.confirmed === 1 ? "" : "s"} confirmed${out.already ? ` (${out.already} already were)` : ""}.`;
    if (out.refusals.length) return { kind: "bulk", confirmed: out.confirmed, refusals: [done, ...out.refusals.map((r) => r.reason)] } satisfies ActionData;
    return back(done);
  }
  const lineIdOf = () => String(form.get("lineId") ?? "");
  if (intent === "confirm") {
    const submission = parseForm(form, { schema: ConfirmSuggestionSchema });
    if (submission.status !== "success") return { kind: "line", lineId: lineIdOf(), form: "confirm", result: submission.reply() } satisfies ActionData;
    const target = parseTargetValue(submission.value.target)!;
    try {
      await moneyTransaction(db, (trx) => confirmWholeLine(trx, { ...who, lineId: BigInt(submission.value.lineId), bankAccountId: id, target, how: "suggested", today }));
    } catch (error) {
      return { kind: "line", lineId: submission.value.lineId, form: "confirm", result: replyRefusal(submission, error, "form") } satisfies ActionData;
    }
    return back("Payment matched.");
  }
  if (intent === "manual") {
    const submission = parseForm(form, { schema: ManualMatchSchema });
    if (submission.status !== "success") return { kind: "line", lineId: lineIdOf(), form: "manual", result: submission.reply() } satisfies ActionData;
    const v = submission.value;
    const allocations: AllocationInput[] = [];
    const fieldErrors: Record<string, string[]> = {};
    for (const [i, part] of v.parts.entries()) {
      const target = await targetByReference(db, ctx.organisation.id, part.reference);
      if (!target) fieldErrors[`parts[${i}].reference`] = [`No member or loan has the reference "${part.reference}": write it like M00045 or L00007`];
      else allocations.push({ target, amountMinor: parseMoney(part.amount) });
    }
    if (Object.keys(fieldErrors).length) return { kind: "line", lineId: v.lineId, form: "manual", result: submission.reply({ fieldErrors }) } satisfies ActionData;
    try {
      await moneyTransaction(db, (trx) => confirmMatch(trx, { ...who, lineId: BigInt(v.lineId), bankAccountId: id, allocations, how: allocations.length > 1 ? "split" : "manual", today }));
    } catch (error) {
      return { kind: "line", lineId: v.lineId, form: "manual", result: replyRefusal(submission, error, "form") } satisfies ActionData;
    }
    return back(allocations.length > 1 ? `Payment split ${allocations.length} ways and matched.` : "Payment matched.");
  }
  const submission = parseForm(form, { schema: UndoMatchSchema });
  if (submission.status !== "success") return { kind: "line", lineId: lineIdOf(), form: "undo", result: submission.reply() } satisfies ActionData;
  try {
    await moneyTransaction(db, (trx) => undoMatch(trx, { ...who, lineId: BigInt(submission.value.lineId), bankAccountId: id, reason: submission.value.reason, today }));
  } catch (error) {
    return { kind: "line", lineId: submission.value.lineId, form: "undo", result: replyRefusal(submission, error, "form") } satisfies ActionData;
  }
  return back("Match undone: its postings are reversed and the payment is back in the queue.");
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Line = Loaded["sure"][number];

export default function MatchPayments() {
  const { account, sure, others, matched, total, page, hasNext, canManage } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const lineResult = (lineId: string, form: "confirm" | "manual" | "undo") => (data?.kind === "line" && data.lineId === lineId && data.form === form ? data.result : undefined);
  return (
    <>
      <PageHead title={`Match payments: ${account.name}`}>
        <Link to={`/treasury/accounts/${account.id}`}>Statement lines and imports</Link>
      </PageHead>
      <Flash message={search.get("done")} />
      {data?.kind === "bulk" && data.refusals.length ? (
        <section className="card" role="alert">
          <h2>Some payments were not confirmed</h2>
          <ul>{data.refusals.map((r, i) => <li key={i}>{r}</li>)}</ul>
        </section>
      ) : null}
      <p>{`${total} payment${total === 1 ? "" : "s"} in to match.`} Confirming records each one on the ledgers as the manual forms do: shares bought by bank transfer, or a loan repayment by bank. A wrong match is undone by reversing what it recorded.</p>
      <SureSection lines={sure} canManage={canManage} result={data?.kind === "bulk" ? data.result : undefined} />
      <section className="stack" aria-labelledby="others-heading">
        <h2 id="others-heading">{`To look at (${others.length})`}</h2>
        {others.length ? others.map((l) => <OtherLine key={l.id} line={l} canManage={canManage} confirmResult={lineResult(l.id, "confirm")} manualResult={lineResult(l.id, "manual")} />) : <p>Nothing waiting here.</p>}
      </section>
      <Pagination page={page} hasNext={hasNext} search={search} />
      <section className="stack" aria-labelledby="matched-heading">
        <h2 id="matched-heading">Matched lately</h2>
        {matched.length ? (
          <TableWrap label="Payments matched lately, newest first">
            <table>
              <thead><tr><th scope="col">Date</th><th scope="col">Payer</th><th scope="col">Reference</th><th scope="col" className="num">Amount</th><th scope="col">Paid</th><th scope="col">Confirmed</th>{canManage ? <th scope="col">Undo</th> : null}</tr></thead>
              <tbody>
                {matched.map((m) => (
                  <tr key={m.lineId}>
                    <td><DateText iso={m.on} /></td><td>{m.payer}</td><td>{m.reference}</td><td className="num">{m.amount}</td>
                    <td>{m.parts.map((p, i) => <div key={i}><Link to={p.href}>{p.label}</Link>{m.parts.length > 1 ? ` ${p.amount}` : ""}</div>)}</td>
                    <td><DateText iso={m.at} />{m.by ? `, ${m.by}` : ""}</td>
                    {canManage ? <td><UndoForm lineId={m.lineId} result={lineResult(m.lineId, "undo")} /></td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : <p>Nothing matched yet.</p>}
      </section>
    </>
  );
}

function SureSection({ lines, canManage, result }: { lines: Line[]; canManage: boolean; result?: SubmissionResult<string[]> }) {
  const [ticked, setTicked] = useState<Set<string>>(() => new Set(lines.map((l) => l.id)));
  const dates = useDateWords();
  const busy = useNavigation().state === "submitting";
  const key = lines.map((l) => l.id).join(",");
  const [seen, setSeen] = useState(key);
  if (seen !== key) {
    // A new page of lines: all its sure matches start ticked.
    setSeen(key);
    setTicked(new Set(lines.map((l) => l.id)));
  }
  const toggle = (id: string, on: boolean) => setTicked((t) => { const n = new Set(t); if (on) n.add(id); else n.delete(id); return n; });
  const errors = result?.error ? Object.values(result.error).flat().filter((e): e is string => typeof e === "string") : undefined;
  return (
    <section className="stack" aria-labelledby="sure-heading">
      <h2 id="sure-heading">{`Sure matches (${lines.length})`}</h2>
      {lines.length ? (
        // Not form.stack: that is narrowed for a column of fields, and this form is a wide table.
        <Form method="post">
          <input type="hidden" name="intent" value="confirm-sure" />
          <FormErrors errors={errors} />
          <TableWrap label="Sure matches: tick the ones to confirm">
            <table>
              <thead><tr>{canManage ? <th scope="col">Confirm</th> : null}<th scope="col">Payment</th><th scope="col" className="num">Amount</th><th scope="col">Pays, and why</th></tr></thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={l.id}>
                    {canManage ? (
                      <td>
                        <input type="checkbox" name="lineId" value={l.id} id={`sure-${l.id}`} checked={ticked.has(l.id)} onChange={(e) => toggle(l.id, e.currentTarget.checked)} aria-label={`Confirm ${l.amount} from ${l.payer || "the payer"} on ${dates.long(l.on)} as ${l.proposals[0].label}`} />
                      </td>
                    ) : null}
                    {/* Few columns, each saying more: the table reads on a phone without much sideways scrolling. */}
                    <td><DateText iso={l.on} /><br />{l.payer}<br /><span className="muted">{l.reference || l.description}</span></td>
                    <td className="num">{l.amount}</td>
                    <td><strong>{l.proposals[0].label}</strong><br /><span className="muted">{l.proposals[0].reason}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {canManage ? <p><button type="submit" disabled={busy || ticked.size === 0}>{busy ? "Confirming…" : `Confirm ${ticked.size} selected`}</button></p> : null}
        </Form>
      ) : <p>No sure matches on this page.</p>}
    </section>
  );
}

function OtherLine({ line, canManage, confirmResult, manualResult }: { line: Line; canManage: boolean; confirmResult?: SubmissionResult<string[]>; manualResult?: SubmissionResult<string[]> }) {
  const confirmErrors = confirmResult?.error ? Object.values(confirmResult.error).flat().filter((e): e is string => typeof e === "string") : undefined;
  return (
    <article className="card stack" aria-labelledby={`line-${line.id}`}>
      <h3 id={`line-${line.id}`}><DateText iso={line.on} long />{` · ${line.amount}${line.payer ? ` from ${line.payer}` : ""}`}</h3>
      <p>{[line.reference ? `Reference: ${line.reference}` : "No reference", line.description].filter(Boolean).join(" · ")}</p>
      <FormErrors errors={confirmErrors} />
      {line.proposals.length ? (
        <ul className="stack">
          {line.proposals.map((p) => (
            <li key={p.value}>
              <strong>{p.label}</strong>: {p.reason}.
              {canManage ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="confirm" />
                  <input type="hidden" name="lineId" value={line.id} />
                  <input type="hidden" name="target" value={p.value} />
                  <button type="submit" className="secondary">{`Match to ${p.label}`}</button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : <p>No suggestion: nothing quoted matches a member or loan, and no name or installment agrees.</p>}
      {canManage ? <ManualForm line={line} result={manualResult} /> : null}
    </article>
  );
}

function ManualForm({ line, result }: { line: Line; result?: SubmissionResult<string[]> }) {
  const [form] = useForm({
    id: `manual-${line.id}`,
    lastResult: result as never,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ManualMatchSchema }),
  });
  // Four rows always (the split has room for four), named as Conform names a list, whatever the last reply held.
  const row = (i: number) => {
    const ref = `${form.id}-parts-${i}-reference`;
    const amount = `${form.id}-parts-${i}-amount`;
    const refErrors = form.allErrors[`parts[${i}].reference`];
    const amountErrors = form.allErrors[`parts[${i}].amount`];
    return (
      <div className="grid" key={i}>
        <div className="field">
          <label htmlFor={ref}>{i === 0 ? "Member or loan reference" : `Reference ${i + 1}`}</label>
          <input id={ref} name={`parts[${i}].reference`} placeholder="M00045 or L00007" autoComplete="off" aria-invalid={refErrors?.length ? true : undefined} aria-describedby={refErrors?.length ? `${ref}-error` : undefined} />
          {refErrors?.length ? <p className="error" id={`${ref}-error`} role="alert">{refErrors.join(". ")}</p> : null}
        </div>
        <div className="field">
          <label htmlFor={amount}>{i === 0 ? "Amount" : `Amount ${i + 1}`}</label>
          <input id={amount} name={`parts[${i}].amount`} inputMode="decimal" defaultValue={i === 0 ? line.amountPlain : ""} aria-invalid={amountErrors?.length ? true : undefined} aria-describedby={amountErrors?.length ? `${amount}-error` : undefined} />
          {amountErrors?.length ? <p className="error" id={`${amount}-error`} role="alert">{amountErrors.join(". ")}</p> : null}
        </div>
      </div>
    );
  };
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="manual" />
      <input type="hidden" name="lineId" value={line.id} />
      {row(0)}
      <details>
        <summary>Split it across several members or loans</summary>
        <p className="muted">{`The amounts must add up to ${line.amount}.`}</p>
        {row(1)}
        {row(2)}
        {row(3)}
      </details>
      <button type="submit">Match</button>
    </Form>
  );
}

function UndoForm({ lineId, result }: { lineId: string; result?: SubmissionResult<string[]> }) {
  const [form, fields] = useForm({ id: `undo-${lineId}`, lastResult: result as never, defaultValue: { intent: "undo", lineId }, shouldValidate: "onBlur", onValidate: ({ formData }) => parseWithZod(formData, { schema: UndoMatchSchema }) });
  const reason = getInputProps(fields.reason, { type: "text", ariaAttributes: true });
  return (
    <Form method="post" className="stack" {...getFormProps(form)}>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="undo" />
      <input type="hidden" name="lineId" value={lineId} />
      <div className="field">
        <label htmlFor={fields.reason.id}>Why undo</label>
        <input {...reason} key={reason.key} />
        {fields.reason.errors?.length ? <p className="error" id={fields.reason.errorId} role="alert">{fields.reason.errors.join(". ")}</p> : null}
      </div>
      <button type="submit" className="secondary">Undo match</button>
    </Form>
  );
}
