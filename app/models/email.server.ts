import type { Executor } from "~/utils/db.server";

/**
 * Mail is written to an outbox in the same transaction as the change it
 * reports, so a rolled-back change never sends a message. A worker (or, in
 * development, the /dev/mail page) reads the outbox.
 */
export async function queueEmail(db: Executor, mail: { organisationId: string | null; to: string; subject: string; body: string }) {
  await db
    .insertInto("email_outbox")
    .values({ organisation_id: mail.organisationId, to_email: mail.to, subject: mail.subject, body: mail.body })
    .execute();
}

export async function recentEmails(db: Executor, limit = 50) {
  return db
    .selectFrom("email_outbox")
    .select(["id", "to_email", "subject", "body", "created_at", "organisation_id"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}
