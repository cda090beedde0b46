import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { checkPurchase, type MemberKind, type MemberStatus, type ShareClass } from "~/domain/shares/rules";
import type { ShareClassInput } from "~/schemas/shares";
import type { ShareMethod } from "../../../db/tables/shares";
import { recordAudit } from "~/models/core/audit.server";
import { organisationMoneyStyle } from "~/models/core/organisations.server";
import { conflict, refused } from "~/domain/refusal";
import type { FieldRefused } from "~/domain/refusal";

/*
 * Share classes, holdings, the share ledger and certificates. The ledger row
 * is the only write that changes a holding: the database trigger applies it
 * to share_holdings, whose CHECKs refuse a negative or over-maximum holding
 * even if a caller skipped the domain check.
 */

const CLASS_COLUMNS = [
  "id", "name", "par_value", "min_holding", "max_holding_value", "withdrawable", "transferable",
  "notice_days", "interest_rate_bp", "voting",
] as const;

export type ShareClassRow = Awaited<ReturnType<typeof listShareClasses>>[number];

export async function listShareClasses(db: Executor, organisationId: string) {
  return db.selectFrom("share_classes").select(CLASS_COLUMNS).where("organisation_id", "=", organisationId).orderBy("created_at").orderBy("name").execute();
}

export async function getShareClass(db: Executor, organisationId: string, classId: string) {
  return db.selectFrom("share_classes").select(CLASS_COLUMNS).where("organisation_id", "=", organisationId).where("id", "=", classId).executeTakeFirst();
}

export function toDomainClass(row: ShareClassRow): ShareClass {
  return {
    id: row.id,
    name: row.name,
    parValue: BigInt(row.par_value),
    minHolding: row.min_holding,
    maxHoldingValue: row.max_holding_value === null ? null : BigInt(row.max_holding_value),
    withdrawable: row.withdrawable,
    transferable: row.transferable,
    noticeDays: row.notice_days,
    interestRateBasisPoints: row.interest_rate_bp,
    voting: row.voting,
  };
}

function classValues(input: ShareClassInput) {
  return {
    name: input.name,
    par_value: input.parValue,
    min_holding: input.minHolding,
    max_holding_value: input.maxHolding,
    withdrawable: input.withdrawable,
    transferable: input.transferable,
    notice_days: input.noticeDays,
    interest_rate_bp: input.interestRate,
    voting: input.voting,
  };
}

async function nameTaken(db: Executor, organisationId: string, name: string, exceptId?: string) {
  let q = db.selectFrom("share_classes").select("id").where("organisation_id", "=", organisationId).where("name", "=", name);
  if (exceptId) q = q.where("id", "<>", exceptId);
  return !!(await q.executeTakeFirst());
}

export async function createShareClass(db: Executor, actorUserId: string | null, organisationId: string, input: ShareClassInput) {
  if (await nameTaken(db, organisationId, input.name)) throw conflict(`There is already a share class called ${input.name}`, "name");
  const row = await db.insertInto("share_classes").values({ organisation_id: organisationId, ...classValues(input) }).returning(CLASS_COLUMNS).executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "share_class.created", entityType: "share_class", entityId: row.id, after: row });
  return row;
}

export async function updateShareClass(db: Executor, actorUserId: string, organisationId: string, classId: string, input: ShareClassInput) {
  const before = await getShareClass(db, organisationId, classId);
  if (!before) return null;
  if (await nameTaken(db, organisationId, input.name, classId)) throw conflict(`There is already a share class called ${input.name}`, "name");
  // Par value is fixed once shares exist: changing it would rewrite what members paid.
  const issued = await db.selectFrom("share_transactions").select("id").where("organisation_id", "=", organisationId).where("class_id", "=", classId).limit(1).executeTakeFirst();
  if (issued && BigInt(before.par_value) !== input.parValue) throw refused("The par value cannot change once shares of this class have been issued", "parValue");
  const after = await db
    .updateTable("share_classes")
    .set(classValues(input))
    .where("organisation_id", "=", organisationId)
    .where("id", "=", classId)
    .returning(CLASS_COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "share_class.updated", entityType: "share_class", entityId: classId, before, after });
  return after;
}

/** Totals per class for the share capital page. */
export async function classTotals(db: Executor, organisationId: string) {
  const rows = await db
    .selectFrom("share_holdings")
    .select(["class_id", sql<string>`sum(shares)`.as("shares"), sql<string>`sum(value)`.as("value"), sql<string>`count(*) filter (where shares > 0)`.as("holders")])
    .where("organisation_id", "=", organisationId)
    .groupBy("class_id")
    .execute();
  return new Map(rows.map((r) => [r.class_id, { shares: BigInt(r.shares ?? 0), value: BigInt(r.value ?? 0), holders: Number(r.holders) }]));
}

export async function memberHoldings(db: Executor, organisationId: string, memberId: string) {
  return db
    .selectFrom("share_holdings as h")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "h.class_id").onRef("c.organisation_id", "=", "h.organisation_id"))
    .select(["h.class_id", "c.name as class_name", "c.par_value", "h.shares", "h.value", "c.withdrawable", "c.transferable", "c.notice_days"])
    .where("h.organisation_id", "=", organisationId)
    .where("h.member_id", "=", memberId)
    .orderBy("c.name")
    .execute();
}

export async function memberTransactions(db: Executor, organisationId: string, memberId: string, limit = 200) {
  return db
    .selectFrom("share_transactions as t")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "t.class_id").onRef("c.organisation_id", "=", "t.organisation_id"))
    .select(["t.id", "t.kind", "t.shares", "t.amount", "t.effective_on", "t.method", "t.reference", "t.reverses_id", "c.name as class_name"])
    .where("t.organisation_id", "=", organisationId)
    .where("t.member_id", "=", memberId)
    .orderBy("t.effective_on", "desc")
    .orderBy("t.id", "desc")
    .limit(limit)
    .execute();
}

export async function memberCertificates(db: Executor, organisationId: string, memberId: string) {
  return db
    .selectFrom("share_certificates as s")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "s.class_id").onRef("c.organisation_id", "=", "s.organisation_id"))
    .select(["s.id", "s.number", "s.shares", "s.issued_on", "s.cancelled_on", "s.replaced_by", "c.name as class_name", "c.par_value"])
    .where("s.organisation_id", "=", organisationId)
    .where("s.member_id", "=", memberId)
    .orderBy("s.number", "desc")
    .execute();
}

export async function getCertificate(db: Executor, organisationId: string, certificateId: string) {
  return db
    .selectFrom("share_certificates as s")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "s.class_id").onRef("c.organisation_id", "=", "s.organisation_id"))
    .innerJoin("members as m", (j) => j.onRef("m.id", "=", "s.member_id").onRef("m.organisation_id", "=", "s.organisation_id"))
    .select(["s.id", "s.number", "s.shares", "s.issued_on", "s.cancelled_on", "s.replaced_by", "s.member_id", "c.name as class_name", "c.par_value", "m.name as member_name", "m.member_number", "m.address"])
    .where("s.organisation_id", "=", organisationId)
    .where("s.id", "=", certificateId)
    .executeTakeFirst();
}

/**
 * Lock one holding (creating the empty row if need be) so that concurrent
 * changes to it queue up: the domain check then sees the settled figure.
 */
export async function lockHolding(db: Executor, organisationId: string, memberId: string, classId: string) {
  await db.insertInto("share_holdings").values({ organisation_id: organisationId, member_id: memberId, class_id: classId }).onConflict((oc) => oc.doNothing()).execute();
  const row = await db
    .selectFrom("share_holdings")
    .select(["shares", "value"])
    .where("organisation_id", "=", organisationId)
    .where("member_id", "=", memberId)
    .where("class_id", "=", classId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { shares: Number(row.shares), value: BigInt(row.value) };
}

export type HoldingKey = { memberId: string; classId: string };

/**
 * Lock several holdings in the one order every action uses, by member then
 * class, so that two actions over the same holdings (a transfer and its
 * reverse, an interest run and a purchase) queue instead of deadlocking.
 * An action that changes more than one holding locks them all with this
 * before it writes anything: the certificate number lock and the audit
 * chain's head, which every write ends by taking, come after the holdings.
 */
export async function lockHoldings(db: Executor, organisationId: string, keys: readonly HoldingKey[]) {
  const id = (k: HoldingKey) => `${k.memberId}/${k.classId}`;
  const sorted = [...new Map(keys.map((k) => [id(k), k])).values()].sort((a, b) => (a.memberId === b.memberId ? cmp(a.classId, b.classId) : cmp(a.memberId, b.memberId)));
  const locked = new Map<string, { shares: number; value: bigint }>();
  for (const k of sorted) locked.set(id(k), await lockHolding(db, organisationId, k.memberId, k.classId));
  return (k: HoldingKey) => locked.get(id(k))!;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Hold members' rows for a change of status (admission, ceasing on a final
 * payout), after their holdings and before the certificate lock, so the
 * lock order stays holdings, members, certificates, audit chain.
 */
export async function lockMembers(db: Executor, organisationId: string, memberIds: readonly string[]) {
  const ids = [...new Set(memberIds)].sort(cmp);
  for (const id of ids) await db.selectFrom("members").select("id").where("organisation_id", "=", organisationId).where("id", "=", id).forNoKeyUpdate().execute();
}

/** Certificate numbers run per organisation; a transaction-scoped lock keeps two issues from taking the same number. */
async function nextCertificateNumber(db: Executor, organisationId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${"certificates:" + organisationId}))`.execute(db);
  const row = await db
    .selectFrom("share_certificates")
    .select(sql<number>`coalesce(max(number), 0) + 1`.as("next"))
    .where("organisation_id", "=", organisationId)
    .executeTakeFirstOrThrow();
  return Number(row.next);
}

/**
 * After a holding changes, cancel its current certificate and issue one for
 * the new holding (none if it is now empty). Returns the new number or null.
 */
export async function reissueCertificate(db: Executor, actorUserId: string | null, organisationId: string, memberId: string, classId: string, on: string) {
  const holding = await db
    .selectFrom("share_holdings")
    .select("shares")
    .where("organisation_id", "=", organisationId)
    .where("member_id", "=", memberId)
    .where("class_id", "=", classId)
    .executeTakeFirst();
  const shares = holding ? BigInt(holding.shares) : 0n;
  const current = await db
    .selectFrom("share_certificates")
    .select(["id", "number", "issued_on"])
    .where("organisation_id", "=", organisationId)
    .where("member_id", "=", memberId)
    .where("class_id", "=", classId)
    .where("cancelled_on", "is", null)
    .executeTakeFirst();
  let number: number | null = null;
  if (shares > 0n) number = await nextCertificateNumber(db, organisationId);
  if (current) {
    await db
      .updateTable("share_certificates")
      .set({ cancelled_on: current.issued_on > on ? current.issued_on : on, replaced_by: number })
      .where("organisation_id", "=", organisationId)
      .where("id", "=", current.id)
      .execute();
  }
  if (number !== null) {
    const cert = await db
      .insertInto("share_certificates")
      .values({ organisation_id: organisationId, number, member_id: memberId, class_id: classId, shares, issued_on: on })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(db, {
      organisationId, actorUserId, action: "share.certificate_issued", entityType: "share_certificate", entityId: cert.id,
      before: current ? { cancelledNumber: current.number } : null, after: { number, memberId, classId, shares },
    });
  }
  return number;
}

/** A share rule's refusal, returned: always names the form field (app/domain/refusal.ts). */
export type RuleRefusal = FieldRefused;

/**
 * A member's details for the share rules. With `lock`, the row is held
 * (FOR SHARE) until the transaction ends, so the status that decides an
 * acquisition cannot change under it: take it after the holding's lock.
 */
export async function memberForShares(db: Executor, organisationId: string, memberId: string, opts: { lock?: boolean } = {}) {
  const q = db
    .selectFrom("members")
    .select(["id", "name", "email", "status", "kind", "member_number", "admitted_on", "ceased_on"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", memberId);
  return (opts.lock ? q.forShare() : q).executeTakeFirst();
}

export function memberKind(kind: string): MemberKind {
  return kind === "organisation" ? "organisation" : "person";
}

/**
 * Record a purchase (manual payment, card payment confirmed by Stripe, or an
 * admission). Checks the class rules against the locked holding, writes the
 * ledger row (the trigger moves the holding), reissues the certificate and
 * writes the audit event, all in the caller's transaction.
 */
export async function recordPurchase(
  db: Executor,
  input: {
    organisationId: string;
    actorUserId: string | null;
    memberId: string;
    classId: string;
    shares: number;
    on: string;
    method: ShareMethod;
    reference?: string;
    /** Admission issues the minimum holding in one go, so the minimum is met by it. */
  },
): Promise<RuleRefusal | { ok: true; transactionId: bigint; certificateNumber: number | null; amount: bigint }> {
  const { organisationId, memberId, classId } = input;
  const [found, clsRow, money] = await Promise.all([memberForShares(db, organisationId, memberId), getShareClass(db, organisationId, classId), organisationMoneyStyle(db, organisationId)]);
  if (!found) return { ok: false, field: "memberId", reason: "No such member" };
  if (!clsRow) return { ok: false, field: "classId", reason: "No such share class" };
  const current = await lockHolding(db, organisationId, memberId, classId);
  // Read again under the holding's lock, and held: a payout that ends the membership changes the status.
  const member = (await memberForShares(db, organisationId, memberId, { lock: true })) ?? found;
  const check = checkPurchase({
    cls: toDomainClass(clsRow),
    currentShares: current.shares,
    buyShares: input.shares,
    memberStatus: member.status as MemberStatus,
    memberKind: memberKind(member.kind),
    money,
  });
  if (!check.ok) return { ok: false, reason: check.reason, field: check.field === "buyShares" ? "shares" : check.field };
  const tx = await db
    .insertInto("share_transactions")
    .values({
      organisation_id: organisationId, member_id: memberId, class_id: classId, kind: "purchase", shares: input.shares,
      amount: check.amount, effective_on: input.on, method: input.method, reference: input.reference ?? "", reverses_id: null, recorded_by: input.actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const certificateNumber = await reissueCertificate(db, input.actorUserId, organisationId, memberId, classId, input.on);
  await recordAudit(db, {
    organisationId, actorUserId: input.actorUserId, action: "share.purchase_recorded", entityType: "share_transaction", entityId: String(tx.id),
    before: { shares: current.shares }, after: { memberId, classId, shares: check.sharesAfter, bought: input.shares, amount: check.amount, method: input.method, reference: input.reference ?? "", on: input.on },
  });
  return { ok: true, transactionId: BigInt(tx.id), certificateNumber, amount: check.amount };
}

/** Cancel a ledger row by a reversal row (the ledger itself is never edited). */
export async function reverseTransaction(db: Executor, actorUserId: string | null, organisationId: string, transactionId: bigint, on: string, reason: string) {
  const orig = await db
    .selectFrom("share_transactions")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "=", transactionId)
    .executeTakeFirst();
  if (!orig || orig.kind === "reversal") return null;
  await lockHolding(db, organisationId, orig.member_id, orig.class_id);
  const row = await db
    .insertInto("share_transactions")
    .values({
      organisation_id: organisationId, member_id: orig.member_id, class_id: orig.class_id, kind: "reversal", shares: orig.shares, amount: orig.amount,
      effective_on: on, reverses_id: orig.id, reference: reason.slice(0, 200), recorded_by: actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await reissueCertificate(db, actorUserId, organisationId, orig.member_id, orig.class_id, on);
  await recordAudit(db, { organisationId, actorUserId, action: "share.transaction_reversed", entityType: "share_transaction", entityId: String(row.id), before: { id: String(orig.id) }, after: { reason } });
  return row.id;
}

/**
 * The check that the holdings projection equals the ledger: every holding
 * whose stored figures differ from the sum of its ledger rows. Empty = sound.
 */
export async function holdingsLedgerMismatches(db: Executor, organisationId: string) {
  const result = await sql<{ member_id: string; class_id: string; stored_shares: string; ledger_shares: string; stored_value: string; ledger_value: string }>`
    with signed as (
      select t.member_id, t.class_id,
             case when coalesce(o.kind, t.kind) in ('purchase','transfer_in','interest_shares','bonus') then 1 else -1 end
               * case when t.kind = 'reversal' then -1 else 1 end as dir,
             t.shares, t.amount
        from share_transactions t
        left join share_transactions o on o.id = t.reverses_id
       where t.organisation_id = ${organisationId}
    ), ledger as (
      select member_id, class_id, sum(dir * shares) as shares, sum(dir * amount) as value from signed group by member_id, class_id
    )
    select coalesce(h.member_id, l.member_id) as member_id, coalesce(h.class_id, l.class_id) as class_id,
           coalesce(h.shares, 0)::text as stored_shares, coalesce(l.shares, 0)::text as ledger_shares,
           coalesce(h.value, 0)::text as stored_value, coalesce(l.value, 0)::text as ledger_value
      from (select * from share_holdings where organisation_id = ${organisationId}) h
      full join ledger l on l.member_id = h.member_id and l.class_id = h.class_id
     where coalesce(h.shares, 0) <> coalesce(l.shares, 0) or coalesce(h.value, 0) <> coalesce(l.value, 0)
  `.execute(db);
  return result.rows;
}

/** The organisation's ledger, newest first, for the share capital page. */
export async function recentTransactions(db: Executor, organisationId: string, limit = 50) {
  return db
    .selectFrom("share_transactions as t")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "t.class_id").onRef("c.organisation_id", "=", "t.organisation_id"))
    .innerJoin("members as m", (j) => j.onRef("m.id", "=", "t.member_id").onRef("m.organisation_id", "=", "t.organisation_id"))
    .select(["t.id", "t.kind", "t.shares", "t.amount", "t.effective_on", "t.method", "t.reference", "c.name as class_name", "m.name as member_name", "m.member_number", "m.id as member_id"])
    .where("t.organisation_id", "=", organisationId)
    .orderBy("t.id", "desc")
    .limit(limit)
    .execute();
}

export async function memberByNumber(db: Executor, organisationId: string, memberNumber: number) {
  return db
    .selectFrom("members")
    .select(["id", "name", "status", "kind", "email"])
    .where("organisation_id", "=", organisationId)
    .where("member_number", "=", memberNumber)
    .executeTakeFirst();
}
