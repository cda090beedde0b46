import type { Executor } from "~/utils/db.server";
import { displayLongDate } from "~/domain/locale";
import { displayMoney, type MoneyStyle } from "~/domain/money";
import { checkPurchase } from "~/domain/shares/rules";
import type { z } from "zod";
import type { JoinSchema } from "~/schemas/shares";
import { recordAudit } from "~/models/core/audit.server";
import { organisationMoneyStyle } from "~/models/core/organisations.server";
import { queueEmail } from "~/models/core/outbox.server";
import { changeMemberStatus, createMember, getMember } from "~/models/shares/members.server";
import { getShareClass, lockHolding, lockMembers, recordPurchase, toDomainClass, type RuleRefusal } from "~/models/shares/share-classes-and-holdings.server";

/*
 * Joining: a public application makes an "applied" register entry (the
 * members table needs a number for every entry, so the number is reserved
 * now) and an application the secretary admits or declines.
 */

export async function submitApplication(
  db: Executor,
  org: { id: string; name: string; local_area: string[] },
  input: z.infer<typeof JoinSchema>,
  today: string,
  /** How the organisation writes money (the public page has it loaded); read from the organisation when not given. */
  style?: MoneyStyle,
): Promise<RuleRefusal | { ok: true; applicationId: string; memberNumber: number }> {
  const cls = await getShareClass(db, org.id, input.classId);
  if (!cls) return { ok: false, field: "classId", reason: "Choose one of the share classes offered" };
  const money = style ?? (await organisationMoneyStyle(db, org.id));
  const check = checkPurchase({ cls: toDomainClass(cls), currentShares: 0, buyShares: input.shares, memberStatus: "applied", memberKind: input.kind, money });
  if (!check.ok) return { ok: false, field: "shares", reason: check.reason };
  const member = await createMember(db, null, org.id, org.local_area, {
    kind: input.kind, name: input.name, email: input.email, phone: input.phone, address: input.address, postcode: input.postcode, status: "applied", statusDate: today, memberNumber: undefined,
  });
  const app = await db
    .insertInto("share_applications")
    .values({ organisation_id: org.id, member_id: member.id, class_id: cls.id, shares: input.shares, declarations: input.declarations, applied_on: today })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId: org.id, actorUserId: null, action: "share.application_received", entityType: "share_application", entityId: app.id, after: { memberId: member.id, classId: cls.id, shares: input.shares, declarations: input.declarations } });
  await queueEmail(db, {
    organisationId: org.id, to: input.email, subject: `Your application to join ${org.name}`,
    body: `Dear ${input.name},\n\nThank you for applying for ${input.shares} ${cls.name} (${displayMoney(check.amount, money)}). The secretary will consider your application and write to you.\n`,
  });
  return { ok: true, applicationId: app.id, memberNumber: member.member_number };
}

export async function listShareApplications(db: Executor, organisationId: string, status: "pending" | "admitted" | "declined" = "pending") {
  return db
    .selectFrom("share_applications as a")
    .innerJoin("members as m", (j) => j.onRef("m.id", "=", "a.member_id").onRef("m.organisation_id", "=", "a.organisation_id"))
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "a.class_id").onRef("c.organisation_id", "=", "a.organisation_id"))
    .select(["a.id", "a.shares", "a.applied_on", "a.status", "a.decided_on", "a.decline_reason", "m.id as member_id", "m.name", "m.kind", "m.email", "m.postcode", "m.member_number", "c.name as class_name", "c.par_value"])
    .where("a.organisation_id", "=", organisationId)
    .where("a.status", "=", status)
    .orderBy("a.applied_on")
    .orderBy("a.created_at")
    .limit(200)
    .execute();
}

async function lockPending(db: Executor, organisationId: string, applicationId: string) {
  const app = await db.selectFrom("share_applications").selectAll().where("organisation_id", "=", organisationId).where("id", "=", applicationId).forUpdate().executeTakeFirst();
  return app && app.status === "pending" ? app : null;
}

/** Admit: the member is admitted, the shares applied for are issued and a numbered certificate made, and the applicant is told. */
export async function admitApplication(db: Executor, actorUserId: string, organisationId: string, applicationId: string, on: string, orgName: string) {
  const app = await lockPending(db, organisationId, applicationId);
  if (!app) return { ok: false as const, reason: "That application has already been decided." };
  if (on < app.applied_on) return { ok: false as const, reason: `Admission cannot be dated before the application (${app.applied_on}).` };
  // The common lock order: the holding, the member, then (issuing the shares) the certificate number and
  // the audit chain. Changing the status first would take the audit chain before the certificate lock,
  // the reverse of every purchase, and deadlock with one.
  await lockHolding(db, organisationId, app.member_id, app.class_id);
  await lockMembers(db, organisationId, [app.member_id]);
  const issued = await recordPurchase(db, { organisationId, actorUserId, memberId: app.member_id, classId: app.class_id, shares: app.shares, on, method: "admission", reference: "Shares issued on admission" });
  if (!issued.ok) throw new Error(`admission refused by the share rules: ${issued.reason}`);
  await changeMemberStatus(db, actorUserId, organisationId, app.member_id, { status: "admitted", effectiveOn: on, note: "Application admitted" });
  await db.updateTable("share_applications").set({ status: "admitted", decided_on: on, decided_by: actorUserId }).where("organisation_id", "=", organisationId).where("id", "=", applicationId).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "share.application_admitted", entityType: "share_application", entityId: applicationId, after: { on, certificate: issued.certificateNumber } });
  const member = await getMember(db, organisationId, app.member_id);
  if (member?.email) {
    await queueEmail(db, {
      organisationId, to: member.email, subject: `Welcome to ${orgName}`,
      body: `Dear ${member.name},\n\nYou were admitted as a member on ${displayLongDate(on, (await organisationMoneyStyle(db, organisationId)).locale)}. Your member number is ${member.member_number} and your share certificate is no. ${issued.certificateNumber}.\n`,
    });
  }
  return { ok: true as const, kind: "admitted" as const, memberNumber: member?.member_number, certificateNumber: issued.certificateNumber };
}

export async function declineApplication(db: Executor, actorUserId: string, organisationId: string, applicationId: string, on: string, reason: string, orgName: string) {
  const app = await lockPending(db, organisationId, applicationId);
  if (!app) return { ok: false as const, reason: "That application has already been decided." };
  await db.updateTable("share_applications").set({ status: "declined", decided_on: on, decided_by: actorUserId, decline_reason: reason }).where("organisation_id", "=", organisationId).where("id", "=", applicationId).execute();
  // Never admitted, so never on the register (which lists only admitted members); the entry is closed.
  await changeMemberStatus(db, actorUserId, organisationId, app.member_id, { status: "ceased", effectiveOn: on > app.applied_on ? on : app.applied_on, note: `Application declined: ${reason}` });
  await recordAudit(db, { organisationId, actorUserId, action: "share.application_declined", entityType: "share_application", entityId: applicationId, after: { on, reason } });
  const member = await getMember(db, organisationId, app.member_id);
  if (member?.email) {
    await queueEmail(db, { organisationId, to: member.email, subject: `Your application to join ${orgName}`, body: `Dear ${member.name},\n\nWe are sorry: your application was declined on ${displayLongDate(on, (await organisationMoneyStyle(db, organisationId)).locale)}.\n\nReason: ${reason}\n` });
  }
  return { ok: true as const, kind: "declined" as const };
}
