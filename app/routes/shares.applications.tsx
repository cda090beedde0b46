import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { SubmissionKey } from "~/components/forms";
import { ConfirmButton } from "~/components/confirm";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { admitApplication, declineApplication, listShareApplications } from "~/models/shares/share-applications.server";
import { DecisionSchema } from "~/schemas/shares";
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
export const meta: MetaFunction = () => [{ title: "Applications to join · Co-op Register" }];
/** A decision with the page's one-time key: a double click admits once and shows the first answer. */
const DecisionForm = keyed(DecisionSchema);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const db = await getDb();
  const [pending, declined] = await Promise.all([listShareApplications(db, ctx.organisation.id, "pending"), listShareApplications(db, ctx.organisation.id, "declined")]);
  const cur = ctx.organisation;
  const view = (a: (typeof pending)[number]) => ({ id: a.id, name: a.name, kind: a.kind, email: a.email, postcode: a.postcode, number: a.member_number, className: a.class_name, shares: a.shares, amount: displayMoney(BigInt(a.shares) * BigInt(a.par_value), cur), appliedOn: a.applied_on, decidedOn: a.decided_on, reason: a.decline_reason });
  return { pending: pending.map(view), declined: declined.slice(-20).map(view), canWrite: ctx.permissions.has("shares:write"), today: clock.today(ctx.organisation), joinPath: `/join/${ctx.organisation.slug}`, submissionKey: newSubmissionKey() };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "shares:write");
  const submission = parseForm(await readForm(request), { schema: DecisionForm });
  if (submission.status !== "success") return { result: submission.reply(), message: null, error: Object.values(submission.error ?? {}).flat().join(". ") };
  const v = submission.value;
  const db = await getDb();
  type Outcome = { ok: false; reason: string } | { ok: true; kind: "admitted"; memberNumber: number | null; certificateNumber: number | null } | { ok: true; kind: "declined" };
  const r = await moneyTransaction(db, (trx) =>
    once(trx, ctx, `shares/applications/${v.applicationId}/${v.decision}`, v, async (): Promise<Outcome> => {
      const done = v.decision === "admit"
        ? await admitApplication(trx, ctx.user.id, ctx.organisation.id, v.applicationId, v.on, ctx.organisation.name)
        : await declineApplication(trx, ctx.user.id, ctx.organisation.id, v.applicationId, v.on, v.reason, ctx.organisation.name);
      return done.ok && done.kind === "admitted" ? { ok: true, kind: "admitted", memberNumber: done.memberNumber ?? null, certificateNumber: done.certificateNumber } : done;
    }),
  );
  if (!r.ok) return { result: submission.reply(), message: null, error: r.reason };
  const message = r.kind === "admitted" ? `Admitted as member no. ${String(r.memberNumber)}; certificate no. ${String(r.certificateNumber)} issued.` : "Application declined; the applicant has been told why.";
  return { result: submission.reply({ resetForm: true }), message, error: null };
}

export default function Applications() {
  const { pending, declined, canWrite, today, joinPath, submissionKey } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <>
      <PageHead title="Applications to join" />
      <p>People apply at <a href={joinPath}>{joinPath}</a>.</p>
      <Flash message={data?.message} />
      <Flash message={data?.error} tone="error" />
      <TableWrap label="Pending applications">
        <table>
          <thead><tr><th scope="col">Applied</th><th scope="col">Applicant</th><th scope="col">Shares applied for</th><th scope="col">Decision</th></tr></thead>
          <tbody>
            {pending.length === 0 ? <tr><td colSpan={4}>No applications waiting.</td></tr> : pending.map((a) => (
              <tr key={a.id}>
                <td><DateText iso={a.appliedOn} /></td>
                <td>{a.name}{a.kind === "organisation" ? " (organisation)" : ""}<div className="muted">{a.email} · {a.postcode} · reserved no. {a.number}</div></td>
                <td>{a.shares} {a.className} ({a.amount})</td>
                <td>
                  {canWrite ? (
                    <div className="stack">
                      <Form method="post" className="toolbar">
                        <input type="hidden" name="decision" value="admit" />
                        <SubmissionKey value={submissionKey} />
                        <input type="hidden" name="applicationId" value={a.id} />
                        <label htmlFor={`on-${a.id}`}>Admit on</label>
                        <input id={`on-${a.id}`} name="on" type="date" defaultValue={today} />
                        <button type="submit">Admit {a.name}</button>
                      </Form>
                      <Form method="post" className="toolbar">
                        <input type="hidden" name="decision" value="decline" />
                        <SubmissionKey value={submissionKey} />
                        <input type="hidden" name="applicationId" value={a.id} />
                        <input type="hidden" name="on" value={today} />
                        <label htmlFor={`reason-${a.id}`}>Reason for declining</label>
                        <input id={`reason-${a.id}`} name="reason" required />
                        <ConfirmButton question={`Decline ${a.name}'s application for ${a.shares} ${a.className} (${a.amount})? This cannot be undone: they are told the reason and any payment is refunded.`} yes="Yes, decline the application">
                          Decline<span className="visually-hidden"> {a.name}</span>
                        </ConfirmButton>
                      </Form>
                    </div>
                  ) : "Waiting for the secretary"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {declined.length ? (
        <section className="card">
          <h2>Declined</h2>
          <ul>{declined.map((a) => <li key={a.id}>{a.decidedOn ? <DateText iso={a.decidedOn} /> : "—"}: {a.name} ({a.reason})</li>)}</ul>
        </section>
      ) : null}
    </>
  );
}
