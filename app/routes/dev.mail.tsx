import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PageHead } from "~/components/ui";
import { recentEmails } from "~/models/core/outbox.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { devToolsEnabled, env } from "~/utils/env.server";
import { notFoundResponse } from "~/web/refusals.server";

/* Development only: the outbox as a page, so a person can click the links
 * in password-reset and invitation mails. It exists only with DEV_TOOLS=true
 * (which the settings refuse together with NODE_ENV=production). */
export const access: RouteAccess = { loader: "public" };
export const meta: MetaFunction = () => [{ title: "Sent mail (development) · Co-op Register" }];

export async function loader(_args: LoaderFunctionArgs) {
  if (!devToolsEnabled(env())) throw notFoundResponse();
  const mails = await recentEmails(await getDb(), 50);
  return { mails: mails.map((m) => ({ ...m, id: String(m.id) })) };
}

function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, i) => (/^https?:\/\//.test(part) ? <a key={i} href={part}>{part}</a> : part));
}

export default function DevMail() {
  const { mails } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title="Sent mail (development)" />
      <p className="muted">The outbox, newest first: each message and whether it has gone out by SMTP (set SMTP_URL to send). This page exists only when DEV_TOOLS=true, never in production.</p>
      {mails.length === 0 ? <p>No mail yet.</p> : null}
      {mails.map((m) => (
        <article key={m.id} className="card">
          <h2>{m.subject}</h2>
          <p className="muted">
            To {m.to_email} · {new Date(m.created_at).toLocaleString("en-GB")} ·{" "}
            {m.sent_at ? "sent by SMTP" : m.failed_at ? `given up after ${m.attempts} tries: ${m.last_error}` : m.attempts ? `not sent yet (${m.attempts} tries; last: ${m.last_error})` : "in the outbox"}
          </p>
          <pre className="mail">{linkify(m.body)}</pre>
          {m.attachments.length ? <p className="muted">Attached: {m.attachments.map((a) => a.filename).join(", ")}</p> : null}
        </article>
      ))}
    </>
  );
}
