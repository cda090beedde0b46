import type { Database } from "~/utils/db.server";
import { deliverDueEmails, type OutgoingMail } from "~/models/core/outbox.server";
import { every } from "./scheduler";

/**
 * The outbox's way out: SMTP through nodemailer (loaded on first use, like
 * Stripe and pdfkit), to the server named by SMTP_URL, from MAIL_FROM.
 */
export function smtpSender(smtpUrl: string, from: string): (mail: OutgoingMail) => Promise<void> {
  let transport: Promise<import("nodemailer").Transporter> | null = null;
  return async (mail) => {
    transport ??= import("nodemailer").then((nodemailer) => nodemailer.createTransport(smtpUrl));
    const attachments = (mail.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType }));
    await (await transport).sendMail({ from, to: mail.to_email, subject: mail.subject, text: mail.body, attachments });
  };
}

/** Delivers the outbox in rounds of up to 20 until nothing is due (more may be due than one round takes). */
export async function deliverOutbox(db: Database, send: (mail: OutgoingMail) => Promise<void>) {
  while ((await deliverDueEmails(db, send)).claimed > 0) {
    // Another round.
  }
}

/** The mailer on its own: delivers the outbox every `everyMs` (and at once). Returns a function that stops it. */
export function startMailer(db: Database, send: (mail: OutgoingMail) => Promise<void>, opts: { everyMs?: number; onError?: (error: unknown) => void } = {}) {
  return every(opts.everyMs ?? 10_000, () => deliverOutbox(db, send), { onError: opts.onError });
}
