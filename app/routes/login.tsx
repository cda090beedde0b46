import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { Flash } from "~/components/ui";
import { clockTime } from "~/domain/throttle";
import { Field, FormErrors } from "~/components/forms";
import { attemptLogin, invalidateSession } from "~/models/core/auth.server";
import { LoginSchema } from "~/schemas/auth";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { appUrl, clientIp, getRequestContext, safeRedirect, startSessionOrChallenge } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "public", action: "public" };
export const meta: MetaFunction = () => [{ title: "Log in · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getRequestContext(request)) throw redirect("/dashboard");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const submission = parseForm(formData, { schema: LoginSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password"] });
  const db = await getDb();
  const result = await attemptLogin(db, { email: submission.value.email, password: submission.value.password, ip: clientIp(request), appUrl: appUrl(request) });
  if (!result.ok) {
    const message =
      result.reason === "throttled"
        ? result.scope === "account"
          ? `Too many failed attempts for this account. Try again at ${clockTime(result.retryAt)}. If it is your account, we have emailed you a link to unlock it now.`
          : `Too many failed attempts from your network. Try again at ${clockTime(result.retryAt)}.`
        : "That email and password do not match an account.";
    return submission.reply({ formErrors: [message], hideFields: ["password"] });
  }
  // A fresh session at every log-in: a session id planted before log-in is never promoted (no fixation).
  const previous = await getRequestContext(request);
  if (previous) await invalidateSession(db, previous.sessionId);
  return startSessionOrChallenge(result.userId, result.organisationId, safeRedirect(submission.value.redirectTo, "/dashboard"));
}

export default function Login() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(LoginSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  });
  return (
    <section className="auth-box card">
      <h1>Log in</h1>
      <Flash message={searchParams.get("unlocked") ? "Your account is unlocked. You can log in now." : null} />
      <FormErrors errors={form.errors} id={form.errorId} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <Field meta={fields.email} label="Email" type="email" autoComplete="email" />
        <Field meta={fields.password} label="Password" type="password" autoComplete="current-password" />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/dashboard"} />
        <button type="submit">Log in</button>
      </Form>
      <p><Link to="/forgot-password">Forgotten your password?</Link></p>
    </section>
  );
}
