import { createHash } from "node:crypto";
import type { Executor } from "~/utils/db.server";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditInput {
  organisationId: string;
  actorUserId: string | null;
  action: string;
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
