import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as withHeaders } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "~/components/forms";
import { Flash, PageHead } from "~/components/ui";
import { ROLE_LABELS } from "~/domain/permissions";
import { changeOwnPassword, isCurrentPassword } from "~/models/core/auth.server";
import { voteRemindersOn } from "~/models/governance/vote-reminders.server";
import { ChangePasswordSchema } from "~/schemas/auth";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requireUser, sessionCookie } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "signed-in", action: "signed-in" };
export const meta: MetaFunction = () => [{ title: "Your account · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  return { voteReminders: await voteRemindersOn(await getDb(), ctx.user.id), name: ctx.user.name, email: ctx.user.email, organisation: ctx.organisation?.name ?? null, roles: ctx.roles.map((r) => ROLE_LABELS[r]) };
}

/** Changing the password voids every reset link and ends every other session, then starts a fresh one here. */
export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const submission = parseForm(await readForm(request), { schema: ChangePasswordSchema });
  if (submission.status !== "success") return { result: submission.reply({ hideFields: ["current", "password", "confirm"] }), changed: false };
  const db = await getDb();
  if (!(await isCurrentPassword(db, ctx.user.id, submission.value.current))) {
    return { result: submission.reply({ fieldErrors: { current: ["That is not your current password"] }, hideFields: ["current", "password", "confirm"] }), changed: false };
  }
  const session = await db.transaction().execute((trx) => changeOwnPassword(trx, ctx.user.id, ctx.organisation?.id ?? null, submission.value.password));
  return withHeaders(
    { result: submission.reply({ resetForm: true }), changed: true },
    { headers: { "Set-Cookie": sessionCookie(session.token, session.expiresAt) } },
  );
}

export default function Account() {
  const me = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
  });
  return (
    <>
      <PageHead title="Your account" />
      <section className="card">
        <dl className="facts">
          <dt>Name</dt><dd>{me.name}</dd>
          <dt>Email</dt><dd>{me.email}</dd>
          <dt>Organisation</dt><dd>{me.organisation ?? "None"}</dd>
          <dt>Roles</dt><dd>{me.roles.join(", ") || "None"}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>Change password</h2>
        <Flash message={data?.changed ? "Password changed. You have been logged out of your other devices." : null} />
        <FormErrors errors={form.errors} />
        <Form method="post" className="stack" {...getFormProps(form)}>
          <Field meta={fields.current} label="Current password" type="password" autoComplete="current-password" />
          <Field meta={fields.password} label="New password" type="password" autoComplete="new-password" hint="At least 10 characters." />
          <Field meta={fields.confirm} label="Repeat the new password" type="password" autoComplete="new-password" />
          <button type="submit">Change password</button>
        </Form>
      </section>
      <section className="card">
        <h2>Reminders</h2>
        <Form method="post" action="/account/reminders" className="stack">
          <input type="hidden" name="intent" value="vote-reminders" />
          <label><input type="checkbox" name="voteReminders" value="on" defaultChecked={me.voteReminders} /> Email me a reminder before a vote closes</label>
          <p className="hint">Once per vote, to members who have not voted yet, shortly before voting is due to close.</p>
          <button type="submit" className="secondary">Save</button>
        </Form>
      </section>
      <section className="card">
        <h2>Calendar</h2>
        <p>See your co-operatives' meetings in your own calendar: <Link to="/account/calendar">subscribe to your calendar feed</Link>.</p>
      </section>
      <section className="card">
        <h2>Two-factor log-in</h2>
        <p>Ask for a code from an authenticator app on your phone after your password. <Link to="/account/two-factor">Set up or manage two-factor log-in</Link></p>
      </section>
      <section className="card">
        <h2>Sessions</h2>
        <p>Lost a phone, or used a shared computer? End every session of your account, on every device.</p>
        <Form method="post" action="/logout">
          <input type="hidden" name="scope" value="everywhere" />
          <button type="submit" className="danger">Log out everywhere</button>
        </Form>
      </section>
    </>
  );
}
