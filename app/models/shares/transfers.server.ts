import { sql } from "kysely";
import { TRANSFER_REASON_MISSING } from "~/schemas/shares";
import type { Executor } from "~/utils/db.server";
import { checkTransfer, type MemberStatus } from "~/domain/shares/rules";
import { checkSeparationOfDuties } from "~/domain/duties";
import { displayLongDate } from "~/domain/locale";
import { sameName } from "~/domain/names";
import { recordAudit } from "~/models/core/audit.server";
import { organisationMoneyStyle } from "~/models/core/organisations.server";
import { queueEmail } from "~/models/core/outbox.server";
import { getShareClass, lockHoldings, memberByNumber, memberForShares, memberKind, reissueCertificate, toDomainClass, type RuleRefusal } from "~/models/shares/share-classes-and-holdings.server";

/*
 * Transfers between members, where the class allows them, take effect only
 * when the board approves: then a transfer_out and a transfer_in row are
 * written together and both certificates are cancelled and reissued.
 */

async function pending(db: Executor, organisationId: string, memberId: string, classId: string) {
  const r = await db.selectFrom("withdrawal_requests").select(sql<string>`coalesce(sum(shares), 0)`.as("n")).where("organisation_id", "=", organisationId).where("member_id", "=", memberId).where("class_id", "=", classId).where("status", "=", "pending").executeTakeFirstOrThrow();
  return Number(r.n);
}

async function check(db: Executor, organisationId: string, t: { classId: string; fromMemberId: string; toMemberId: string; shares: number }, lock: boolean): Promise<RuleRefusal | { ok: true }> {
  const [cls, from, to, money] = await Promise.all([getShareClass(db, organisationId, t.classId), memberForShares(db, organisationId, t.fromMemberId), memberForShares(db, organisationId, t.toMemberId), organisationMoneyStyle(db, organisationId)]);
  if (!cls) return { ok: false, field: "classId", reason: "No such share class" };
  if (!from) return { ok: false, field: "fromMemberId", reason: "No such member" };
  if (!to) return { ok: false, field: "toMemberNumber", reason: "No member has that number" };
  // Lock both holdings in the common order (by member, then class) so two opposite transfers cannot deadlock.
  const locked = lock ? await lockHoldings(db, organisationId, [t.fromMemberId, t.toMemberId].map((memberId) => ({ memberId, classId: t.classId }))) : null;
  const read = async (id: string): Promise<{ shares: number; value: bigint }> => locked?.({ memberId: id, classId: t.classId }) ?? (await db.selectFrom("share_holdings").select(["shares", "value"]).where("organisation_id", "=", organisationId).where("member_id", "=", id).where("class_id", "=", t.classId).executeTakeFirst().then((r) => ({ shares: Number(r?.shares ?? 0), value: BigInt(r?.value ?? 0) })));
  // The receiving member's status is read again under the locks (a payout that ends a membership holds their holding).
  const receiver = lock ? ((await memberForShares(db, organisationId, t.toMemberId, { lock: true })) ?? to) : to;
  const r = checkTransfer({
    cls: toDomainClass(cls), fromMemberId: t.fromMemberId, toMemberId: t.toMemberId, fromShares: (await read(t.fromMemberId)).shares, fromPendingShares: await pending(db, organisationId, t.fromMemberId, t.classId),
    toShares: (await read(t.toMemberId)).shares, transferShares: t.shares, toStatus: receiver.status as MemberStatus, toKind: memberKind(receiver.kind), money,
  });
  if (!r.ok) return { ok: false, field: r.field === "toMemberId" ? "toMemberNumber" : r.field === "transferShares" ? "shares" : "classId", reason: r.reason };
  return { ok: true };
}

export async function requestTransfer(db: Executor, actorUserId: string, organisationId: string, t: { classId: string; fromMemberId: string; toMemberId: string; shares: number; on: string }) {
  const c = await check(db, organisationId, t, false);
  if (!c.ok) return c;
  const row = await db.insertInto("share_transfers").values({ organisation_id: organisationId, class_id: t.classId, from_member_id: t.fromMemberId, to_member_id: t.toMemberId, shares: t.shares, requested_on: t.on, requested_by: actorUserId }).returning("id").executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "share.transfer_requested", entityType: "share_transfer", entityId: row.id, after: t });
  return { ok: true as const, id: row.id };
}

export async function decideTransfer(db: Executor, actorUserId: string, organisationId: string, transferId: string, decision: "approve" | "reject", on: string, note: string) {
  const t = await db.selectFrom("share_transfers").selectAll().where("organisation_id", "=", organisationId).where("id", "=", transferId).forUpdate().executeTakeFirst();
  if (!t) return null;
  if (t.status !== "pending") return { ok: false as const, field: "transferId", reason: "This transfer has already been decided." };
  if (decision === "reject" && note.trim() === "") {
    // The schema asks for it too; this is the rule for every other caller (scripts, imports).
    return { ok: false as const, field: "note", reason: TRANSFER_REASON_MISSING };
  }
  if (decision === "approve") {
    // Who asked for it, or whose shares it moves, does not approve it: another board member does.
    const parties = await db.selectFrom("organisation_users").select("user_id").where("organisation_id", "=", organisationId).where("member_id", "in", [t.from_member_id, t.to_member_id]).execute();
    const separate = checkSeparationOfDuties("share_transfer", actorUserId, [{ userId: t.requested_by, as: "asked for" }, ...parties.map((p) => ({ userId: p.user_id, as: "is a party to" as const }))]);
    if (!separate.ok) return { ok: false as const, field: "transferId", reason: separate.reason };
    const c = await check(db, organisationId, { classId: t.class_id, fromMemberId: t.from_member_id, toMemberId: t.to_member_id, shares: t.shares }, true);
    if (!c.ok) return c;
    const cls = (await getShareClass(db, organisationId, t.class_id))!;
    const amount = BigInt(t.shares) * BigInt(cls.par_value);
    const ref = `Transfer ${transferId.slice(0, 8)}`;
    await db.insertInto("share_transactions").values([
      { organisation_id: organisationId, member_id: t.from_member_id, class_id: t.class_id, kind: "transfer_out", shares: t.shares, amount, effective_on: on, method: "transfer", reference: ref, reverses_id: null, recorded_by: actorUserId },
      { organisation_id: organisationId, member_id: t.to_member_id, class_id: t.class_id, kind: "transfer_in", shares: t.shares, amount, effective_on: on, method: "transfer", reference: ref, reverses_id: null, recorded_by: actorUserId },
    ]).execute();
    await reissueCertificate(db, actorUserId, organisationId, t.from_member_id, t.class_id, on);
    await reissueCertificate(db, actorUserId, organisationId, t.to_member_id, t.class_id, on);
  }
  await db.updateTable("share_transfers").set({ status: decision === "approve" ? "approved" : "rejected", decided_on: on, decided_by: actorUserId, note }).where("organisation_id", "=", organisationId).where("id", "=", transferId).execute();
  await recordAudit(db, { organisationId, actorUserId, action: decision === "approve" ? "share.transfer_approved" : "share.transfer_rejected", entityType: "share_transfer", entityId: transferId, before: { status: "pending" }, after: { on, note } });
  const decidedOn = displayLongDate(on, (await organisationMoneyStyle(db, organisationId)).locale);
  for (const id of [t.from_member_id, t.to_member_id]) {
    const m = await memberForShares(db, organisationId, id);
    if (m?.email) await queueEmail(db, { organisationId, to: m.email, subject: `Share transfer ${decision === "approve" ? "approved" : "not approved"}`, body: `Dear ${m.name},\n\nThe board ${decision === "approve" ? "approved" : "did not approve"} the transfer of ${t.shares} shares on ${decidedOn}.${note ? `\n\n${decision === "approve" ? "" : "The board's reason: "}${note}` : ""}\n` });
  }
  return { ok: true as const };
}

export async function listTransfers(db: Executor, organisationId: string, memberId?: string) {
  return db
    .selectFrom("share_transfers as t")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "t.class_id").onRef("c.organisation_id", "=", "t.organisation_id"))
    .innerJoin("members as f", (j) => j.onRef("f.id", "=", "t.from_member_id").onRef("f.organisation_id", "=", "t.organisation_id"))
    .innerJoin("members as r", (j) => j.onRef("r.id", "=", "t.to_member_id").onRef("r.organisation_id", "=", "t.organisation_id"))
    .select(["t.id", "t.shares", "t.requested_on", "t.status", "t.decided_on", "t.note", "c.name as class_name", "f.name as from_name", "f.member_number as from_number", "r.name as to_name", "r.member_number as to_number"])
    .where("t.organisation_id", "=", organisationId)
    .$if(!!memberId, (q) => q.where((eb) => eb.or([eb("t.from_member_id", "=", memberId!), eb("t.to_member_id", "=", memberId!)])))
    .orderBy("t.created_at", "desc")
    .limit(200)
    .execute();
}

/** A member's own request to transfer shares to another member, named by number and name. */
export async function requestTransferByMember(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  memberId: string,
  t: { classId: string; toMemberNumber: number; toName: string; shares: number; on: string },
): Promise<RuleRefusal | { ok: true; id: string }> {
  const to = await memberByNumber(db, organisationId, t.toMemberNumber);
  // One answer for a wrong number and a wrong name: the form does not reveal who holds a number.
  if (!to || !sameName(to.name, t.toName)) return { ok: false, field: "toMemberNumber", reason: "No member has that number and name. Check both against their share certificate." };
  if (to.id === memberId) return { ok: false, field: "toMemberNumber", reason: "That is your own member number." };
  return requestTransfer(db, actorUserId, organisationId, { classId: t.classId, fromMemberId: memberId, toMemberId: to.id, shares: t.shares, on: t.on });
}
