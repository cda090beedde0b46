import { createHash } from "node:crypto";
import { sql } from "kysely";
import { lineIdentities, parseStatementFile, type StatementError, type StatementFormat } from "~/domain/treasury";
import { CsvMappingSchema, type CsvMapping } from "~/domain/treasury/layouts";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";

/*
 * Bank accounts and their imported statements (docs/treasury.md). Every
 * function takes the database (or the caller's transaction) first and is
 * scoped by organisation. An import is all or nothing and runs in the
 * caller's one transaction: the file is read whole first, every bad line
 * reported; a clean file's lines already on the account (same identity,
 * date and amount) are skipped and counted, the rest written in batches.
 */

const BATCH = 1000;

export interface BankAccountInput {
  name: string;
  bankName: string;
  accountHolder: string;
  sortCode: string | null;
  accountNumber: string | null;
  iban: string | null;
  bic: string | null;
  currency: string;
  paymentsIn: boolean;
}

const ACCOUNT_COLUMNS = ["id", "name", "bank_name", "account_holder", "sort_code", "account_number", "iban", "bic", "currency", "payments_in", "csv_mapping", "created_at"] as const;

export async function listBankAccounts(db: Executor, organisationId: string) {
  return db.selectFrom("bank_accounts").select(ACCOUNT_COLUMNS).where("organisation_id", "=", organisationId).orderBy("name").orderBy("id").execute();
}

export async function getBankAccount(db: Executor, organisationId: string, id: string) {
  return db.selectFrom("bank_accounts").select(ACCOUNT_COLUMNS).where("organisation_id", "=", organisationId).where("id", "=", id).executeTakeFirst();
}

/** The account members and borrowers are told to pay into, if one is marked. */
export async function paymentsInAccount(db: Executor, organisationId: string) {
  return db.selectFrom("bank_accounts").select(ACCOUNT_COLUMNS).where("organisation_id", "=", organisationId).where("payments_in", "=", true).executeTakeFirst();
}

async function lockPaymentsIn(db: Executor, organisationId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${"bank-accounts:" + organisationId}))`.execute(db);
}

export async function createBankAccount(db: Executor, organisationId: string, actorUserId: string | null, input: BankAccountInput) {
  await lockPaymentsIn(db, organisationId);
  if (input.paymentsIn) await db.updateTable("bank_accounts").set({ payments_in: false }).where("organisation_id", "=", organisationId).where("payments_in", "=", true).execute();
  const row = await db
    .insertInto("bank_accounts")
    .values({
      organisation_id: organisationId, name: input.name, bank_name: input.bankName, account_holder: input.accountHolder, sort_code: input.sortCode,
      account_number: input.accountNumber, iban: input.iban, bic: input.bic, currency: input.currency, payments_in: input.paymentsIn, created_by: actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "bank_account.created", entityType: "bank_account", entityId: row.id, after: { ...input } });
  return row.id;
}

/** Marks the account for payments in (the one whose details members and borrowers see); the one marked before is unmarked. */
export async function setPaymentsIn(db: Executor, organisationId: string, actorUserId: string | null, bankAccountId: string) {
  await lockPaymentsIn(db, organisationId);
  const account = await getBankAccount(db, organisationId, bankAccountId);
  if (!account) return false;
  await db.updateTable("bank_accounts").set({ payments_in: false }).where("organisation_id", "=", organisationId).where("payments_in", "=", true).execute();
  await db.updateTable("bank_accounts").set({ payments_in: true }).where("organisation_id", "=", organisationId).where("id", "=", bankAccountId).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "bank_account.payments_in", entityType: "bank_account", entityId: bankAccountId });
  return true;
}

/** The account's remembered CSV column mapping, if one was saved and still reads. */
export function storedMapping(account: { csv_mapping: unknown }): CsvMapping | null {
  const parsed = CsvMappingSchema.safeParse(account.csv_mapping);
  return parsed.success ? parsed.data : null;
}

export async function saveCsvMapping(db: Executor, organisationId: string, actorUserId: string | null, bankAccountId: string, mapping: CsvMapping) {
  const result = await db
    .updateTable("bank_accounts")
    .set({ csv_mapping: JSON.stringify(mapping) })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", bankAccountId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await recordAudit(db, { organisationId, actorUserId, action: "bank_account.csv_mapping", entityType: "bank_account", entityId: bankAccountId, after: mapping });
  return true;
}

export type StatementImportOutcome =
  | { ok: false; errors: StatementError[]; format?: StatementFormat }
  | { ok: false; errors: []; needsMapping: { rows: string[][]; firstLine: number } }
  | { ok: true; importId: string; format: StatementFormat; layout: string; linesNew: number; linesExisting: number; firstDate: string; lastDate: string };

/**
 * Imports a statement file onto a bank account, in the caller's transaction.
 * `mapping` overrides the account's remembered CSV mapping (the mapping
 * step); `onProgress(done, total)` is told after each batch written.
 */
export async function importStatement(
  db: Executor,
  input: {
    organisationId: string; bankAccountId: string; actorUserId: string | null; filename: string; bytes: Uint8Array;
    mapping?: CsvMapping | null; onProgress?: (done: number, total: number) => Promise<void> | void;
  },
): Promise<StatementImportOutcome> {
  const { organisationId, bankAccountId } = input;
  // One import at a time per account: the check for lines already there and the writing of new ones see each other's work.
  await sql`select pg_advisory_xact_lock(hashtext(${"statements:" + bankAccountId}))`.execute(db);
  const account = await getBankAccount(db, organisationId, bankAccountId);
  if (!account) return { ok: false, errors: [{ line: 1, reason: "There is no such bank account." }] };
  const parsed = parseStatementFile(input.bytes, { currency: account.currency, mapping: input.mapping ?? storedMapping(account) });
  if (!parsed.ok) {
    if (parsed.needsMapping) return { ok: false, errors: [], needsMapping: parsed.needsMapping };
    return { ok: false, errors: parsed.errors, format: parsed.format };
  }
  const identities = lineIdentities(parsed.lines, (content) => createHash("sha256").update(content).digest("hex"));
  const dates = parsed.lines.map((l) => l.date).sort();
  const firstDate = dates[0];
  const lastDate = dates[dates.length - 1];
  const existing = await db
    .selectFrom("statement_lines")
    .select(["identity", "booked_on", "amount_minor"])
    .where("organisation_id", "=", organisationId)
    .where("bank_account_id", "=", bankAccountId)
    .where("booked_on", ">=", firstDate)
    .where("booked_on", "<=", lastDate)
    .execute();
  const keyOf = (identity: string, date: string, amount: bigint) => `${identity}\u001f${date}\u001f${amount}`;
  const seen = new Set(existing.map((e) => keyOf(e.identity, e.booked_on, BigInt(e.amount_minor))));
  const fresh: { line: (typeof parsed.lines)[number]; identity: string }[] = [];
  parsed.lines.forEach((line, i) => {
    const key = keyOf(identities[i], line.date, line.amountMinor);
    if (seen.has(key)) return;
    seen.add(key); // the same bank reference twice in one file is one line
    fresh.push({ line, identity: identities[i] });
  });
  const imported = await db
    .insertInto("statement_imports")
    .values({
      organisation_id: organisationId, bank_account_id: bankAccountId, filename: input.filename.slice(0, 255) || "statement", format: parsed.format, layout: parsed.layout,
      content_hash: createHash("sha256").update(input.bytes).digest("hex"), lines_in_file: parsed.lines.length, lines_new: fresh.length,
      lines_existing: parsed.lines.length - fresh.length, first_date: firstDate, last_date: lastDate, imported_by: input.actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await input.onProgress?.(0, fresh.length);
  for (let i = 0; i < fresh.length; i += BATCH) {
    const batch = fresh.slice(i, i + BATCH);
    await db
      .insertInto("statement_lines")
      .values(batch.map(({ line, identity }) => ({
        organisation_id: organisationId, bank_account_id: bankAccountId, import_id: imported.id, line_number: line.lineNumber, booked_on: line.date,
        amount_minor: line.amountMinor, currency: line.currency, description: line.description, payer_name: line.payerName ?? null,
        reference: line.reference ?? null, bank_reference: line.bankReference ?? null, balance_minor: line.balanceMinor ?? null, identity,
      })))
      .execute();
    await input.onProgress?.(Math.min(i + BATCH, fresh.length), fresh.length);
  }
  await recordAudit(db, {
    organisationId, actorUserId: input.actorUserId, action: "statement.imported", entityType: "statement_import", entityId: imported.id,
    after: { bankAccountId, filename: input.filename, format: parsed.format, layout: parsed.layout, linesNew: fresh.length, linesExisting: parsed.lines.length - fresh.length, firstDate, lastDate },
  });
  return { ok: true, importId: imported.id, format: parsed.format, layout: parsed.layout, linesNew: fresh.length, linesExisting: parsed.lines.length - fresh.length, firstDate, lastDate };
}

export async function listStatementImports(db: Executor, organisationId: string, bankAccountId: string, limit = 20) {
  return db
    .selectFrom("statement_imports")
    .leftJoin("users", "users.id", "statement_imports.imported_by")
    .select(["statement_imports.id", "filename", "format", "layout", "lines_in_file", "lines_new", "lines_existing", "first_date", "last_date", "imported_at", "users.name as imported_by_name"])
    .where("statement_imports.organisation_id", "=", organisationId)
    .where("bank_account_id", "=", bankAccountId)
    .orderBy("imported_at", "desc")
    .orderBy("statement_imports.id")
    .limit(limit)
    .execute();
}

/** A page of an account's statement lines, newest first. */
export async function listStatementLines(db: Executor, organisationId: string, bankAccountId: string, opts: { page: number; pageSize: number }) {
  const base = db.selectFrom("statement_lines").where("organisation_id", "=", organisationId).where("bank_account_id", "=", bankAccountId);
  const [{ n }] = await base.select((eb) => eb.fn.countAll<string>().as("n")).execute();
  const rows = await base
    .select(["id", "booked_on", "amount_minor", "currency", "description", "payer_name", "reference", "bank_reference", "balance_minor", "import_id", "line_number"])
    .orderBy("booked_on", "desc")
    .orderBy("id", "desc")
    .limit(opts.pageSize)
    .offset((opts.page - 1) * opts.pageSize)
    .execute();
  return { total: Number(n), rows: rows.map((r) => ({ ...r, id: BigInt(r.id), amount_minor: BigInt(r.amount_minor), balance_minor: r.balance_minor === null ? null : BigInt(r.balance_minor) })) };
}
