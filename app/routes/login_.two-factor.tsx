import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "~/components/forms";
import { clockTime } from "~/domain/throttle";
import { invalidateSession } from "~/models/core/auth.server";
import { completeLoginChallenge, findLoginChallenge } from "~/models/core/two-factor.server";
import { PasskeyButton } from "~/components/passkey";
import { PasskeyAnswerSchema, SecondFactorSchema } from "~/schemas/auth";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { appUrl, challengeCookie, getRequestContext, readChallengeToken, safeRedirect, startSession } from "~/web/session.server";
import { countPasskeys } from "~/models/core/passkeys.server";

/* Public: the password was right, but there is no session yet; the challenge cookie is the proof. */
export const access: RouteAccess = { loader: "public", action: "public" };
export const meta: MetaFunction = () => [{ title: "Second step of log-in · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = readChallengeToken(request);
  const db = await getDb();
  const challenge = token ? await findLoginChallenge(db, token) : undefined;
  if (!challenge) throw redirect("/login");
  return { passkeys: (await countPasskeys(db, challenge.user_id)) > 0 };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const passkey = formData.get("intent") === "passkey" ? parseForm(formData, { schema: PasskeyAnswerSchema }) : null;
  const submission = parseForm(formData, { schema: SecondFactorSchema });
  if (passkey?.status !== "success" && submission.status !== "success") return submission.reply({ hideFields: ["code"] });
  const db = await getDb();
  const answer = passkey?.status === "success" ? { passkey: passkey.value.response, appUrl: appUrl(request) } : submission.status === "success" ? submission.value.code : "";
  const result = await completeLoginChallenge(db, readChallengeToken(request) ?? "", answer);
  if (!result.ok) {
    if (result.reason === "expired") throw redirect("/login", { headers: { "Set-Cookie": challengeCookie("", null) } });
    const message =
      result.reason === "throttled"
        ? `Too many wrong codes. Try again at ${clockTime(result.retryAt)}.`
        : passkey
          ? "That passkey was not accepted. Try again, or use a code."
          : "That code is not right. Use the code your authenticator app shows now, or one of your recovery codes.";
    return submission.reply({ formErrors: [message], hideFields: ["code"] });
  }
  // A fresh session at every log-in (no fixation), as after a password alone.
  const previous = await getRequestContext(request);
  if (previous) await invalidateSession(db, previous.sessionId);
  return startSession(result.userId, result.organisationId, safeRedirect(result.redirectTo, "/dashboard"), [challengeCookie("", null)]);
}

export default function SecondFactor() {
  const { passkeys } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(SecondFactorSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SecondFactorSchema }),
  });
  return (
    <section className="auth-box card">
      <h1>Second step of log-in</h1>
      <FormErrors errors={form.errors} id={form.errorId} />
      {passkeys ? <PasskeyButton mode="login" optionsPath="/login/passkey-options" label="Use a passkey" /> : null}
      <Form method="post" className="stack" {...getFormProps(form)}>
        <Field
          meta={fields.code}
          label="Code"
          autoComplete="one-time-code"
          inputMode="text"
          hint="The 6 digits your authenticator app shows for Co-op Register. Lost your phone? Type one of your recovery codes instead."
        />
        <button type="submit">Log in</button>
      </Form>
      <p><Link to="/login">Start again</Link></p>
    </section>
  );
}
