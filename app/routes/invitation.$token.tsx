import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "~/components/forms";
import { acceptInvitation, findValidInvitation } from "~/models/core/auth.server";
import { AcceptInvitationSchema } from "~/schemas/auth";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { startSessionOrChallenge } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "public", action: "public" };
export const meta: MetaFunction = () => [{ title: "Accept invitation · Co-op Register" }];

export async function loader({ params }: LoaderFunctionArgs) {
  const invitation = await findValidInvitation(await getDb(), params.token ?? "");
  return invitation ? { email: invitation.email, organisationName: invitation.organisation_name } : null;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const submission = parseForm(await readForm(request), { schema: AcceptInvitationSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password", "confirm"] });
  const db = await getDb();
  const accepted = await db.transaction().execute((trx) => acceptInvitation(trx, params.token ?? "", submission.value));
  if (!accepted) return submission.reply({ formErrors: ["This invitation has expired or has already been used."] });
  // An existing user with a second factor still gives it: the emailed link stands in for the password only.
  return startSessionOrChallenge(accepted.userId, accepted.organisationId, "/dashboard");
}

export default function AcceptInvitation() {
  const invitation = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AcceptInvitationSchema }),
  });
  if (!invitation) {
    return (
      <section className="auth-box card">
        <h1>This invitation no longer works</h1>
        <p>It may have expired or been used already. Ask the person who invited you to send a new one.</p>
      </section>
    );
  }
  return (
    <section className="auth-box card">
      <h1>Join {invitation.organisationName}</h1>
      <p>Set a password for <strong>{invitation.email}</strong>.</p>
      <FormErrors errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <Field meta={fields.name} label="Your name" autoComplete="name" />
        <Field meta={fields.password} label="Password" type="password" autoComplete="new-password" hint="At least 10 characters." />
        <Field meta={fields.confirm} label="Repeat the password" type="password" autoComplete="new-password" />
        <button type="submit">Accept and log in</button>
      </Form>
    </section>
  );
}
