import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";

/**
 * The server's log: JSON lines through pino (one per request, plus errors
 * and the workers' messages), at LOG_LEVEL. The logger and the request
 * store live on globalThis because the server bundle and the Remix bundle
 * each carry their own copy of this module.
 *
 * A request's line holds method, route (the route's pattern, never the
 * path: paths can hold tokens such as an invitation's), status, duration,
 * request id, and the organisation and user ids once the session is known.
 * Never an email, a cookie, a token or a query string.
 */
export interface RequestFields {
  requestId: string;
  organisationId?: string;
  userId?: string;
}

declare global {
  var __coopLogger: Logger | undefined;
  var __coopRequestStore: AsyncLocalStorage<RequestFields> | undefined;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export function createLogger(level: string = process.env.LOG_LEVEL || "info", destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "coop-register" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Belt and braces: should a header object ever reach a log call, these never print.
      // Database errors carry the statement's parameters (emails, names, token hashes): never logged.
      serializers: { err: (e: Error) => withoutParameters(pino.stdSerializers.err(e)) },
      redact: { paths: ["cookie", "*.cookie", "headers.cookie", "headers.authorization", "password", "token", "email", "*.email"], censor: "[redacted]" },
    },
    destination,
  );
}

function withoutParameters<T extends object>(serialized: T): T {
  const copy = { ...serialized } as Record<string, unknown>;
  delete copy.params;
  delete copy.parameters;
  return copy as T;
}

export function logger(): Logger {
  globalThis.__coopLogger ??= createLogger();
  return globalThis.__coopLogger;
}

/** Replace the process's logger (tests capture lines this way). */
export function setLogger(next: Logger | undefined) {
  globalThis.__coopLogger = next;
}

export function requestStore(): AsyncLocalStorage<RequestFields> {
  globalThis.__coopRequestStore ??= new AsyncLocalStorage<RequestFields>();
  return globalThis.__coopRequestStore;
}

/** The current request's fields (request id, and ids once known), if inside a request. */
export function currentRequest(): RequestFields | undefined {
  return globalThis.__coopRequestStore?.getStore();
}

/** Called once the session is known: the request's log line names the organisation and user (ids only). */
export function noteRequestUser(userId: string, organisationId: string | null | undefined) {
  const store = currentRequest();
  if (!store) return;
  store.userId = userId;
  if (organisationId) store.organisationId = organisationId;
}

/** An error with the request id it belongs to (the id the 500 page shows). */
export function logError(error: unknown, msg: string, extra: Record<string, unknown> = {}) {
  const req = currentRequest();
  logger().error({ err: error, ...(req ? { requestId: req.requestId } : {}), ...extra }, msg);
}
