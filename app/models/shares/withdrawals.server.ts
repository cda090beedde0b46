import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { displayLongDate } from "~/domain/locale";
import { displayMoney, type MoneyStyle } from "~/domain/money";
import { checkWithdrawal, withdrawalDueDate } from "~/domain/shares/rules";
import { payableWithdrawals, type WithdrawalSuspension } from "~/domain/shares/withdrawals";
import { recordAudit } from "~/models/core/audit.server";
import { organisationMoneyStyle } from "~/models/core/organisations.server";
import { queueEmail } from "~/models/core/outbox.server";
import { changeMemberStatus } from "~/models/shares/members.server";
import { getShareClass, listShareClasses, lockHolding, lockHoldings, lockMembers, memberForShares, reissueCertificate, toDomainClass, type RuleRefusal } from "~/models/shares/share-classes-and-holdings.server";

/*
 * Withdrawals: a member gives notice, the notice runs, the board may
 * suspend payment, and the secretary pays what is due in order of notice.
 * Each step locks the holding row, so concurrent requests or payments for
 * the same shares queue up and can never pay out more than exists; payment
 * runs and suspensions also take turns on the organisation's queue lock.
 */

async function pendingShares(db: Executor, organisationId: string, memberId: string, classId: string) {
  const row = await db
    .selectFrom("withdrawal_requests")
    .select(sql<string>`coalesce(sum(shares), 0)`.as("n"))
    .where("organisation_id", "=", organisationId)
    .where("member_id", "=", memberId)
    .where("class_id", "=", classId)
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function requestWithdrawal(
  db: Executor,
  input: { organisationId: string; actorUserId: string | null; memberId: string; classId: string; shares: number; leaving: boolean; on: string; money?: MoneyStyle },
): Promise<RuleRefusal | { ok: true; id: string; dueOn: string }> {
  const { organisationId, memberId, classId } = input;
  const [member, clsRow] = await Promise.all([memberForShares(db, organisationId, memberId), getShareClass(db, organisationId, classId)]);
  if (!member || member.status === "ceased") return { ok: false, field: "classId", reason: "Only members can give notice of withdrawal." };
  if (!clsRow) return { ok: false, field: "classId", reason: "No such share class" };
  const holding = await lockHolding(db, organisationId, memberId, classId);
  const pending = await pendingShares(db, organisationId, memberId, classId);
  const check = checkWithdrawal({ cls: toDomainClass(clsRow), currentShares: holding.shares, pendingShares: pending, withdrawShares: input.shares, leaving: input.leaving });
  if (!check.ok) return { ok: false, reason: check.reason, field: check.field === "withdrawShares" ? "shares" : check.field === "cls" ? "classId" : check.field };
  const dueOn = withdrawalDueDate(input.on, check.noticeDays);
  const row = await db
    .insertInto("withdrawal_requests")
    .values({ organisation_id: organisationId, member_id: memberId, class_id: classId, shares: input.shares, amount: check.amount, leaving: input.leaving, requested_on: input.on, due_on: dueOn, requested_by: input.actorUserId })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId: input.actorUserId, action: "share.withdrawal_requested", entityType: "withdrawal_request", entityId: row.id, after: { memberId, classId, shares: input.shares, amount: check.amount, leaving: input.leaving, requestedOn: input.on, dueOn } });
  if (member.email) {
    // The member's email writes money and the date as the organisation does (the session's organisation, or read from it).
    const money = input.money ?? (await organisationMoneyStyle(db, organisationId));
    await queueEmail(db, {
      organisationId, to: member.email, subject: "Your notice of withdrawal",
      body: `Dear ${member.name},\n\nWe have your notice to withdraw ${input.shares} ${clsRow.name} (${displayMoney(check.amount, money)}). The notice period ends on ${displayLongDate(dueOn, money.locale)}; we pay withdrawals in order of notice once it has run${input.leaving ? ", and your membership ends when we pay you" : ""}.\n`,
    });
  }
  return { ok: true, id: row.id, dueOn };
}

export async function listSuspensions(db: Executor, organisationId: string) {
  return db
    .selectFrom("withdrawal_suspensions as s")
    .leftJoin("share_classes as c", (j) => j.onRef("c.id", "=", "s.class_id").onRef("c.organisation_id", "=", "s.organisation_id"))
    .select(["s.id", "s.class_id", "s.from_on", "s.until_on", "s.reason", "c.name as class_name"])
    .where("s.organisation_id", "=", organisationId)
    .orderBy("s.from_on", "desc")
    .execute();
}

/**
 * The board's suspensions of withdrawals that bear on one member: of the whole society or of a class the member
 * holds, and not ended by `today` (in force, or announced from a later day). Their own pages say so, with the reason.
 */
export async function suspensionsForMember(db: Executor, organisationId: string, memberId: string, today: string) {
  const held = db.selectFrom("share_holdings").select("class_id").where("organisation_id", "=", organisationId).where("member_id", "=", memberId);
  return db
    .selectFrom("withdrawal_suspensions as s")
    .leftJoin("share_classes as c", (j) => j.onRef("c.id", "=", "s.class_id").onRef("c.organisation_id", "=", "s.organisation_id"))
    .select(["s.id", "s.from_on", "s.until_on", "s.reason", "c.name as class_name"])
    .where("s.organisation_id", "=", organisationId)
    .where((eb) => eb.or([eb("s.class_id", "is", null), eb("s.class_id", "in", held)]))
    .where((eb) => eb.or([eb("s.until_on", "is", null), eb("s.until_on", ">=", today)]))
    .orderBy("s.from_on")
    .execute();
}

function toDomainSuspensions(rows: Awaited<ReturnType<typeof listSuspensions>>): WithdrawalSuspension[] {
  return rows.map((s) => ({ classId: s.class_id, from: s.from_on, until: s.until_on, reason: s.reason }));
}

export async function suspendWithdrawals(db: Executor, actorUserId: string, organisationId: string, input: { classId: string | null; fromOn: string; reason: string }) {
  await lockWithdrawalQueue(db, organisationId);
  if (input.classId && !(await getShareClass(db, organisationId, input.classId))) return null;
  const row = await db
    .insertInto("withdrawal_suspensions")
    .values({ organisation_id: organisationId, class_id: input.classId, from_on: input.fromOn, reason: input.reason, recorded_by: actorUserId })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "share.withdrawals_suspended", entityType: "withdrawal_suspension", entityId: row.id, after: input });
  // Members with notice waiting are told, with the board's reason (their /my page shows it too).
  let waiting = db
    .selectFrom("withdrawal_requests as w")
    .innerJoin("members as m", (j) => j.onRef("m.id", "=", "w.member_id").onRef("m.organisation_id", "=", "w.organisation_id"))
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "w.class_id").onRef("c.organisation_id", "=", "w.organisation_id"))
    .select(["m.id", "m.name", "m.email", "c.name as class_name"])
    .where("w.organisation_id", "=", organisationId)
    .where("w.status", "=", "pending")
    .where("m.email", "is not", null);
  if (input.classId) waiting = waiting.where("w.class_id", "=", input.classId);
  const told = new Set<string>();
  const fromOn = displayLongDate(input.fromOn, (await organisationMoneyStyle(db, organisationId)).locale);
  for (const m of await waiting.orderBy("m.member_number").execute()) {
    if (told.has(m.id) || !m.email) continue;
    told.add(m.id);
    await queueEmail(db, {
      organisationId,
      to: m.email,
      subject: "Share withdrawals are suspended",
      body: `Dear ${m.name},\n\nThe board has suspended withdrawals of ${input.classId ? m.class_name : "shares"} from ${fromOn}, as the rules allow. The reason the board gave:\n\n${input.reason}\n\nYour notice of withdrawal still stands and keeps its place in the queue: it will be paid in order of notice once the suspension ends. You can see where it stands on your membership page.\n`,
    });
  }
  return row.id;
}

export async function endSuspension(db: Executor, actorUserId: string, organisationId: string, suspensionId: string, untilOn: string) {
  await lockWithdrawalQueue(db, organisationId);
  const before = await db.selectFrom("withdrawal_suspensions").selectAll().where("organisation_id", "=", organisationId).where("id", "=", suspensionId).executeTakeFirst();
  if (!before || before.until_on !== null) return null;
  if (untilOn < before.from_on) return { ok: false as const, reason: `The suspension began on ${before.from_on}; it cannot end before that.` };
  await db.updateTable("withdrawal_suspensions").set({ until_on: untilOn }).where("organisation_id", "=", organisationId).where("id", "=", suspensionId).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "share.withdrawals_resumed", entityType: "withdrawal_suspension", entityId: suspensionId, before: { until: null }, after: { until: untilOn } });
  return { ok: true as const };
}

export async function listWithdrawalRequests(db: Executor, organisationId: string, opts: { memberId?: string; status?: "pending" | "paid" | "cancelled"; limit?: number } = {}) {
  let q = db
    .selectFrom("withdrawal_requests as w")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "w.class_id").onRef("c.organisation_id", "=", "w.organisation_id"))
    .innerJoin("members as m", (j) => j.onRef("m.id", "=", "w.member_id").onRef("m.organisation_id", "=", "w.organisation_id"))
    .select(["w.id", "w.member_id", "w.class_id", "w.shares", "w.amount", "w.leaving", "w.requested_on", "w.due_on", "w.status", "w.paid_on", "c.name as class_name", "m.name as member_name", "m.member_number"])
    .where("w.organisation_id", "=", organisationId);
  if (opts.memberId) q = q.where("w.member_id", "=", opts.memberId);
  if (opts.status) q = q.where("w.status", "=", opts.status);
  return q.orderBy("w.requested_on").orderBy("w.created_at").limit(opts.limit ?? 500).execute();
}

/** Pending requests with what each is waiting for (notice or a suspension), as of a day; its dates in `locale`s words when given. */
export async function withdrawalQueue(db: Executor, organisationId: string, asOf: string, memberId?: string, locale?: string) {
  const [requests, suspensions, classes] = await Promise.all([
    listWithdrawalRequests(db, organisationId, { status: "pending", memberId }),
    listSuspensions(db, organisationId),
    listShareClasses(db, organisationId),
  ]);
  const { payable, waiting } = payableWithdrawals(
    requests.map((r) => ({ id: r.id, memberId: r.member_id, classId: r.class_id, shares: r.shares, requestedOn: r.requested_on, dueOn: r.due_on })),
    { asOf, suspensions: toDomainSuspensions(suspensions), classNames: Object.fromEntries(classes.map((c) => [c.id, c.name])), writeDate: locale ? (iso) => displayLongDate(iso, locale) : undefined },
  );
  const byId = new Map(requests.map((r) => [r.id, r]));
  return {
    payable: payable.map((p) => ({ ...byId.get(p.id)!, waiting: null as string | null })),
    waiting: waiting.map((w) => ({ ...byId.get(w.request.id)!, waiting: w.reason })),
    suspensions,
  };
}

/**
 * Payment runs and the board's suspensions of an organisation take turns:
 * a transaction-scoped lock, taken first (before any holding), so a payment
 * run reads the queue and the suspensions after any suspension being
 * recorded has committed, and two runs never pay from the same queue.
 */
async function lockWithdrawalQueue(db: Executor, organisationId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${"withdrawals:" + organisationId}))`.execute(db);
}

/**
 * Pay every request that is due on `paidOn`, in order of notice. The queue
 * is read under the queue lock; the holdings to be paid from are then all
 * locked in the common order before anything is written, and each request
 * is re-read under lock, so a request is paid once and a holding is never
 * paid below zero.
 */
/** `style`: how the organisation writes money and dates in the members' emails (the session's organisation); read from it when not given. */
export async function payDueWithdrawals(db: Executor, actorUserId: string | null, organisationId: string, paidOn: string, style?: MoneyStyle) {
  await lockWithdrawalQueue(db, organisationId);
  const { payable } = await withdrawalQueue(db, organisationId, paidOn);
  // A leaving member ceases when nothing is left in any class, so all their holdings are locked too.
  const leavers = [...new Set(payable.filter((p) => p.leaving).map((p) => p.member_id))];
  const leaverHoldings = leavers.length
    ? await db.selectFrom("share_holdings").select(["member_id", "class_id"]).where("organisation_id", "=", organisationId).where("member_id", "in", leavers).execute()
    : [];
  await lockHoldings(db, organisationId, [
    ...payable.map((p) => ({ memberId: p.member_id, classId: p.class_id })),
    ...leaverHoldings.map((h) => ({ memberId: h.member_id, classId: h.class_id })),
  ]);
  // Then the leavers' rows (their status may change), before the certificate lock the payments take.
  await lockMembers(db, organisationId, leavers);
  const money = style ?? (await organisationMoneyStyle(db, organisationId));
  const paid: string[] = [];
  for (const p of payable) if (await payWithdrawal(db, actorUserId, organisationId, p.id, paidOn, money)) paid.push(p.id);
  return paid;
}

async function payWithdrawal(db: Executor, actorUserId: string | null, organisationId: string, requestId: string, paidOn: string, money: MoneyStyle) {
  const head = await db.selectFrom("withdrawal_requests").select(["member_id", "class_id"]).where("organisation_id", "=", organisationId).where("id", "=", requestId).executeTakeFirst();
  if (!head) return false;
  // Lock order: holding first, then the request, the same order as requestWithdrawal, so no deadlock.
  const holding = await lockHolding(db, organisationId, head.member_id, head.class_id);
  const req = await db.selectFrom("withdrawal_requests").selectAll().where("organisation_id", "=", organisationId).where("id", "=", requestId).forUpdate().executeTakeFirstOrThrow();
  if (req.status !== "pending" || req.due_on > paidOn || holding.shares < req.shares) return false;
  const tx = await db
    .insertInto("share_transactions")
    .values({ organisation_id: organisationId, member_id: req.member_id, class_id: req.class_id, kind: "withdrawal", shares: req.shares, amount: req.amount, effective_on: paidOn, method: "withdrawal", reference: `Notice of ${req.requested_on}`, reverses_id: null, recorded_by: actorUserId })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.updateTable("withdrawal_requests").set({ status: "paid", paid_on: paidOn, transaction_id: tx.id }).where("organisation_id", "=", organisationId).where("id", "=", requestId).execute();
  await reissueCertificate(db, actorUserId, organisationId, req.member_id, req.class_id, paidOn);
  await recordAudit(db, { organisationId, actorUserId, action: "share.withdrawal_paid", entityType: "withdrawal_request", entityId: requestId, before: { shares: holding.shares }, after: { shares: holding.shares - req.shares, paid: req.shares, amount: req.amount, paidOn } });
  const member = await memberForShares(db, organisationId, req.member_id);
  if (req.leaving && member && member.status !== "ceased") {
    const left = await db.selectFrom("share_holdings").select(sql<string>`coalesce(sum(shares), 0)`.as("n")).where("organisation_id", "=", organisationId).where("member_id", "=", req.member_id).executeTakeFirstOrThrow();
    if (Number(left.n) === 0) await changeMemberStatus(db, actorUserId, organisationId, req.member_id, { status: "ceased", effectiveOn: paidOn, note: "Withdrew all shares on leaving" });
  }
  if (member?.email) {
    await queueEmail(db, { organisationId, to: member.email, subject: "Your share withdrawal has been paid", body: `Dear ${member.name},\n\nWe have paid your withdrawal of ${req.shares} shares (${displayMoney(BigInt(req.amount), money)}) on ${displayLongDate(paidOn, money.locale)}.\n` });
  }
  return true;
}
