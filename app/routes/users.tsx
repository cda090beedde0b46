import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CheckboxGroup, Field, FormErrors } from "~/components/forms";
import { Flash, PageHead } from "~/components/ui";
import { ROLE_LABELS, ROLES, type Role } from "~/domain/permissions";
import { changeUserRoles, inviteUser, listOrganisationUsers, pendingInvitations } from "~/models/core/users.server";
import { InviteSchema, RolesSchema } from "~/schemas/organisation";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { appUrl, requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "users:manage", action: "users:manage" };
export const meta: MetaFunction = () => [{ title: "People & roles · Co-op Register" }];

const ROLE_OPTIONS = ROLES.map((r) => [r, ROLE_LABELS[r]] as const);

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "users:manage");
  const db = await getDb();
  const [users, invitations] = await Promise.all([listOrganisationUsers(db, ctx.organisation.id), pendingInvitations(db, ctx.organisation.id)]);
  return { users, invitations, me: ctx.user.id, locale: ctx.organisation.locale };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "users:manage");
  const formData = await readForm(request);
  const db = await getDb();
  if (formData.get("intent") === "roles") {
    const submission = parseForm(formData, { schema: RolesSchema });
    if (submission.status !== "success") return { invite: null, message: "Choose valid roles.", refused: true };
    const changed = await db.transaction().execute((trx) => changeUserRoles(trx, ctx.user.id, ctx.organisation.id, submission.value.userId, submission.value.roles));
    if (!changed) throw notFoundResponse();
    return { invite: null, message: changed.ok ? (changed.added.length || changed.removed.length ? "Roles saved." : "No change to save.") : changed.reason, refused: !changed.ok };
  }
  const submission = parseForm(formData, { schema: InviteSchema });
  if (submission.status !== "success") return { invite: submission.reply(), message: null, refused: true };
  const { email, memberNumber } = submission.value;
  const result = await db.transaction().execute((trx) => inviteUser(trx, ctx.user, ctx.organisation, submission.value, appUrl(request)));
  if (!result) return { invite: submission.reply({ fieldErrors: { memberNumber: [`There is no member number ${memberNumber}`] } }), message: null, refused: true };
  if ("ok" in result) return { invite: submission.reply({ fieldErrors: { roles: [result.reason] } }), message: result.reason, refused: true };
  return { invite: submission.reply({ resetForm: true }), message: `Invitation emailed to ${email}.`, refused: false };
}

export default function Users() {
  const { users, invitations, me, locale } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.invite,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteSchema }),
  });
  return (
    <>
      <PageHead title="People & roles" />
      <Flash message={data?.message} tone={data?.refused ? "error" : "success"} />
      <section className="card">
        <h2>People</h2>
        {/* One card per person, not a table: on a phone a table's third column (the roles) sat off to the right
            of a box that scrolled sideways, so the boxes and Save could not be reached. */}
        <ul className="people">
          {users.map((u) => (
            <li key={u.id} className="person">
              <p className="person-name">
                <strong>{u.name}</strong>
                {u.member_number ? <span className="muted"> (member {u.member_number})</span> : null}
                <br />
                <span className="person-email">{u.email}</span>
              </p>
              {u.id === me ? (
                <p>
                  {u.roles.map((r) => ROLE_LABELS[r as Role] ?? r).join(", ") || "No roles"} <span className="muted">(your own: another owner or the secretary changes them)</span>
                </p>
              ) : (
                <Form method="post" aria-label={`Roles of ${u.name}`}>
                  <input type="hidden" name="intent" value="roles" />
                  <input type="hidden" name="userId" value={u.id} />
                  <fieldset>
                    <legend>Roles</legend>
                    <div className="checks">
                      {ROLE_OPTIONS.map(([value, label]) => (
                        <label key={value}>
                          <input type="checkbox" name="roles" value={value} defaultChecked={u.roles.includes(value)} /> {label}
                        </label>
                      ))}
                    </div>
                  </fieldset>
                  <button type="submit" className="secondary">
                    Save roles<span className="visually-hidden"> of {u.name}</span>
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>Invite someone</h2>
        <FormErrors errors={form.errors} />
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="invite" />
          <Field meta={fields.email} label="Email" type="email" />
          <CheckboxGroup meta={fields.roles} legend="Roles" options={ROLE_OPTIONS} />
          <Field meta={fields.memberNumber} label="Member number (optional)" type="number" inputMode="numeric" hint="Links the login to their entry in the register." />
          <button type="submit">Send invitation</button>
        </Form>
        {invitations.length ? (
          <>
            <h3>Waiting to be accepted</h3>
            <ul>{invitations.map((i) => <li key={i.id}>{i.email} — {i.roles.map((r) => ROLE_LABELS[r]).join(", ")} (until {new Date(i.expires_at).toLocaleDateString(locale)})</li>)}</ul>
          </>
        ) : null}
      </section>
    </>
  );
}
