import type { Transaction } from "kysely";
import type { DB } from "../../db/schema";
import type { Database } from "./db.server";
import { faultPoint } from "./fault-markers.server";

/*
 * The transaction every money-changing action runs in. The model functions
 * lock what decides (the holding, the request, the run, the payment) in one
 * order, so two actions should never wait on each other in a circle; but if
 * PostgreSQL still reports a deadlock or a serialization failure, the whole
 * transaction is rolled back, so running it again from the start is safe:
 * it is retried a few times. What is left over becomes a clear 409 refusal,
 * never a 500. So does a share-ledger CHECK the database refused (the last
 * line of defence behind the domain checks made under the locks).
 */

const RETRYABLE = new Set(["40P01", "40001"]); // deadlock_detected, serialization_failure
const ATTEMPTS = 5;

export const BUSY_MESSAGE = "Someone else was changing the same shares at that moment, so nothing was saved. Please try again.";

interface PgError {
  code?: string;
  constraint?: string;
  where?: string;
  message?: string;
}

const pgError = (error: unknown): PgError => (error && typeof error === "object" ? (error as PgError) : {});

export function isRetryable(error: unknown): boolean {
  return RETRYABLE.has(pgError(error).code ?? "");
}

/** The message for a share-ledger CHECK the database refused, or null if the error is something else. */
export function ledgerRefusal(error: unknown): string | null {
  const e = pgError(error);
  if (e.code !== "23514") return null;
  if (e.constraint?.startsWith("share_holdings_")) return "This would take a holding below zero, so nothing was saved.";
  if (e.where?.includes("apply_share_transactions")) return `The share register refused this change (${e.message}), so nothing was saved.`;
  return null;
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, 10 * attempt + Math.floor(Math.random() * 40 * attempt)));

export async function moneyTransaction<T>(db: Database, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const done = await work(trx);
        await faultPoint("money.before-commit");
        return done;
      });
    } catch (error) {
      if (isRetryable(error)) {
        if (attempt < ATTEMPTS) {
          await pause(attempt);
          continue;
        }
        throw new Response(BUSY_MESSAGE, { status: 409, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      }
      const refusal = ledgerRefusal(error);
      if (refusal) throw new Response(refusal, { status: 409, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      throw error;
    }
  }
}
