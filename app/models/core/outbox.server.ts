import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import type { MailAttachment } from "../../../db/tables/core";

/**
 * Mail is written to an outbox in the same transaction as the change it
 * reports, so a rolled-back change never sends a message. The server's
 * mailer (server/mailer.ts) delivers it by SMTP when SMTP_URL is
 * set; the /dev/mail page lists it in development.
 */
export async function queueEmail(db: Executor, mail: { organisationId: string | null; to: string; subject: string; body: string; attachments?: MailAttachment[] }) {
  await db
    .insertInto("email_outbox")
    .values({ organisation_id: mail.organisationId, to_email: mail.to, subject: mail.subject, body: mail.body, attachments: JSON.stringify(mail.attachments ?? []) })
    .execute();
}

export async function recentEmails(db: Executor, limit = 50) {
  return db
    .selectFrom("email_outbox")
    .select(["id", "to_email", "subject", "body", "attachments", "created_at", "organisation_id", "sent_at", "attempts", "last_error", "failed_at"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** A message as a sender needs it. */
export interface OutgoingMail {
  id: bigint;
  to_email: string;
  subject: string;
  body: string;
  attachments: MailAttachment[];
  attempts: number;
}

/** Tries before a message is given up (failed_at set): the back-off then spans about four hours. */
export const MAX_DELIVERY_ATTEMPTS = 8;
/** While a sender holds a message it is not due for anyone else; a sender that dies frees it when this runs out. */
const LEASE_MS = 5 * 60_000;

/** Wait after the n-th failed try: 1, 2, 4 ... minutes, at most an hour. */
export function retryDelayMs(attempts: number) {
  return Math.min(60, 2 ** Math.max(0, attempts - 1)) * 60_000;
}

/**
 * Deliver the messages due in the outbox, up to `limit`, with `send` (the
 * SMTP sender, or a test's). They are claimed in one short statement (FOR
 * UPDATE SKIP LOCKED, a lease in next_attempt_at), so several servers share
 * the outbox and no transaction is held while mail goes out; each is then
 * marked sent, or given its error and a later try, or given up after
 * MAX_DELIVERY_ATTEMPTS. A sender that dies mid-way leaves its claim to run
 * out and the message is sent again (at least once, never lost).
 */
export async function deliverDueEmails(db: Executor, send: (mail: OutgoingMail) => Promise<void>, now = new Date(), limit = 20) {
  const claimed = await sql<OutgoingMail>`
    UPDATE email_outbox SET next_attempt_at = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id IN (
      SELECT id FROM email_outbox
      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ${now}
      ORDER BY next_attempt_at, id LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, to_email, subject, body, attachments, attempts
  `.execute(db);
  let sent = 0;
  let failed = 0;
  // Oldest first (UPDATE ... RETURNING gives its rows in no particular order).
  for (const mail of claimed.rows.sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const attempts = mail.attempts + 1;
    try {
      await send(mail);
      await db.updateTable("email_outbox").set({ sent_at: now, attempts, last_error: null }).where("id", "=", mail.id).execute();
      sent++;
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      const givenUp = attempts >= MAX_DELIVERY_ATTEMPTS;
      await db
        .updateTable("email_outbox")
        .set({ attempts, last_error: message, next_attempt_at: new Date(now.getTime() + retryDelayMs(attempts)), failed_at: givenUp ? now : null })
        .where("id", "=", mail.id)
        .execute();
      failed++;
    }
  }
  return { sent, failed, claimed: claimed.rows.length };
}
