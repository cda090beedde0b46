import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { Field, FormErrors } from "~/components/forms";
import { Flash } from "~/components/ui";
import { requestPasswordReset } from "~/models/core/auth.server";
import { ForgotPasswordSchema } from "~/schemas/auth";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { clockTime } from "~/domain/throttle";
import { appUrl, clientIp } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "public", action: "public" };
export const meta: MetaFunction = () => [{ title: "Forgotten password · Co-op Register" }];

export async function loader() {
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseForm(await readForm(request), { schema: ForgotPasswordSchema });
  if (submission.status !== "success") return { result: submission.reply(), sent: false };
  const r = await requestPasswordReset(await getDb(), { email: submission.value.email, ip: clientIp(request), appUrl: appUrl(request) });
  // Limited per email whether or not it has an account, so neither answer says who is registered.
  if (!r.ok) return { result: submission.reply({ formErrors: [`Too many requests for a password link. Try again at ${clockTime(r.retryAt)}.`] }), sent: false };
  // The same answer whether or not the address has an account.
  return { result: submission.reply({ resetForm: true }), sent: true };
}

export default function ForgotPassword() {
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ForgotPasswordSchema }),
  });
  return (
    <section className="auth-box card">
      <h1>Forgotten password</h1>
      <Flash message={data?.sent ? "If that address has an account, we have emailed it a link to choose a new password. The link works once, for one hour." : null} />
      <FormErrors errors={form.errors} id={form.errorId} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <Field meta={fields.email} label="Email" type="email" autoComplete="email" />
        <button type="submit">Email me a link</button>
      </Form>
    </section>
  );
}
