import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { isLocal, normalisePostcode } from "~/domain/postcode";
import type { MemberInput } from "~/schemas/member";
import type { MemberStatus } from "../../../db/tables/shares";
import { recordAudit } from "~/models/core/audit.server";
import { conflict } from "~/domain/refusal";

export const MEMBERS_PAGE_SIZE = 25;

const MEMBER_COLUMNS = [
  "id", "member_number", "kind", "name", "email", "phone", "address", "postcode", "is_local",
  "status", "applied_on", "admitted_on", "ceased_on",
] as const;

/**
 * The typed text folded as names are indexed (member_name_key, migration
 * 0030: lower case, accents off), by the database itself so both sides fold
 * alike on either driver and in any locale.
 */
export async function memberNameKey(db: Executor, text: string): Promise<string> {
  const row = await sql<{ key: string }>`select member_name_key(${text.normalize("NFC")}) as key`.execute(db);
  return row.rows[0]?.key ?? "";
}

/**
 * The condition a name search puts on members: the folded name starts with the
 * folded text ("ann pat" finds "Ann Patel"; members_name_key_idx), or each typed
 * word starts some word of the name, in any order ("patel a", "zoe" for "Zoë";
 * members_name_key_words_idx). `key` comes from memberNameKey.
 */
export function nameSearchCondition(key: string) {
  const prefix = key.replace(/[\\%_]/g, (c) => "\\" + c) + "%";
  const words = nameWordsQuery(key);
  const whole = sql<boolean>`(name_key collate "C") like ${prefix}`;
  return words ? sql<boolean>`(${whole} or to_tsvector('simple'::regconfig, name_key) @@ to_tsquery('simple'::regconfig, ${words}))` : whole;
}

/**
 * Search the register by member number (exact) or name (see
 * nameSearchCondition). Both use indexes, so this stays fast on a register
 * of a million members.
 */
export async function searchMembers(db: Executor, organisationId: string, opts: { q?: string; page?: number; status?: MemberStatus }) {
  const page = Math.max(1, opts.page ?? 1);
  const q = (opts.q ?? "").trim();
  let query = db.selectFrom("members").where("organisation_id", "=", organisationId);
  if (/^\d{1,9}$/.test(q)) {
    query = query.where("member_number", "=", Number(q));
  } else if (q) {
    query = query.where(nameSearchCondition(await memberNameKey(db, q)));
  }
  if (opts.status) query = query.where("status", "=", opts.status);
  // For a name search, order by an expression the member-number index cannot give: PostgreSQL cannot estimate
  // how many names a word prefix matches and would otherwise walk the whole register in number order,
  // filtering each name (over a second for a name nobody has, on 300,000 members). So the two name indexes
  // find the matches (a bitmap OR) and only those are sorted: time grows with the matches, not the register.
  const nameSearch = q !== "" && !/^\d{1,9}$/.test(q);
  const rows = await query
    .select(MEMBER_COLUMNS)
    .orderBy(nameSearch ? sql`member_number + 0` : sql`member_number`)
    .limit(MEMBERS_PAGE_SIZE + 1)
    .offset((page - 1) * MEMBERS_PAGE_SIZE)
    .execute();
  return { members: rows.slice(0, MEMBERS_PAGE_SIZE), page, hasNext: rows.length > MEMBERS_PAGE_SIZE };
}

/**
 * A text search query matching names with a word starting with each typed word
 * ("pat sm" -> 'pat':* & 'sm':*). Only letters and digits reach the query, each
 * quoted, so nothing typed can change its syntax. Null when nothing is left.
 */
export function nameWordsQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words.slice(0, 8).map((w) => `'${w}':*`).join(" & ");
}

export async function countMembersByStatus(db: Executor, organisationId: string) {
  const rows = await db
    .selectFrom("members")
    .select(["status", sql<string>`count(*)`.as("n")])
    .where("organisation_id", "=", organisationId)
    .groupBy("status")
    .execute();
  const counts: Record<MemberStatus, number> = { applied: 0, admitted: 0, suspended: 0, ceased: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

export async function getMember(db: Executor, organisationId: string, memberId: string) {
  return db
    .selectFrom("members")
    .select(MEMBER_COLUMNS)
    .where("organisation_id", "=", organisationId)
    .where("id", "=", memberId)
    .executeTakeFirst();
}

export async function memberStatusHistory(db: Executor, organisationId: string, memberId: string) {
  return db
    .selectFrom("member_status_history as h")
    .leftJoin("users as u", "u.id", "h.recorded_by")
    .select(["h.id", "h.status", "h.effective_on", "h.note", "h.recorded_at", "u.name as recorded_by_name"])
    .where("h.organisation_id", "=", organisationId)
    .where("h.member_id", "=", memberId)
    .orderBy("h.effective_on")
    .orderBy("h.id")
    .execute();
}

export async function nextMemberNumber(db: Executor, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom("members")
    .select(sql<number>`coalesce(max(member_number), 0) + 1`.as("next"))
    .where("organisation_id", "=", organisationId)
    .executeTakeFirstOrThrow();
  return Number(row.next);
}


/** The dates a status sets on the member row (the history keeps every change). */
function statusDates(status: MemberStatus, on: string) {
  switch (status) {
    case "applied":
      return {};
    case "admitted":
      return { admitted_on: on, ceased_on: null };
    case "suspended":
      return {};
    case "ceased":
      return { ceased_on: on };
  }
}

/** A member's contact details as columns: the postcode tidied, and whether it is in the local area. */
function detailColumns(input: Pick<MemberInput, "kind" | "name" | "email" | "phone" | "address" | "postcode">, localArea: string[]) {
  const postcode = normalisePostcode(input.postcode) ?? input.postcode;
  return {
    kind: input.kind,
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    address: input.address,
    postcode,
    is_local: isLocal(postcode, localArea),
  };
}

export async function createMember(db: Executor, actorUserId: string | null, organisationId: string, localArea: string[], input: MemberInput) {
  const memberNumber = input.memberNumber ?? (await nextMemberNumber(db, organisationId));
  const taken = await db
    .selectFrom("members")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("member_number", "=", memberNumber)
    .executeTakeFirst();
  if (taken) throw conflict(`Member number ${memberNumber} is already in use`, "memberNumber");
  const member = await db
    .insertInto("members")
    .values({
      organisation_id: organisationId,
      member_number: memberNumber,
      ...detailColumns(input, localArea),
      status: input.status,
      applied_on: input.statusDate,
      ...statusDates(input.status, input.statusDate),
    })
    .returning(MEMBER_COLUMNS)
    .executeTakeFirstOrThrow();
  await db
    .insertInto("member_status_history")
    .values({ organisation_id: organisationId, member_id: member.id, status: input.status, effective_on: input.statusDate, recorded_by: actorUserId })
    .execute();
  await recordAudit(db, { organisationId, actorUserId, action: "member.created", entityType: "member", entityId: member.id, after: member });
  return member;
}

export async function updateMemberDetails(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  localArea: string[],
  memberId: string,
  input: Pick<MemberInput, "kind" | "name" | "email" | "phone" | "address" | "postcode">,
) {
  const before = await getMember(db, organisationId, memberId);
  if (!before) return null;
  const after = await db
    .updateTable("members")
    .set({
      ...detailColumns(input, localArea),
      updated_at: new Date(),
    })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", memberId)
    .returning(MEMBER_COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "member.updated", entityType: "member", entityId: memberId, before, after });
  return after;
}

export async function changeMemberStatus(
  db: Executor,
  actorUserId: string | null,
  organisationId: string,
  memberId: string,
  change: { status: MemberStatus; effectiveOn: string; note?: string },
) {
  const before = await getMember(db, organisationId, memberId);
  if (!before) return null;
  const after = await db
    .updateTable("members")
    .set({ status: change.status, updated_at: new Date(), ...statusDates(change.status, change.effectiveOn) })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", memberId)
    .returning(MEMBER_COLUMNS)
    .executeTakeFirstOrThrow();
  await db
    .insertInto("member_status_history")
    .values({ organisation_id: organisationId, member_id: memberId, status: change.status, effective_on: change.effectiveOn, note: change.note ?? "", recorded_by: actorUserId })
    .execute();
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "member.status_changed",
    entityType: "member",
    entityId: memberId,
    before: { status: before.status },
    after: { status: after.status, effectiveOn: change.effectiveOn, note: change.note ?? "" },
  });
  return after;
}
