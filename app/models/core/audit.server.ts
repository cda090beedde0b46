import { createHash } from "node:crypto";
import { sql } from "kysely";
import { auditDetailLines, auditKindLabel, describeAuditEvent, memberIdsOf, thingIdsOf, type AuditFacts, type AuditKind, type AuditNames } from "~/domain/audit-words";
import type { Executor } from "~/utils/db.server";
import { DEFAULT_LOCALE } from "~/domain/locale";
import { moneyStyleOf } from "~/domain/money";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditInput {
  organisationId: string;
  actorUserId: string | null;
  /** One of the kinds in app/domain/audit-words.ts, each with its words for the audit trail. */
  action: AuditKind;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  at?: Date;
}

/** JSON with sorted keys and bigint as strings, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

export function chainHash(prevHash: string, body: string): string {
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

/**
 * Append one event to the organisation's hash chain. Call it inside the
 * transaction that makes the change: the head row's lock orders events of
 * one organisation, and a rollback takes the event with it.
 */
export async function recordAudit(db: Executor, input: AuditInput) {
  const at = input.at ?? new Date();
  await db
    .insertInto("audit_chain_heads")
    .values({ organisation_id: input.organisationId, last_seq: 0n, last_hash: GENESIS_HASH })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const head = await db
    .selectFrom("audit_chain_heads")
    .select(["last_seq", "last_hash"])
    .where("organisation_id", "=", input.organisationId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const seq = BigInt(head.last_seq) + 1n;
  const body = canonicalJson({
    seq: seq.toString(),
    at: at.toISOString(),
    actor: input.actorUserId,
    action: input.action,
    entity: `${input.entityType}:${input.entityId}`,
    before: input.before ?? null,
    after: input.after ?? null,
  });
  const hash = chainHash(head.last_hash, body);
  await db
    .insertInto("audit_events")
    .values({
      organisation_id: input.organisationId,
      seq,
      at,
      actor_user_id: input.actorUserId,
      action: input.action,
      entity_type: input.entityType,
      entity_id: input.entityId,
      body,
      prev_hash: head.last_hash,
      hash,
    })
    .execute();
  await db
    .updateTable("audit_chain_heads")
    .set({ last_seq: seq, last_hash: hash })
    .where("organisation_id", "=", input.organisationId)
    .execute();
}

export type ChainCheck = { ok: true; events: number } | { ok: false; events: number; brokenAt: bigint; reason: string };

/** Walk an organisation's chain in order and report the first broken link. */
export async function verifyAuditChain(db: Executor, organisationId: string): Promise<ChainCheck> {
  const rows = await db
    .selectFrom("audit_events")
    .select(["seq", "body", "prev_hash", "hash"])
    .where("organisation_id", "=", organisationId)
    .orderBy("seq")
    .execute();
  let prev = GENESIS_HASH;
  let expectedSeq = 1n;
  for (const row of rows) {
    const seq = BigInt(row.seq);
    if (seq !== expectedSeq) return { ok: false, events: rows.length, brokenAt: expectedSeq, reason: `event ${expectedSeq} is missing` };
    if (row.prev_hash !== prev) return { ok: false, events: rows.length, brokenAt: seq, reason: "its link to the previous event does not match" };
    if (chainHash(prev, row.body) !== row.hash) return { ok: false, events: rows.length, brokenAt: seq, reason: "its content was changed after it was written" };
    prev = row.hash;
    expectedSeq++;
  }
  return { ok: true, events: rows.length };
}

export async function listAuditEvents(db: Executor, organisationId: string, opts: { limit?: number; entityId?: string } = {}) {
  let q = db
    .selectFrom("audit_events as a")
    .leftJoin("users as u", "u.id", "a.actor_user_id")
    .select(["a.seq", "a.at", "a.action", "a.entity_type", "a.entity_id", "a.body", "u.name as actor_name"])
    .where("a.organisation_id", "=", organisationId);
  if (opts.entityId) q = q.where("a.entity_id", "=", opts.entityId);
  return q.orderBy("a.seq", "desc").limit(opts.limit ?? 100).execute();
}

// ---------------------------------------------------------------------------
// The audit trail page and its export: filters, keyset pages, plain words.
// ---------------------------------------------------------------------------

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  kind?: string;
  /** A user's id, or "system" for events no user made. */
  who?: string;
  /** Business dates in the organisation's time zone, both days included. */
  from?: string;
  to?: string;
  /** Free text on the subject: a member's name or number, a borrower, a file name, a title, an id. */
  q?: string;
}

type AuditRow = { seq: bigint | string; at: Date; action: string; entity_type: string; entity_id: string; body: string; actor_name: string | null };

async function filteredEvents(db: Executor, organisationId: string, timeZone: string, f: AuditFilter) {
  let q = db
    .selectFrom("audit_events as a")
    .leftJoin("users as u", "u.id", "a.actor_user_id")
    .select(["a.seq", "a.at", "a.action", "a.entity_type", "a.entity_id", "a.body", "u.name as actor_name"])
    .where("a.organisation_id", "=", organisationId);
  if (f.kind) q = q.where("a.action", "=", f.kind);
  if (f.who === "system") q = q.where("a.actor_user_id", "is", null);
  else if (f.who) q = q.where("a.actor_user_id", "=", f.who);
  // A day runs midnight to midnight where the organisation is, not in UTC.
  if (f.from) q = q.where(sql<boolean>`a.at >= (${f.from}::date::timestamp at time zone ${timeZone})`);
  if (f.to) q = q.where(sql<boolean>`a.at < ((${f.to}::date + 1)::timestamp at time zone ${timeZone})`);
  const text = f.q?.trim();
  if (text) {
    const like = "%" + text.replace(/[\\%_]/g, (c) => "\\" + c) + "%";
    // What the text names: members (by number or name), and loans and applications (by the borrower's name).
    const members = await db
      .selectFrom("members")
      .select("id")
      .where("organisation_id", "=", organisationId)
      .where((eb) => (/^\d{1,9}$/.test(text) ? eb("member_number", "=", Number(text)) : eb(sql`lower(name)`, "like", like.toLowerCase())))
      .limit(100)
      .execute();
    const lending = await db
      .selectFrom("borrowers as b")
      .leftJoin("loans as l", (j) => j.onRef("l.organisation_id", "=", "b.organisation_id").onRef("l.borrower_id", "=", "b.id"))
      .leftJoin("loan_applications as p", (j) => j.onRef("p.organisation_id", "=", "b.organisation_id").onRef("p.borrower_id", "=", "b.id"))
      .select(["b.id as borrower_id", "l.id as loan_id", "p.id as application_id"])
      .where("b.organisation_id", "=", organisationId)
      .where(sql`lower(b.legal_name)`, "like", like.toLowerCase())
      .limit(200)
      .execute();
    const ids = [...new Set([...members.map((m) => m.id), ...lending.flatMap((r) => [r.borrower_id, r.loan_id, r.application_id])].filter((v): v is string => !!v))];
    q = q.where((eb) =>
      eb.or([
        eb("a.entity_id", "=", text),
        // A number is a member number (or an id), not any digit anywhere in an event.
        ...(/^\d{1,9}$/.test(text) ? [] : [eb("a.body", "ilike", like)]),
        ...(ids.length ? [eb("a.entity_id", "in", ids), eb(sql`a.body`, "like", sql`any(${sql.val(ids.map((id) => `%${id}%`))}::text[])`)] : []),
      ]),
    );
  }
  return q;
}

export interface AuditCursor {
  /** Events older than this sequence number (the next page back). */
  before?: bigint;
  /** Events newer than this sequence number (the page before, going forward). */
  after?: bigint;
}

/**
 * One page of the audit trail, newest first, by keyset on the event's
 * sequence number: `older`/`newer` are the cursors for the links, null when
 * there is nothing that way.
 */
export async function auditPage(db: Executor, organisation: { id: string; timeZone: string }, filter: AuditFilter, cursor: AuditCursor = {}, pageSize = AUDIT_PAGE_SIZE) {
  const base = await filteredEvents(db, organisation.id, organisation.timeZone, filter);
  let rows: AuditRow[];
  if (cursor.after !== undefined) {
    rows = (await base.where("a.seq", ">", cursor.after).orderBy("a.seq", "asc").limit(pageSize + 1).execute()).reverse();
    const more = rows.length > pageSize;
    if (more) rows = rows.slice(1);
    const older = rows.length ? !!(await base.where("a.seq", "<", BigInt(rows[rows.length - 1].seq)).limit(1).executeTakeFirst()) : false;
    return { events: rows, newer: more && rows.length ? String(rows[0].seq) : null, older: older ? String(rows[rows.length - 1].seq) : null };
  }
  let q = base;
  if (cursor.before !== undefined) q = q.where("a.seq", "<", cursor.before);
  rows = await q.orderBy("a.seq", "desc").limit(pageSize + 1).execute();
  const more = rows.length > pageSize;
  if (more) rows = rows.slice(0, pageSize);
  const newer = cursor.before !== undefined && rows.length ? !!(await base.where("a.seq", ">", BigInt(rows[0].seq)).limit(1).executeTakeFirst()) : false;
  return { events: rows, newer: newer ? String(rows[0].seq) : null, older: more ? String(rows[rows.length - 1].seq) : null };
}

/** Every event the filter matches, newest first, a batch at a time (for the CSV export). */
export async function* auditEventsForExport(db: Executor, organisation: { id: string; timeZone: string }, filter: AuditFilter, batchSize = 500): AsyncGenerator<AuditRow[]> {
  let before: bigint | undefined;
  for (;;) {
    const page = await auditPage(db, organisation, filter, before === undefined ? {} : { before }, batchSize);
    if (page.events.length) yield page.events;
    if (!page.older) return;
    before = BigInt(page.older);
  }
}

/** The parsed before/after of an event's body (the body is the hashed canonical JSON). */
export function auditFacts(row: AuditRow): AuditFacts {
  let parsed: { before?: unknown; after?: unknown } = {};
  try {
    parsed = JSON.parse(row.body) as typeof parsed;
  } catch {
    // A body that is not JSON is shown raw in the details; the sentence goes without its fields.
  }
  return { action: row.action, actorName: row.actor_name, entityType: row.entity_type, entityId: row.entity_id, before: parsed.before ?? null, after: parsed.after ?? null };
}

/** Numbers and names of what a page of events refers to, for the words. */
export async function auditNames(db: Executor, organisationId: string, facts: readonly AuditFacts[]): Promise<AuditNames> {
  const memberIds = [...new Set(facts.flatMap(memberIdsOf))];
  const wanted = facts.flatMap(thingIdsOf);
  const idsOf = (table: string) => [...new Set(wanted.filter((w) => w.table === table).map((w) => w.id))];
  const things = new Map<string, string>();
  const [members, loans, apps, meetings, motions, classes, accounts, users] = await Promise.all([
    memberIds.length ? db.selectFrom("members").select(["id", "member_number", "name"]).where("organisation_id", "=", organisationId).where("id", "in", memberIds).execute() : [],
    idsOf("loan").length
      ? db.selectFrom("loans as l").innerJoin("borrowers as b", "b.id", "l.borrower_id").select(["l.id", "b.legal_name"]).where("l.organisation_id", "=", organisationId).where("l.id", "in", idsOf("loan")).execute()
      : [],
    idsOf("loan_application").length
      ? db.selectFrom("loan_applications as p").innerJoin("borrowers as b", "b.id", "p.borrower_id").select(["p.id", "b.legal_name"]).where("p.organisation_id", "=", organisationId).where("p.id", "in", idsOf("loan_application")).execute()
      : [],
    idsOf("meeting").length ? db.selectFrom("meetings").select(["id", "title"]).where("organisation_id", "=", organisationId).where("id", "in", idsOf("meeting")).execute() : [],
    idsOf("motion").length ? db.selectFrom("motions").select(["id", "title"]).where("organisation_id", "=", organisationId).where("id", "in", idsOf("motion")).execute() : [],
    idsOf("share_class").length ? db.selectFrom("share_classes").select(["id", "name"]).where("organisation_id", "=", organisationId).where("id", "in", idsOf("share_class")).execute() : [],
    idsOf("bank_account").length ? db.selectFrom("bank_accounts").select(["id", "name"]).where("organisation_id", "=", organisationId).where("id", "in", idsOf("bank_account")).execute() : [],
    idsOf("user").length
      ? db.selectFrom("users as u").innerJoin("organisation_users as ou", "ou.user_id", "u.id").select(["u.id", "u.name"]).where("ou.organisation_id", "=", organisationId).where("u.id", "in", idsOf("user")).execute()
      : [],
  ]);
  for (const l of loans) things.set(l.id, `the loan to ${l.legal_name}`);
  for (const p of apps) things.set(p.id, `the loan application from ${p.legal_name}`);
  for (const m of meetings) things.set(m.id, `the meeting “${m.title}”`);
  for (const m of motions) things.set(m.id, `the motion “${m.title}”`);
  for (const c of classes) things.set(c.id, `“${c.name}”`);
  for (const a of accounts) things.set(a.id, `“${a.name}”`);
  for (const u of users) things.set(u.id, u.name);
  return { members: new Map(members.map((m) => [m.id, { number: m.member_number, name: m.name }])), things };
}

/** Events as the page and the export show them: a sentence, and the raw fields for auditors. */
export async function describeAuditRows(db: Executor, organisation: { id: string; currency: string; timeZone: string; locale?: string }, rows: readonly AuditRow[]) {
  const facts = rows.map(auditFacts);
  const names = await auditNames(db, organisation.id, facts);
  const when = new Intl.DateTimeFormat(organisation.locale ?? DEFAULT_LOCALE, { timeZone: organisation.timeZone, dateStyle: "medium", timeStyle: "short" });
  return rows.map((row, i) => ({
    seq: String(row.seq),
    at: row.at.toISOString(),
    when: when.format(row.at),
    kind: row.action,
    kindLabel: auditKindLabel(row.action),
    who: row.actor_name ?? "The system",
    sentence: describeAuditEvent(facts[i], names, moneyStyleOf(organisation)),
    entity: `${row.entity_type} ${row.entity_id}`,
    before: auditDetailLines(facts[i].before),
    after: auditDetailLines(facts[i].after),
    body: row.body,
  }));
}
