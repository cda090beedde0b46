import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "~/components/forms";
import { Flash, PageHead } from "~/components/ui";
import { PasskeyButton } from "~/components/passkey";
import { countPasskeys } from "~/models/core/passkeys.server";
import { addPasskeyWithRecovery, confirmTotp, disableTwoFactor, regenerateRecoveryCodes, twoFactorStatus } from "~/models/core/two-factor.server";
import { PasskeyAnswerSchema, TwoFactorSchema } from "~/schemas/auth";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { qrCodeDataUrl } from "~/utils/qr.server";
import { appUrl, requireUser } from "~/web/session.server";

export const access: RouteAccess = { loader: "signed-in", action: "signed-in" };
export const meta: MetaFunction = () => [{ title: "Two-factor log-in · Co-op Register" }];

/* The one page (with log-out and switching organisation) an officer who must set up a second factor can reach before doing so. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, { allowWithoutSecondFactor: true });
  const db = await getDb();
  const status = await twoFactorStatus(db, ctx.user);
  const qrCode = status.enabled ? null : await qrCodeDataUrl(status.uri);
  return { status, qrCode, passkeys: await countPasskeys(db, ctx.user.id), required: ctx.secondFactorMissing, organisation: ctx.organisation?.name ?? null };
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireUser(request, { allowWithoutSecondFactor: true });
  const formData = await readForm(request);
  const db = await getDb();
  if (formData.get("intent") === "passkey") {
    const answer = parseForm(formData, { schema: PasskeyAnswerSchema });
    const added = answer.status === "success" ? await db.transaction().execute((trx) => addPasskeyWithRecovery(trx, ctx.user.id, answer.value.response, appUrl(request))) : null;
    if (!added?.ok) return { result: answer.reply({ formErrors: ["The passkey could not be added. Try again."] }), recoveryCodes: null, done: null };
    return { result: answer.reply({ resetForm: true }), recoveryCodes: added.recoveryCodes, done: "passkey" as const };
  }
  const submission = parseForm(formData, { schema: TwoFactorSchema });
  if (submission.status !== "success") return { result: submission.reply({ hideFields: ["code"] }), recoveryCodes: null, done: null };
  const { intent, code } = submission.value;
  const wrong = { result: submission.reply({ fieldErrors: { code: ["That code is not right. Use the code your app shows now."] }, hideFields: ["code"] }), recoveryCodes: null, done: null };
  if (intent === "confirm") {
    const codes = await db.transaction().execute((trx) => confirmTotp(trx, ctx.user.id, ctx.sessionId, code));
    return codes ? { result: submission.reply({ resetForm: true }), recoveryCodes: codes, done: "enabled" as const } : wrong;
  }
  if (intent === "regenerate") {
    const codes = await db.transaction().execute((trx) => regenerateRecoveryCodes(trx, ctx.user.id, code));
    return codes ? { result: submission.reply({ resetForm: true }), recoveryCodes: codes, done: "regenerated" as const } : wrong;
  }
  const off = await db.transaction().execute((trx) => disableTwoFactor(trx, ctx.user.id, code));
  return off ? { result: submission.reply({ resetForm: true }), recoveryCodes: null, done: "disabled" as const } : wrong;
}

export default function TwoFactor() {
  const { status, qrCode, passkeys, required, organisation } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: data?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: TwoFactorSchema }),
  });
  return (
    <>
      <PageHead title="Two-factor log-in" />
      {required ? (
        <Flash tone="info" message={`${organisation ?? "Your organisation"} requires its officers to log in with a second factor. Set it up here to carry on.`} />
      ) : null}
      <Flash message={data?.done === "disabled" ? "Two-factor log-in is off." : data?.done === "passkey" ? "Passkey added." : null} />
      {data?.recoveryCodes ? (
        <section className="card">
          <h2>{data.done === "regenerated" ? "New recovery codes" : "Two-factor log-in is on"}</h2>
          <p>
            Keep these recovery codes somewhere safe, apart from your phone. Each one works once, instead of a code from the app, if you lose it.
            <strong> They are shown only now.</strong>
          </p>
          <ul className="recovery-codes" aria-label="Recovery codes">
            {data.recoveryCodes.map((c) => <li key={c}><code>{c}</code></li>)}
          </ul>
          <p><Link to="/dashboard">Carry on</Link></p>
        </section>
      ) : null}
      {status.enabled ? (
        <section className="card">
          <p>Log-in asks for a code from your authenticator app after your password. Recovery codes left: {status.recoveryCodesLeft}.</p>
          <FormErrors errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <Field meta={fields.code} label="Code from your app (or a recovery code)" autoComplete="one-time-code" />
            <div className="actions">
              <button type="submit" name="intent" value="regenerate" className="secondary">Make new recovery codes</button>
              <button type="submit" name="intent" value="disable" className="danger">Turn off two-factor log-in</button>
            </div>
          </Form>
        </section>
      ) : (
        <section className="card">
          <h2>Set up an authenticator app</h2>
          <ol>
            <li>In an authenticator app (for example Aegis, Google Authenticator, 1Password or Microsoft Authenticator), add an account by scanning this code:
              {qrCode ? <p><img src={qrCode} width={200} height={200} alt="QR code of the authenticator key (the key is also written out below)" /></p> : null}
              <p>or open this address on the phone:</p>
              <p><code className="otpauth-uri" style={{ wordBreak: "break-all" }}>{status.uri}</code></p>
            </li>
            <li>If the app asks for a key, type this one (time-based, 6 digits, every 30 seconds):
              <p><code className="totp-secret">{status.secret.replace(/(.{4})/g, "$1 ").trim()}</code></p>
            </li>
            <li>Type the 6-digit code the app shows, to show that it works.</li>
          </ol>
          <FormErrors errors={form.errors} />
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="confirm" />
            <Field meta={fields.code} label="Code from your app" autoComplete="one-time-code" inputMode="numeric" />
            <button type="submit">Turn on two-factor log-in</button>
          </Form>
        </section>
      )}
      <section className="card">
        <h2>Passkeys</h2>
        <p>
          A passkey (your phone, computer or security key, unlocked with a fingerprint, face or PIN) can be used instead of a code at log-in.
          {passkeys ? ` You have ${passkeys === 1 ? "1 passkey" : `${passkeys} passkeys`}.` : " You have none yet."}
        </p>
        <PasskeyButton mode="register" optionsPath="/account/passkey-options" label="Add a passkey" />
      </section>
    </>
  );
}
