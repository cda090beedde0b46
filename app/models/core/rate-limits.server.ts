import { sql } from "kysely";
import { LIMITS, verdict, type LimitPolicy, type Verdict } from "~/domain/throttle";
import type { Executor } from "~/utils/db.server";

/*
 * Fixed-window counters in the rate_limits table (ADR 0013: why a table
 * read with Kysely rather than rate-limiter-flexible). Counting is one
 * INSERT … ON CONFLICT DO UPDATE, atomic on PostgreSQL and PGlite alike, so
 * concurrent attempts each get their own count and none slips past a limit.
 */

interface CounterRow {
  points: number;
  window_ends_at: Date;
  blocked_until: Date | null;
}

/** Counts one attempt against `key` (a new window when the last has ended) and says whether it may go ahead. */
export async function consume(db: Executor, key: string, policy: LimitPolicy, now = new Date()): Promise<Verdict> {
  const windowEnd = new Date(now.getTime() + policy.windowMs);
  const { rows } = await sql<CounterRow>`
    INSERT INTO rate_limits AS r (key, points, window_ends_at) VALUES (${key}, 1, ${windowEnd})
    ON CONFLICT (key) DO UPDATE SET
      points = CASE WHEN r.window_ends_at <= ${now} THEN 1 ELSE r.points + 1 END,
      window_ends_at = CASE WHEN r.window_ends_at <= ${now} THEN ${windowEnd} ELSE r.window_ends_at END
    RETURNING points, window_ends_at, blocked_until
  `.execute(db);
  const row = rows[0];
  return verdict({ points: row.points, windowEndsAt: new Date(row.window_ends_at), blockedUntil: row.blocked_until && new Date(row.blocked_until) }, policy, now);
}

/** Takes back one counted attempt (one that turned out well, e.g. a right password from a shared address). */
export async function reward(db: Executor, key: string) {
  await db.updateTable("rate_limits").set({ points: sql`greatest(points - 1, 0)` }).where("key", "=", key).execute();
}

/** Forgets a key's count and lock (a right password, an unlock link). */
export async function clearLimit(db: Executor, key: string) {
  await db.deleteFrom("rate_limits").where("key", "=", key).execute();
}

/** Locks a key until `until`. True only for the call that locked it (so the owner is told once per lock). */
export async function lockKey(db: Executor, key: string, until: Date, now = new Date()) {
  const locked = await db
    .updateTable("rate_limits")
    .set({ blocked_until: until })
    .where("key", "=", key)
    .where((eb) => eb.or([eb("blocked_until", "is", null), eb("blocked_until", "<=", now)]))
    .returning("key")
    .executeTakeFirst();
  return !!locked;
}

/** The keys that throttling uses: one place, so a model and its tests name them alike. */
export const limitKeys = {
  loginAccount: (email: string) => `login:account:${email.trim().toLowerCase()}`,
  loginAddress: (ip: string) => `login:address:${ip}`,
  secondFactor: (userId: string) => `login:second-factor:${userId}`,
  resetEmail: (email: string) => `reset:email:${email.trim().toLowerCase()}`,
  resetAddress: (ip: string) => `reset:address:${ip}`,
  joinEmail: (email: string) => `join:email:${email.trim().toLowerCase()}`,
  joinAddress: (ip: string) => `join:address:${ip}`,
};

/**
 * Counts an attempt against an address limit, then (only if that allows it)
 * against a per-email limit: someone refused by address does not use up the
 * allowance of the email they typed.
 */
export async function consumeBoth(
  db: Executor,
  address: { key: string; policy: LimitPolicy },
  email: { key: string; policy: LimitPolicy },
  now = new Date(),
): Promise<Verdict> {
  const byAddress = await consume(db, address.key, address.policy, now);
  if (!byAddress.allowed) return byAddress;
  return consume(db, email.key, email.policy, now);
}

/** An application to join (each one emails a confirmation): limited per email and per client address. */
export function throttleJoin(db: Executor, input: { email: string; ip: string }, now = new Date()) {
  return consumeBoth(
    db,
    { key: limitKeys.joinAddress(input.ip), policy: LIMITS.joinAddress },
    { key: limitKeys.joinEmail(input.email), policy: LIMITS.joinEmail },
    now,
  );
}
