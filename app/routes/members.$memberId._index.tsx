import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors, SelectField, TextAreaField } from "~/components/forms";
import { PageHead, StatusBadge, TableWrap } from "~/components/ui";
import { listAuditEvents } from "~/models/core/audit.server";
import { changeMemberStatus, getMember, memberStatusHistory } from "~/models/shares/members.server";
import { MEMBER_STATUSES, MemberStatusSchema } from "~/schemas/member";
import { memberPaymentReference } from "~/domain/treasury/payments-in";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { notFoundResponse } from "~/web/refusals.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "register:read", action: "register:write" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.member.name ?? "Member"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "register:read");
  const db = await getDb();
  const memberId = idParam(params, "memberId");
  const member = await getMember(db, ctx.organisation.id, memberId);
  if (!member) throw notFoundResponse();
  const [history, audit] = await Promise.all([
    memberStatusHistory(db, ctx.organisation.id, memberId),
    ctx.permissions.has("audit:read") || ctx.permissions.has("register:write") ? listAuditEvents(db, ctx.organisation.id, { entityId: memberId, limit: 20 }) : [],
  ]);
  return {
    member,
    history: history.map((h) => ({ ...h, id: String(h.id) })),
    audit: audit.map((a) => ({ seq: String(a.seq), at: a.at, action: a.action, actor: a.actor_name })),
    canWrite: ctx.permissions.has("register:write"),
    today: clock.today(ctx.organisation),
    locale: ctx.organisation.locale,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "register:write");
  const memberId = idParam(params, "memberId");
  const submission = parseForm(await readForm(request), { schema: MemberStatusSchema });
  if (submission.status !== "success") return submission.reply();
  const db = await getDb();
  const updated = await db.transaction().execute((trx) => changeMemberStatus(trx, ctx.user.id, ctx.organisation.id, memberId, submission.value));
  if (!updated) throw notFoundResponse();
  return submission.reply({ resetForm: true });
}

const STATUS_OPTIONS = MEMBER_STATUSES.map((s) => [s, s[0].toUpperCase() + s.slice(1)] as const);

export default function MemberPage() {
  const { member, history, audit, canWrite, today, locale } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { status: member.status, effectiveOn: today },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MemberStatusSchema }),
  });
  return (
    <>
      <PageHead title={member.name}>{canWrite ? <Link className="button secondary" to="edit">Edit details</Link> : null}</PageHead>
      <section className="card">
        <dl className="facts">
          <dt>Member number</dt><dd>{member.member_number}</dd>
          <dt>Payment reference</dt><dd>{memberPaymentReference(member.member_number)} <span className="muted">(given with bank transfers for shares)</span></dd>
          <dt>Kind</dt><dd>{member.kind}</dd>
          <dt>Status</dt><dd><StatusBadge status={member.status} /></dd>
          <dt>Email</dt><dd>{member.email ?? "—"}</dd>
          <dt>Phone</dt><dd>{member.phone ?? "—"}</dd>
          <dt>Address</dt><dd>{member.address || "—"}</dd>
          <dt>Postcode</dt><dd>{member.postcode} {member.is_local ? "(in the local area)" : "(outside the local area)"}</dd>
          <dt>Applied</dt><dd><DateText iso={member.applied_on} long /></dd>
          <dt>Admitted</dt><dd>{member.admitted_on ? <DateText iso={member.admitted_on} long /> : "—"}</dd>
          <dt>Ceased</dt><dd>{member.ceased_on ? <DateText iso={member.ceased_on} long /> : "—"}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>Status history</h2>
        <TableWrap label="Status history">
          <table>
            <thead><tr><th scope="col">From</th><th scope="col">Status</th><th scope="col">Note</th><th scope="col" className="hide-narrow">Recorded by</th></tr></thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}><td><DateText iso={h.effective_on} /></td><td><StatusBadge status={h.status} /></td><td>{h.note}</td><td className="hide-narrow">{h.recorded_by_name ?? "—"}</td></tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {canWrite ? (
          <>
            <h3>Change status</h3>
            <FormErrors errors={form.errors} />
            <Form method="post" className="stack" {...getFormProps(form)}>
              <SelectField meta={fields.status} label="New status" options={STATUS_OPTIONS} />
              <Field meta={fields.effectiveOn} label="With effect from" type="date" />
              <TextAreaField meta={fields.note} label="Note" hint="For example the board minute that decided it." />
              <button type="submit">Record status</button>
            </Form>
          </>
        ) : null}
      </section>
      {audit.length ? (
        <section className="card">
          <h2>Changes</h2>
          <ul>
            {audit.map((a) => <li key={a.seq}>{new Date(a.at).toLocaleString(locale)} — {a.action} by {a.actor ?? "system"}</li>)}
          </ul>
        </section>
      ) : null}
    </>
  );
}
