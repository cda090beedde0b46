/**
 * The books (issue #18 point 4, ADR 0018): a double-entry journal derived
 * from the append-only ledgers, never written by the money functions
 * themselves. postJournal() reads every ledger row not yet in the journal
 * (share transactions, loan transactions, interest owed in cash, card
 * payments that could not be applied and their refunds), maps each through
 * the pure posting rules (app/domain/treasury/postings.ts) and stores the
 * balanced entry keyed by its source, so running it again posts nothing
 * twice. It runs in one transaction under a per-organisation advisory lock,
 * by the daily job and before every trial balance and export.
 *
 * An event dated inside a locked (exported) period is posted on the first
 * open day and says so: a locked period never changes.
 */
import { sql } from "kysely";
import { fromDay, toDay } from "~/domain/calendar";
import { assertBalanced, DEFAULT_CHART, PostingError, postingDate, postingFor, type LoanKind, type MoneyEvent, type ShareKind } from "~/domain/treasury/postings";
import { recordAudit } from "~/models/core/audit.server";
import type { Executor } from "~/utils/db.server";

const BATCH = 5000;

export type SourceKind =
  | "share_transaction"
  | "loan_transaction"
  | "share_interest_cash"
  | "card_unapplied_shares"
  | "card_unapplied_loan"
  | "card_refund_shares"
  | "card_refund_loan";

interface SourceEvent {
  sourceKind: SourceKind;
  sourceId: string;
  on: string;
  event: MoneyEvent;
}

function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** The organisation's chart, with the default accounts added if missing (their mapping is kept). */
export async function ensureChart(db: Executor, organisationId: string) {
  await db
    .insertInto("chart_of_accounts")
    .values(DEFAULT_CHART.map((a) => ({ organisation_id: organisationId, code: a.code, name: a.name, type: a.type })))
    .onConflict((oc) => oc.columns(["organisation_id", "code"]).doNothing())
    .execute();
}

export async function chartOfAccounts(db: Executor, organisationId: string) {
  await ensureChart(db, organisationId);
  const rows = await db
    .selectFrom("chart_of_accounts")
    .select(["code", "name", "type", "external_code", "external_name"])
    .where("organisation_id", "=", organisationId)
    .orderBy("code")
    .execute();
  const holds = new Map(DEFAULT_CHART.map((a) => [a.code, a.holds]));
  return rows.map((r) => ({ ...r, holds: holds.get(r.code) ?? "" }));
}

/** The last day of the latest locked (exported) period, or null. */
export async function lockedThrough(db: Executor, organisationId: string): Promise<string | null> {
  const r = await db
    .selectFrom("period_locks")
    .select((eb) => eb.fn.max("locked_through").as("through"))
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  return r?.through ? String(r.through) : null;
}

export async function periodLocks(db: Executor, organisationId: string) {
  return db
    .selectFrom("period_locks as p")
    .leftJoin("users as u", "u.id", "p.exported_by")
    .select(["p.id", "p.period_from", "p.locked_through", "p.format", "p.exported_at", "u.name as exported_by_name"])
    .where("p.organisation_id", "=", organisationId)
    .orderBy("p.id", "desc")
    .execute();
}

/* ---------- reading the ledgers ----------
 * The share and loan ledgers are read in batches by keyset (id order), and
 * each batch's already-posted rows are looked up by their keys on the
 * unique index (postedOf). An anti-join in one query would be simpler, but
 * during a first run over a large ledger the planner has no statistics for
 * the entries written so far in the same transaction, and a plan that
 * rescans them per row makes the run quadratic. The small sources (interest
 * lines, card payments) use the anti-join. */

async function countOf(db: Executor, table: "share_transactions" | "loan_transactions", organisationId: string) {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", organisationId).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function entriesOf(db: Executor, organisationId: string, kind: SourceKind) {
  const r = await db.selectFrom("journal_entries").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", organisationId).where("source_kind", "=", kind).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function postedOf(db: Executor, organisationId: string, kind: SourceKind, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom("journal_entries")
    .select("source_id")
    .where("organisation_id", "=", organisationId)
    .where("source_kind", "=", kind)
    .where("source_id", "in", ids)
    .execute();
  return new Set(rows.map((r) => r.source_id));
}

const notPosted = (kind: SourceKind, idExpr: ReturnType<typeof sql>) =>
  sql`NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.organisation_id = ${sql.raw("t.organisation_id")} AND e.source_kind = ${kind} AND e.source_id = ${idExpr})`;

interface ShareRow { id: string; kind: ShareKind | "reversal"; amount: string; method: string; reference: string; on_date: string; o_kind: ShareKind | null; o_method: string | null }

async function shareEvents(db: Executor, organisationId: string, after: bigint, unpostedOnly?: SourceKind): Promise<SourceEvent[]> {
  const { rows } = await sql<ShareRow>`
    SELECT t.id::text AS id, t.kind, t.amount::text AS amount, t.method, t.reference, t.effective_on::text AS on_date, o.kind AS o_kind, o.method AS o_method
      FROM share_transactions t
      LEFT JOIN share_transactions o ON o.organisation_id = t.organisation_id AND o.id = t.reverses_id
     WHERE t.organisation_id = ${organisationId} AND t.id > ${after}
       ${unpostedOnly ? sql`AND ${notPosted(unpostedOnly, sql`t.id::text`)}` : sql``}
     ORDER BY t.id LIMIT ${BATCH}`.execute(db);
  return rows.map((r) => ({
    sourceKind: "share_transaction",
    sourceId: r.id,
    on: r.on_date,
    event: { source: "share_transaction", kind: r.kind, amount: BigInt(r.amount), method: r.method, reference: r.reference, reverses: r.o_kind ? { kind: r.o_kind, method: r.o_method ?? "" } : null },
  }));
}

interface LoanRow { id: string; kind: LoanKind | "reversal"; amount: string; principal: string; interest: string; fees: string; method: string | null; on_date: string; reference: number; o_kind: LoanKind | null; o_method: string | null }

async function loanEvents(db: Executor, organisationId: string, after: bigint, unpostedOnly?: SourceKind): Promise<SourceEvent[]> {
  const { rows } = await sql<LoanRow>`
    SELECT t.id::text AS id, t.kind, t.amount::text AS amount, t.principal_part::text AS principal, t.interest_part::text AS interest, t.fees_part::text AS fees,
           t.method, t.on_date::text AS on_date, l.reference, o.kind AS o_kind, o.method AS o_method
      FROM loan_transactions t
      JOIN loans l ON l.organisation_id = t.organisation_id AND l.id = t.loan_id
      LEFT JOIN loan_transactions o ON o.organisation_id = t.organisation_id AND o.id = t.reverses_id
     WHERE t.organisation_id = ${organisationId} AND t.id > ${after}
       ${unpostedOnly ? sql`AND ${notPosted(unpostedOnly, sql`t.id::text`)}` : sql``}
     ORDER BY t.id LIMIT ${BATCH}`.execute(db);
  return rows.map((r) => ({
    sourceKind: "loan_transaction",
    sourceId: r.id,
    on: r.on_date,
    event: {
      source: "loan_transaction", kind: r.kind, loanReference: Number(r.reference), amount: BigInt(r.amount), principal: BigInt(r.principal), interest: BigInt(r.interest), fees: BigInt(r.fees),
      method: r.method, reverses: r.o_kind ? { kind: r.o_kind, method: r.o_method } : null,
    },
  }));
}

async function interestCashEvents(db: Executor, organisationId: string): Promise<SourceEvent[]> {
  const { rows } = await sql<{ id: string; amount: string; on_date: string; period: string }>`
    SELECT t.run_id::text || ':' || t.member_id::text AS id, t.cash::text AS amount, r.posted_on::text AS on_date, r.period_from::text || ' to ' || r.period_to::text AS period
      FROM interest_lines t
      JOIN interest_runs r ON r.organisation_id = t.organisation_id AND r.id = t.run_id
     WHERE t.organisation_id = ${organisationId} AND r.status = 'posted' AND t.cash > 0
       AND ${notPosted("share_interest_cash", sql`t.run_id::text || ':' || t.member_id::text`)}
     ORDER BY r.posted_on, t.run_id, t.member_id`.execute(db);
  return rows.map((r) => ({ sourceKind: "share_interest_cash", sourceId: r.id, on: r.on_date, event: { source: "share_interest_cash", amount: BigInt(r.amount), period: r.period } }));
}

/** Card payments Stripe took that could not be applied (a refund was queued), and their refunds, dated in the organisation's time zone. */
async function cardEvents(db: Executor, organisationId: string): Promise<SourceEvent[]> {
  const out: SourceEvent[] = [];
  for (const paidFor of ["shares", "loan"] as const) {
    const table = sql.table(paidFor === "shares" ? "payments" : "loan_card_payments");
    const taken: SourceKind = paidFor === "shares" ? "card_unapplied_shares" : "card_unapplied_loan";
    const refunded: SourceKind = paidFor === "shares" ? "card_refund_shares" : "card_refund_loan";
    const { rows } = await sql<{ id: string; amount: string; taken_on: string; refunded_on: string | null; taken_posted: boolean; refund_posted: boolean }>`
      SELECT t.id::text AS id, t.amount::text AS amount,
             (COALESCE(t.paid_at, t.created_at) AT TIME ZONE o.time_zone)::date::text AS taken_on,
             CASE WHEN t.refund_status = 'refunded' THEN (COALESCE(t.refunded_at, t.created_at) AT TIME ZONE o.time_zone)::date::text END AS refunded_on,
             NOT ${notPosted(taken, sql`t.id::text`)} AS taken_posted,
             NOT ${notPosted(refunded, sql`t.id::text`)} AS refund_posted
        FROM ${table} t JOIN organisations o ON o.id = t.organisation_id
       WHERE t.organisation_id = ${organisationId} AND t.refund_status IS NOT NULL
       ORDER BY t.created_at, t.id`.execute(db);
    for (const r of rows) {
      if (!r.taken_posted) out.push({ sourceKind: taken, sourceId: r.id, on: r.taken_on, event: { source: "card_unapplied", amount: BigInt(r.amount), paidFor } });
      if (r.refunded_on && !r.refund_posted) out.push({ sourceKind: refunded, sourceId: r.id, on: r.refunded_on, event: { source: "card_refund", amount: BigInt(r.amount), paidFor } });
    }
  }
  return out;
}

/* ---------- posting ---------- */

async function store(db: Executor, organisationId: string, events: readonly SourceEvent[], locked: string | null) {
  if (!events.length) return 0;
  const prepared = events.map((e) => {
    let posting;
    try {
      posting = postingFor(e.event);
    } catch (error) {
      if (error instanceof PostingError) throw new PostingError(`${e.sourceKind} ${e.sourceId}: ${error.message}`);
      throw error;
    }
    assertBalanced(posting.description, posting.lines);
    const date = postingDate(e.on, locked);
    return { e, posting, date };
  });
  const entries = await db
    .insertInto("journal_entries")
    .values(prepared.map(({ e, posting, date }) => ({
      organisation_id: organisationId, entry_date: date.postedOn, event_date: e.on, source_kind: e.sourceKind, source_id: e.sourceId, description: (posting.description + date.note).slice(0, 500),
    })))
    .returning(["id", "source_kind", "source_id"])
    .execute();
  const idOf = new Map(entries.map((r) => [`${r.source_kind}:${r.source_id}`, BigInt(r.id)]));
  const lines = prepared.flatMap(({ e, posting, date }) =>
    posting.lines.map((l) => ({ organisation_id: organisationId, entry_id: idOf.get(`${e.sourceKind}:${e.sourceId}`)!, entry_date: date.postedOn, account_code: l.account, debit: l.debit, credit: l.credit })),
  );
  for (let i = 0; i < lines.length; i += 5000) await db.insertInto("journal_lines").values(lines.slice(i, i + 5000)).execute();
  await addDayTotals(db, organisationId, lines);
  return entries.length;
}

/** Adds the lines just stored to their accounts' day totals (migration 0040), in the transaction that stored them. */
async function addDayTotals(db: Executor, organisationId: string, lines: readonly { entry_date: string; account_code: string; debit: bigint; credit: bigint }[]) {
  const days = new Map<string, { entry_date: string; account_code: string; debit: bigint; credit: bigint; lines: number }>();
  for (const l of lines) {
    const key = `${l.entry_date} ${l.account_code}`;
    const day = days.get(key) ?? { entry_date: l.entry_date, account_code: l.account_code, debit: 0n, credit: 0n, lines: 0 };
    day.debit += l.debit;
    day.credit += l.credit;
    day.lines += 1;
    days.set(key, day);
  }
  const rows = [...days.values()].map((d) => ({ organisation_id: organisationId, ...d }));
  for (let i = 0; i < rows.length; i += 5000) {
    await db
      .insertInto("journal_day_totals")
      .values(rows.slice(i, i + 5000))
      .onConflict((oc) => oc.columns(["organisation_id", "entry_date", "account_code"]).doUpdateSet({
        debit: sql`journal_day_totals.debit + excluded.debit`,
        credit: sql`journal_day_totals.credit + excluded.credit`,
        lines: sql`journal_day_totals.lines + excluded.lines`,
      }))
      .execute();
  }
}

/**
 * The organisation's ledger version (migration 0039) and the one the journal
 * was last brought up to date at. Equal, no share or loan ledger row has been
 * committed since: every such write moves the version as it commits.
 */
async function ledgerVersions(db: Executor, organisationId: string) {
  const { rows } = await sql<{ ledger: string | null; posted: string | null }>`
    SELECT (SELECT version::text FROM ledger_versions WHERE organisation_id = ${organisationId}) AS ledger,
           (SELECT ledger_version::text FROM journal_posted_versions WHERE organisation_id = ${organisationId}) AS posted`.execute(db);
  return rows[0];
}

/**
 * Bring the journal up to date from the ledgers: every ledger row not yet
 * posted, posted once. Safe to run at any time, any number of times, from
 * any number of servers (an advisory lock per organisation serialises runs,
 * and (organisation, source kind, source id) is unique).
 */
export function postJournal(db: Executor, organisationId: string): Promise<{ posted: number }> {
  // A caller's transaction may have written ledger rows its commit has not yet counted in the version.
  const ownTransaction = !db.isTransaction;
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${"journal:" + organisationId}))`.execute(trx);
    await ensureChart(trx, organisationId);
    const locked = await lockedThrough(trx, organisationId);
    // Read before the ledgers are: whatever committed at this version is posted below, so the journal is up to date with it.
    const versions = await ledgerVersions(trx, organisationId);
    const ledgersStill = ownTransaction && versions.ledger !== null && versions.ledger === versions.posted;
    let posted = 0;
    for (const [kind, read, table] of ledgersStill ? [] : ([["share_transaction", shareEvents, "share_transactions"], ["loan_transaction", loanEvents, "loan_transactions"]] as const)) {
      // Every entry of a kind has its own ledger row and ledger rows are never deleted (append-only):
      // as many entries as rows means every row is posted, and the ledger need not be read.
      const rows = await countOf(trx, table, organisationId);
      const entries = await entriesOf(trx, organisationId, kind);
      if (rows === entries) continue;
      if (entries > 0 && rows - entries <= BATCH) {
        // A few new rows in a journal already posted (its statistics known): one anti-join finds them.
        posted += await store(trx, organisationId, await read(trx, organisationId, 0n, kind), locked);
        continue;
      }
      let after = 0n;
      for (;;) {
        const batch = await read(trx, organisationId, after);
        if (!batch.length) break;
        const done = await postedOf(trx, organisationId, kind, batch.map((e) => e.sourceId));
        posted += await store(trx, organisationId, done.size ? batch.filter((e) => !done.has(e.sourceId)) : batch, locked);
        after = BigInt(batch[batch.length - 1].sourceId);
        if (batch.length < BATCH) break;
      }
    }
    // After a large run, refresh the journal's statistics (ANALYZE counts this transaction's own rows), so
    // the next run's anti-join is planned on the journal as it is, not as the empty table it was.
    if (posted > 20_000) await sql`ANALYZE journal_entries`.execute(trx);
    posted += await store(trx, organisationId, await interestCashEvents(trx, organisationId), locked);
    posted += await store(trx, organisationId, await cardEvents(trx, organisationId), locked);
    if (versions.ledger !== null && !ledgersStill) {
      const ledgerVersion = BigInt(versions.ledger);
      await trx.insertInto("journal_posted_versions").values({ organisation_id: organisationId, ledger_version: ledgerVersion })
        .onConflict((oc) => oc.column("organisation_id").doUpdateSet({ ledger_version: ledgerVersion })).execute();
    }
    return { posted };
  });
}

/** Entries whose lines do not balance (there should be none: every entry is checked before it is stored). */
export async function unbalancedEntries(db: Executor, organisationId: string) {
  const { rows } = await sql<{ id: string; debits: string; credits: string }>`
    SELECT e.id::text AS id, COALESCE(SUM(l.debit), 0)::text AS debits, COALESCE(SUM(l.credit), 0)::text AS credits
      FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
     WHERE e.organisation_id = ${organisationId}
     GROUP BY e.id HAVING COALESCE(SUM(l.debit), 0) <> COALESCE(SUM(l.credit), 0)
     ORDER BY e.id`.execute(db);
  return rows;
}

/* ---------- trial balance ---------- */

export interface TrialBalanceRow {
  code: string;
  name: string;
  type: string;
  externalCode: string;
  /** Net balance (debit positive) before `from`. */
  opening: bigint;
  debits: bigint;
  credits: bigint;
  /** Net balance (debit positive) at the end of `asAt`. */
  closing: bigint;
}

export interface TrialBalance {
  from: string;
  asAt: string;
  rows: TrialBalanceRow[];
  totals: { debits: bigint; credits: bigint; debitBalances: bigint; creditBalances: bigint };
}

/** The first day of the year `asAt` falls in: a trial balance's default period. */
export const yearStart = (asAt: string) => `${asAt.slice(0, 4)}-01-01`;

/**
 * The trial balance as at the end of a day: each account's balance brought
 * forward to `from`, its debits and credits from `from` to `asAt`, and its
 * closing balance; one aggregate over the journal lines in the database.
 * Reads the journal as it stands (postJournal first to bring it up to date).
 */
export async function trialBalance(db: Executor, organisationId: string, asAt: string, from = yearStart(asAt)): Promise<TrialBalance> {
  // Days, not lines (migration 0040): the same sums, over a row per account and day.
  const { rows } = await sql<{ code: string; opening: string; debits: string; credits: string }>`
    SELECT account_code AS code,
           COALESCE(SUM(debit - credit) FILTER (WHERE entry_date < ${from}), 0)::text AS opening,
           COALESCE(SUM(debit) FILTER (WHERE entry_date >= ${from}), 0)::text AS debits,
           COALESCE(SUM(credit) FILTER (WHERE entry_date >= ${from}), 0)::text AS credits
      FROM journal_day_totals
     WHERE organisation_id = ${organisationId} AND entry_date <= ${asAt}
     GROUP BY account_code`.execute(db);
  const chart = await chartOfAccounts(db, organisationId);
  const sums = new Map(rows.map((r) => [r.code, r]));
  const out: TrialBalanceRow[] = chart.map((a) => {
    const s = sums.get(a.code);
    const opening = BigInt(s?.opening ?? 0);
    const debits = BigInt(s?.debits ?? 0);
    const credits = BigInt(s?.credits ?? 0);
    return { code: a.code, name: a.name, type: a.type, externalCode: a.external_code, opening, debits, credits, closing: opening + debits - credits };
  });
  const totals = { debits: 0n, credits: 0n, debitBalances: 0n, creditBalances: 0n };
  for (const r of out) {
    totals.debits += r.debits;
    totals.credits += r.credits;
    if (r.closing > 0n) totals.debitBalances += r.closing;
    else totals.creditBalances -= r.closing;
  }
  return { from, asAt, rows: out, totals };
}

/** The day after a date (for "the first open day"). */
export const dayAfter = (d: string) => fromDay(toDay(d) + 1);

/** Map accounts of the chart to the organisation's accounting package (code and name there); audited. Unknown codes are refused. */
export async function updateChartMapping(db: Executor, actorUserId: string | null, organisationId: string, mapping: readonly { code: string; externalCode: string; externalName: string }[]) {
  return inTransaction(db, async (trx) => {
    const chart = await chartOfAccounts(trx, organisationId);
    const byCode = new Map(chart.map((a) => [a.code, a]));
    const unknown = mapping.find((m) => !byCode.has(m.code));
    if (unknown) return { ok: false as const, reason: `No account ${unknown.code} in the chart.` };
    const changed = mapping.filter((m) => byCode.get(m.code)!.external_code !== m.externalCode || byCode.get(m.code)!.external_name !== m.externalName);
    for (const m of changed) {
      await trx
        .updateTable("chart_of_accounts")
        .set({ external_code: m.externalCode, external_name: m.externalName, updated_at: new Date() })
        .where("organisation_id", "=", organisationId)
        .where("code", "=", m.code)
        .execute();
    }
    if (changed.length) {
      await recordAudit(trx, {
        organisationId, actorUserId, action: "books.chart_mapped", entityType: "chart_of_accounts", entityId: organisationId,
        before: changed.map((m) => ({ code: m.code, externalCode: byCode.get(m.code)!.external_code, externalName: byCode.get(m.code)!.external_name })),
        after: changed,
      });
    }
    return { ok: true as const, changed: changed.length };
  });
}
