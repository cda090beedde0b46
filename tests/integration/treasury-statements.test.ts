import { beforeAll, describe, expect, it } from "vitest";
import { CsvMappingSchema } from "~/domain/treasury/layouts";
import { createBankAccount, importStatement, listBankAccounts, listStatementLines, paymentsInAccount, saveCsvMapping, setPaymentsIn } from "~/models/treasury/statements.server";
import type { Database } from "~/utils/db.server";
import { makeOrganisation } from "../../db/factories";
import { testDb } from "../db";
import { statementFile } from "../fixtures/statements/paths";

const ACCOUNT = { name: "Current account", bankName: "Lloyds", accountHolder: "Riverside Co-op", sortCode: "309950", accountNumber: "11223344", iban: null, bic: null, currency: "GBP", paymentsIn: true };

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

async function world() {
  const org = await makeOrganisation(db);
  const accountId = await db.transaction().execute((trx) => createBankAccount(trx, org.id, null, ACCOUNT));
  return { org, accountId };
}

const run = (orgId: string, bankAccountId: string, name: string, extra: { mapping?: ReturnType<typeof CsvMappingSchema.parse>; bytes?: Uint8Array } = {}) =>
  db.transaction().execute((trx) => importStatement(trx, { organisationId: orgId, bankAccountId, actorUserId: null, filename: name, bytes: extra.bytes ?? statementFile(name), mapping: extra.mapping }));

const count = async (orgId: string) => Number((await db.selectFrom("statement_lines").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", orgId).executeTakeFirstOrThrow()).n);

describe("statement import", () => {
  it("imports a clean file whole, amounts exact, and says how many lines are new", async () => {
    const { org, accountId } = await world();
    const out = await run(org.id, accountId, "lloyds.csv");
    expect(out).toMatchObject({ ok: true, format: "csv", layout: "lloyds", linesNew: 4, linesExisting: 0, firstDate: "2026-04-01", lastDate: "2026-04-03" });
    const page = await listStatementLines(db, org.id, accountId, { page: 1, pageSize: 50 });
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => [r.booked_on, r.amount_minor, r.balance_minor])).toEqual([
      ["2026-04-03", 41277n, 554857n],
      ["2026-04-02", -6420n, 513580n],
      ["2026-04-01", 10000n, 520000n],
      ["2026-04-01", 10000n, 510000n],
    ]);
  });

  it("imports nothing from a file with a bad line, and names every bad line", async () => {
    const { org, accountId } = await world();
    const out = await run(org.id, accountId, "bad-lines.csv");
    expect(out.ok).toBe(false);
    if (out.ok || !("errors" in out)) return;
    expect(out.errors.map((e) => e.line)).toEqual([3, 4, 6]);
    expect(await count(org.id)).toBe(0);
    expect(await db.selectFrom("statement_imports").select("id").where("organisation_id", "=", org.id).execute()).toEqual([]);
  });

  it("never imports a line twice, even from an overlapping file or the same file again", async () => {
    const { org, accountId } = await world();
    await run(org.id, accountId, "lloyds.csv");
    expect(await run(org.id, accountId, "lloyds-overlap.csv")).toMatchObject({ ok: true, linesNew: 1, linesExisting: 2 });
    expect(await run(org.id, accountId, "lloyds.csv")).toMatchObject({ ok: true, linesNew: 0, linesExisting: 4 });
    expect(await count(org.id)).toBe(5);
    // By the bank's own reference too (OFX FITID), whatever the description says the second time.
    const ofx = new TextDecoder().decode(statementFile("statement-v1.ofx"));
    await run(org.id, accountId, "statement-v1.ofx");
    const changed = await run(org.id, accountId, "again.ofx", { bytes: new TextEncoder().encode(ofx.replace("M00033 SHARES", "M00033 SHARES (RESENT)")) });
    expect(changed).toMatchObject({ ok: true, linesNew: 0, linesExisting: 3 });
    expect(await count(org.id)).toBe(8);
  });

  it("keeps the same line on two accounts apart, and the database refuses a duplicate outright", async () => {
    const { org, accountId } = await world();
    const second = await db.transaction().execute((trx) => createBankAccount(trx, org.id, null, { ...ACCOUNT, name: "Reserve", accountNumber: "99887766", paymentsIn: false }));
    await run(org.id, accountId, "camt053.xml");
    expect(await run(org.id, second, "camt053.xml")).toMatchObject({ ok: true, linesNew: 3 });
    const one = await db.selectFrom("statement_lines").selectAll().where("organisation_id", "=", org.id).where("bank_account_id", "=", accountId).limit(1).executeTakeFirstOrThrow();
    const { id: _id, created_at: _c, ...copy } = one;
    await expect(db.insertInto("statement_lines").values({ ...copy, line_number: 99 }).execute()).rejects.toThrow(/duplicate key|unique/i);
  });

  it("keeps statement lines append-only", async () => {
    const { org, accountId } = await world();
    await run(org.id, accountId, "starling.csv");
    await expect(db.updateTable("statement_lines").set({ description: "changed" }).where("organisation_id", "=", org.id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("statement_imports").where("organisation_id", "=", org.id).execute()).rejects.toThrow(/append-only/);
  });

  it("asks for a column mapping for an unknown CSV layout, then remembers it for the account", async () => {
    const { org, accountId } = await world();
    const first = await run(org.id, accountId, "unity-trust.csv");
    expect(first).toMatchObject({ ok: false, needsMapping: { firstLine: 1 } });
    const mapping = CsvMappingSchema.parse({
      hasHeader: true, headers: ["Posting Date", "Narrative", "Their Reference", "Payer", "Money In", "Money Out", "Running Balance"],
      date: 0, dateFormat: "yyyy-mm-dd", paidIn: 4, paidOut: 5, description: 1, reference: 2, payer: 3, balance: 6,
    });
    await db.transaction().execute((trx) => saveCsvMapping(trx, org.id, null, accountId, mapping));
    expect(await run(org.id, accountId, "unity-trust.csv")).toMatchObject({ ok: true, layout: "mapping", linesNew: 3 });
  });

  it("keeps each organisation's accounts and lines to itself", async () => {
    const { org, accountId } = await world();
    const other = await makeOrganisation(db);
    await run(org.id, accountId, "monzo.csv");
    expect(await listBankAccounts(db, other.id)).toEqual([]);
    expect(await listStatementLines(db, other.id, accountId, { page: 1, pageSize: 50 })).toEqual({ total: 0, rows: [] });
    // Importing onto another organisation's account is refused as no such account.
    const refused = await run(other.id, accountId, "monzo.csv");
    expect(refused).toMatchObject({ ok: false, errors: [{ reason: "There is no such bank account." }] });
    // The database itself refuses a line that names another organisation's account.
    const imp = await db.selectFrom("statement_imports").select("id").where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    await expect(
      db.insertInto("statement_lines").values({ organisation_id: other.id, bank_account_id: accountId, import_id: imp.id, line_number: 1, booked_on: "2026-01-01", amount_minor: 1n, currency: "GBP", identity: "ref:x" }).execute(),
    ).rejects.toThrow(/foreign key/i);
  });

  it("has one account for payments in per organisation", async () => {
    const { org, accountId } = await world();
    const second = await db.transaction().execute((trx) => createBankAccount(trx, org.id, null, { ...ACCOUNT, name: "Second", paymentsIn: true }));
    expect((await paymentsInAccount(db, org.id))?.id).toBe(second);
    await db.transaction().execute((trx) => setPaymentsIn(trx, org.id, null, accountId));
    expect((await paymentsInAccount(db, org.id))?.id).toBe(accountId);
    expect((await listBankAccounts(db, org.id)).filter((a) => a.payments_in)).toHaveLength(1);
  });
});
