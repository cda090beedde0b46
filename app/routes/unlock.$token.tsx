import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "~/components/forms";
import { findValidUnlock, unlockAccount } from "~/models/core/auth.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";

export const access: RouteAccess = { loader: "public", action: "public" };
export const meta: MetaFunction = () => [{ title: "Unlock your account · Co-op Register" }];

/* Opening the link only shows a button: mail scanners that follow links must not unlock an account. */
export async function loader({ params }: LoaderFunctionArgs) {
  const valid = await findValidUnlock(await getDb(), params.token ?? "");
  return { valid: !!valid };
}

export async function action({ params }: ActionFunctionArgs) {
  const unlocked = await unlockAccount(await getDb(), params.token ?? "");
  if (!unlocked) return { errors: ["This link has expired or has already been used."] };
  return redirect("/login?unlocked=1");
}

export default function Unlock() {
  const { valid } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  if (!valid) {
    return (
      <section className="auth-box card">
        <h1>This link no longer works</h1>
        <p>Unlock links work once, for a day. A locked account also unlocks by itself after an hour.</p>
        <p><Link to="/login">Log in</Link></p>
      </section>
    );
  }
  return (
    <section className="auth-box card">
      <h1>Unlock your account</h1>
      <FormErrors errors={data?.errors} />
      <p>Log-in to your account was locked after too many failed attempts. If they were yours, unlock it now.</p>
      <Form method="post">
        <button type="submit">Unlock my account</button>
      </Form>
    </section>
  );
}
