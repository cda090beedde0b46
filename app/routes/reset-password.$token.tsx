import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "~/components/forms";
import { findValidPasswordReset, resetPassword } from "~/models/core/auth.server";
import { NewPasswordSchema } from "~/schemas/auth";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";

export const access: RouteAccess = { loader: "public", action: "public" };
export const meta: MetaFunction = () => [{ title: "Choose a new password · Co-op Register" }];

export async function loader({ params }: LoaderFunctionArgs) {
  const valid = await findValidPasswordReset(await getDb(), params.token ?? "");
  return { valid: !!valid };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const submission = parseForm(await readForm(request), { schema: NewPasswordSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password", "confirm"] });
  const db = await getDb();
  const userId = await db.transaction().execute((trx) => resetPassword(trx, params.token ?? "", submission.value.password));
  if (!userId) return submission.reply({ formErrors: ["This link has expired or has already been used. Ask for a new one."] });
  return redirect("/login?reset=1");
}

export default function ResetPassword() {
  const { valid } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewPasswordSchema }),
  });
  if (!valid) {
    return (
      <section className="auth-box card">
        <h1>This link no longer works</h1>
        <p>Password links work once, for one hour.</p>
        <p><Link to="/forgot-password">Ask for a new link</Link></p>
      </section>
    );
  }
  return (
    <section className="auth-box card">
      <h1>Choose a new password</h1>
      <FormErrors errors={form.errors} />
      <Form method="post" className="stack" {...getFormProps(form)}>
        <Field meta={fields.password} label="New password" type="password" autoComplete="new-password" hint="At least 10 characters." />
        <Field meta={fields.confirm} label="Repeat the new password" type="password" autoComplete="new-password" />
        <button type="submit">Save password</button>
      </Form>
    </section>
  );
}
