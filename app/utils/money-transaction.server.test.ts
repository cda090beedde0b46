import { describe, expect, it } from "vitest";
import type { Database } from "./db.server";
import { BUSY_MESSAGE, ledgerRefusal, moneyTransaction } from "./money-transaction.server";

/** A database whose transactions fail with the given errors, in turn, then run the work. */
function failingDb(errors: unknown[]) {
  let calls = 0;
  const db = {
    transaction: () => ({
      execute: async (work: (trx: unknown) => Promise<unknown>) => {
        const error = errors[calls++];
        if (error) throw error;
        return work("trx");
      },
    }),
  } as unknown as Database;
  return { db, calls: () => calls };
}

const pg = (code: string, extra: Record<string, string> = {}) => Object.assign(new Error(`pg ${code}`), { code, ...extra });

describe("moneyTransaction", () => {
  it("runs the work once when nothing goes wrong", async () => {
    const { db, calls } = failingDb([]);
    expect(await moneyTransaction(db, async (trx) => `done in ${String(trx)}`)).toBe("done in trx");
    expect(calls()).toBe(1);
  });

  it("runs the whole transaction again after a deadlock or a serialization failure", async () => {
    const { db, calls } = failingDb([pg("40P01"), pg("40001")]);
    expect(await moneyTransaction(db, async () => 42)).toBe(42);
    expect(calls()).toBe(3);
  });

  it("gives up after five tries with a clear 409, never the database error", async () => {
    const { db, calls } = failingDb(Array.from({ length: 9 }, () => pg("40P01")));
    const thrown = await moneyTransaction(db, async () => 1).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(409);
    expect(await (thrown as Response).text()).toBe(BUSY_MESSAGE);
    expect(calls()).toBe(5);
  });

  it("turns a share-ledger CHECK into a 409 with the reason, and leaves other errors alone", async () => {
    const negative = pg("23514", { constraint: "share_holdings_shares_check" });
    const overMax = pg("23514", { where: "PL/pgSQL function apply_share_transactions() line 40 at RAISE", message: "holding of 10500 would exceed the class maximum of 10000" });
    expect(ledgerRefusal(negative)).toBe("This would take a holding below zero, so nothing was saved.");
    expect(ledgerRefusal(overMax)).toContain("holding of 10500 would exceed the class maximum of 10000");
    expect(ledgerRefusal(pg("23514", { constraint: "loans_balance_check" }))).toBeNull();
    expect(ledgerRefusal(pg("23505"))).toBeNull();

    const refused = await moneyTransaction(failingDb([negative]).db, async () => 1).catch((e: unknown) => e);
    expect((refused as Response).status).toBe(409);
    expect(await (refused as Response).text()).toContain("below zero");
    const other = pg("23505");
    const { db, calls } = failingDb([other]);
    await expect(moneyTransaction(db, async () => 1)).rejects.toBe(other);
    expect(calls()).toBe(1);
  });
});
