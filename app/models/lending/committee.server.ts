import { checkSeparationOfDuties } from "~/domain/duties";
import { committeeOutcome } from "~/domain/lending/terms";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { refused } from "~/domain/refusal";
import { queueEmail } from "~/models/core/outbox.server";
import { inTransaction } from "~/models/lending/loans.server";
import { APPLICATION_STATUS_LABEL, lockApplication } from "~/models/lending/applications.server";

export async function committeeSize(db: Executor, organisationId: string) {
  const r = await db
    .selectFrom("user_roles")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("organisation_id", "=", organisationId)
    .where("role", "=", "credit_committee")
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function votesFor(db: Executor, organisationId: string, applicationId: string) {
  return db
    .selectFrom("credit_votes as v")
    .innerJoin("users as u", "u.id", "v.user_id")
    .select(["v.user_id", "v.vote", "v.comment", "v.cast_at", "u.name"])
    .where("v.organisation_id", "=", organisationId)
    .where("v.application_id", "=", applicationId)
    .orderBy("v.cast_at")
    .execute();
}

/**
 * A committee member's vote (or recusal). Votes are append-only: a vote once
 * cast stands. When the votes so far decide the application, its status
 * follows in the same transaction.
 */
export function castCommitteeVote(db: Executor, actorUserId: string, organisationId: string, applicationId: string, input: { vote: "approve" | "decline" | "recuse"; comment: string }, now: Date = new Date()) {
  return inTransaction(db, (trx) => voteLocked(trx, actorUserId, organisationId, applicationId, input, now));
}

/** Votes on one application queue up behind its row lock, so the vote that decides always sees every vote before it. */
async function voteLocked(db: Executor, actorUserId: string, organisationId: string, applicationId: string, input: { vote: "approve" | "decline" | "recuse"; comment: string }, now: Date) {
  const app = await lockApplication(db, organisationId, applicationId);
  if (!app) throw refused("There is no such application.");
  if (app.status !== "committee") throw refused(`This application is "${APPLICATION_STATUS_LABEL[app.status]}": the committee is not voting on it.`);
  const isMember = await db
    .selectFrom("user_roles")
    .select("user_id")
    .where("organisation_id", "=", organisationId)
    .where("user_id", "=", actorUserId)
    .where("role", "=", "credit_committee")
    .executeTakeFirst();
  if (!isMember) throw refused("Only members of the credit committee vote on applications.");
  if (input.vote !== "recuse") {
    const separate = checkSeparationOfDuties("credit_decision", actorUserId, [{ userId: app.officer_user_id, as: "took" }]);
    if (!separate.ok) throw refused(separate.reason, "vote");
  }
  const already = await db
    .selectFrom("credit_votes")
    .select("vote")
    .where("organisation_id", "=", organisationId)
    .where("application_id", "=", app.id)
    .where("user_id", "=", actorUserId)
    .executeTakeFirst();
  if (already) throw refused(`You have already ${already.vote === "recuse" ? "recused yourself" : "voted"} on this application.`);
  await db.insertInto("credit_votes").values({ organisation_id: organisationId, application_id: app.id, user_id: actorUserId, vote: input.vote, comment: input.comment }).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "credit_vote.cast", entityType: "loan_application", entityId: app.id, after: input });
  const votes = await votesFor(db, organisationId, app.id);
  const outcome = committeeOutcome(await committeeSize(db, organisationId), votes.map((v) => v.vote));
  if (outcome.status === "approved" || outcome.status === "declined") {
    await db
      .updateTable("loan_applications")
      .set({ status: outcome.status, decided_at: now, decision_note: outcome.reason, updated_at: new Date() })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", app.id)
      .execute();
    await recordAudit(db, { organisationId, actorUserId, action: `loan_application.${outcome.status}`, entityType: "loan_application", entityId: app.id, before: { status: "committee" }, after: { status: outcome.status, reason: outcome.reason } });
    if (app.contact_email && outcome.status === "declined") {
      await queueEmail(db, { organisationId, to: app.contact_email, subject: `Your loan application ${app.reference}`, body: `We are sorry: the credit committee has not approved the application from ${app.legal_name}. Your loan officer will explain the reasons and what could change the decision.` });
    }
  }
  return outcome;
}
