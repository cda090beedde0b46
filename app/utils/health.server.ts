import { sql } from "kysely";
import { migrations } from "../../db/migrations/index";
import type { Database } from "./db.server";

/**
 * Readiness: the database answers and every migration this build knows has
 * been applied (a server started against a database another version
 * migrated, or one whose migration failed, is not ready). Liveness
 * (/healthz) needs nothing: the process answering is the answer.
 */
export interface Readiness {
  ready: boolean;
  database: "ok" | "unreachable";
  migrations: "current" | "pending" | "unknown";
  pending?: string[];
}

export async function readiness(db: Database, timeoutMs = 2000): Promise<Readiness> {
  let applied: Set<string>;
  try {
    const rows = await withTimeout(
      sql<{ name: string }>`select name from kysely_migration`.execute(db).then((r) => r.rows),
      timeoutMs,
    );
    applied = new Set(rows.map((r) => r.name));
  } catch (error) {
    // No migration table at all: reachable, but not migrated.
    if (isMissingTable(error)) return { ready: false, database: "ok", migrations: "pending", pending: Object.keys(migrations) };
    return { ready: false, database: "unreachable", migrations: "unknown" };
  }
  const pending = Object.keys(migrations).filter((name) => !applied.has(name));
  return pending.length ? { ready: false, database: "ok", migrations: "pending", pending } : { ready: true, database: "ok", migrations: "current" };
}

function isMissingTable(error: unknown) {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "42P01";
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
