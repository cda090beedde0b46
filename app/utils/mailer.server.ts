import type { Database } from "./db.server";
import { deliverDueEmails, type OutgoingMail } from "~/models/core/outbox.server";

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

/**
 * Delivers the outbox every `everyMs` (and at once), in rounds of up to 20
 * until nothing is due. Returns a function that stops it.
 */
export function startMailer(db: Database, send: (mail: OutgoingMail) => Promise<void>, opts: { everyMs?: number; onError?: (error: unknown) => void } = {}) {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      while ((await deliverDueEmails(db, send)).claimed > 0) {
        // Another round: more may be due than one round takes.
      }
    } catch (error) {
      opts.onError?.(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs ?? 10_000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
