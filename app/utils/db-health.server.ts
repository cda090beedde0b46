/**
 * Knows whether the database server is reachable. A lost connection marks
 * it unavailable; the HTTP server then answers 503 with a clear page
 * (instead of a 500 per request) and probes, at most once a second, until
 * the database answers again.
 */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EPIPE", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"]);

export function isConnectionError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { code?: string; message?: string; errors?: unknown[] };
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  if (Array.isArray(e.errors) && e.errors.some(isConnectionError)) return true; // AggregateError from dual-stack connects
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(e.message ?? "");
}

declare global {
  var __dbUnavailableSince: number | null | undefined;
  var __dbLastProbe: number | undefined;
}

export function markDatabaseUnavailable() {
  globalThis.__dbUnavailableSince ??= Date.now();
}

export function databaseUnavailable(): boolean {
  return globalThis.__dbUnavailableSince != null;
}

/** Tries the database again (throttled); clears the flag when it answers. */
export async function probeDatabase(check: () => Promise<unknown>): Promise<boolean> {
  if (!databaseUnavailable()) return true;
  const now = Date.now();
  if (globalThis.__dbLastProbe && now - globalThis.__dbLastProbe < 1000) return false;
  globalThis.__dbLastProbe = now;
  try {
    await check();
    globalThis.__dbUnavailableSince = null;
    return true;
  } catch {
    return false;
  }
}
