import { sql, type RawBuilder } from "kysely";
import type { Database, Executor } from "~/utils/db.server";
import { registerAsAt, type OtherProperty, type RegisterRow } from "~/domain/shares/register";
import type { Holding } from "~/domain/shares/holdings";
import { listShareClasses } from "~/models/shares/share-classes-and-holdings.server";
import { memberNameKey, nameSearchCondition } from "~/models/shares/members.server";

/*
 * The register of members (Co-operative and Community Benefit Societies Act
 * 2014 s.30), current or as at any past day. Rows come in member-number
 * order in batches read by keyset (member_number > last), so an export of a
 * million members holds one batch in memory on either driver.
 */

/**
 * Other property in the society (loans, deposits) for the register's s.30
 * column. Lending registers a source here; the register asks every source
 * for the members of each batch.
 */
export type OtherPropertySource = (db: Executor, organisationId: string, memberIds: string[], asAt: string) => Promise<OtherProperty[]>;
const otherPropertySources: OtherPropertySource[] = [];
export function registerOtherPropertySource(source: OtherPropertySource) {
  if (!otherPropertySources.includes(source)) otherPropertySources.push(source);
}

export interface RegisterQuery {
  asAt: string;
  /** Holdings from the ledger (true) or from the live projection (false: only for today). */
  fromLedger: boolean;
  q?: string;
  status?: "current" | "former" | "all";
}

function isNameSearch(query: RegisterQuery) {
  const text = (query.q ?? "").trim();
  return text !== "" && !/^\d{1,9}$/.test(text);
}

/**
 * One batch of register entries. Without a name search, batches run in
 * member-number order by keyset (`after` is the last number seen). A name
 * search runs in name order on members_register_name_idx, which finds the
 * first page without touching every match; there `after` counts rows.
 */
async function memberBatchQuery(db: Executor, organisationId: string, query: RegisterQuery, after: number, limit: number) {
  let q = db
    .selectFrom("members")
    .select(["id", "member_number", "name", "address", "postcode", "email", "admitted_on", "ceased_on"])
    .where("organisation_id", "=", organisationId)
    .where("admitted_on", "is not", null)
    .where("admitted_on", "<=", query.asAt);
  const text = (query.q ?? "").trim();
  if (/^\d{1,9}$/.test(text)) q = q.where("member_number", "=", Number(text));
  if (query.status === "current") q = q.where((eb) => eb.or([eb("ceased_on", "is", null), eb("ceased_on", ">", query.asAt)]));
  if (query.status === "former") q = q.where("ceased_on", "<=", query.asAt);
  if (isNameSearch(query)) {
    // Name order, on the matches only: "|| ''" keeps PostgreSQL from walking the whole name index in order
    // and filtering each name, which takes seconds for a name nobody has (as in searchMembers).
    return q
      .where(nameSearchCondition(await memberNameKey(db, text)))
      .orderBy(sql`(name_key || '') collate "C"`)
      .orderBy("member_number")
      .limit(limit)
      .offset(after);
  }
  return q.where("member_number", ">", after).orderBy("member_number").limit(limit);
}

async function holdingsFor(db: Executor, organisationId: string, memberIds: string[], query: RegisterQuery, range?: { after: number; last: number }): Promise<Holding[]> {
  if (memberIds.length === 0) return [];
  if (!query.fromLedger) {
    const rows = await db
      .selectFrom("share_holdings")
      .select(["member_id", "class_id", "shares", "value"])
      .where("organisation_id", "=", organisationId)
      .where("member_id", "in", memberIds)
      .execute();
    return rows.map((r) => ({ memberId: r.member_id, classId: r.class_id, shares: Number(r.shares), value: BigInt(r.value) }));
  }
  // A reversal moves the holding the opposite way to the row it cancels, from its own date.
  if (range) {
    // A batch in member-number order: join on the number range (an index range scan) rather than a list of ids.
    const ranged = await sql<{ member_id: string; class_id: string; shares: string; value: string }>`
      select t.member_id, t.class_id,
             sum(d.dir * t.shares)::text as shares, sum(d.dir * t.amount)::text as value
        from members m
        join share_transactions t on t.organisation_id = m.organisation_id and t.member_id = m.id and t.effective_on <= ${query.asAt}
        left join share_transactions o on o.id = t.reverses_id
        cross join lateral (select case when coalesce(o.kind, t.kind) in ('purchase','transfer_in','interest_shares','bonus') then 1 else -1 end
                                   * case when t.kind = 'reversal' then -1 else 1 end as dir) d
       where m.organisation_id = ${organisationId} and m.member_number > ${range.after} and m.member_number <= ${range.last}
       group by t.member_id, t.class_id`.execute(db);
    return ranged.rows.map((r) => ({ memberId: r.member_id, classId: r.class_id, shares: Number(r.shares), value: BigInt(r.value) }));
  }
  const rows = await sql<{ member_id: string; class_id: string; shares: string; value: string }>`
    select t.member_id, t.class_id,
           sum(d.dir * t.shares)::text as shares, sum(d.dir * t.amount)::text as value
      from share_transactions t
      left join share_transactions o on o.id = t.reverses_id
      cross join lateral (select case when coalesce(o.kind, t.kind) in ('purchase','transfer_in','interest_shares','bonus') then 1 else -1 end
                                 * case when t.kind = 'reversal' then -1 else 1 end as dir) d
     where t.organisation_id = ${organisationId}
       and t.member_id in (${sql.join(memberIds)})
       and t.effective_on <= ${query.asAt}
     group by t.member_id, t.class_id`.execute(db);
  return rows.rows.map((r) => ({ memberId: r.member_id, classId: r.class_id, shares: Number(r.shares), value: BigInt(r.value) }));
}

async function otherPropertyFor(db: Executor, organisationId: string, memberIds: string[], asAt: string) {
  const all: OtherProperty[] = [];
  for (const source of otherPropertySources) all.push(...(await source(db, organisationId, memberIds, asAt)));
  return all;
}

/** One page (or batch) of the register, after member number `after`. */
export async function registerBatch(db: Executor, organisationId: string, query: RegisterQuery, after: number, limit: number, classNames?: Record<string, string>) {
  const members = await (await memberBatchQuery(db, organisationId, query, after, limit)).execute();
  const ids = members.map((m) => m.id);
  const keyset = !isNameSearch(query);
  const lastNumber = members.length ? members[members.length - 1].member_number : after;
  const range = keyset && !(query.q ?? "").trim() && members.length > 100 ? { after, last: lastNumber } : undefined;
  const [holdings, otherProperty] = await Promise.all([holdingsFor(db, organisationId, ids, query, range), otherPropertyFor(db, organisationId, ids, query.asAt)]);
  const names = classNames ?? Object.fromEntries((await listShareClasses(db, organisationId)).map((c) => [c.id, c.name]));
  const rows = registerAsAt({
    asAt: query.asAt,
    members: members.map((m) => ({ id: m.id, memberNumber: String(m.member_number), name: m.name, address: [m.address, m.postcode].filter(Boolean).join(", "), email: m.email, joinedOn: m.admitted_on!, ceasedOn: m.ceased_on })),
    holdings,
    classNames: names,
    otherProperty,
  });
  // Keep the batch's own order (member number, or name for a name search).
  const position = new Map(members.map((m, i) => [m.id, i]));
  rows.sort((a, b) => position.get(a.memberId)! - position.get(b.memberId)!);
  return { rows, last: keyset ? lastNumber : after + members.length, full: members.length === limit };
}

/**
 * Run a query through a server-side cursor, yielding `batchSize` rows at a
 * time. The transaction that holds the cursor waits for the consumer before
 * each FETCH, so memory stays at one batch however large the result.
 */
async function* cursorRows<T>(db: Database, query: RawBuilder<T>, batchSize: number): AsyncGenerator<T[]> {
  let wake: (() => void) | null = null;
  let ready: { rows: T[] } | null = null;
  let done = false;
  let failure: unknown = null;
  let consumerGone = false;
  let notifyConsumer: (() => void) | null = null;
  const waitForConsumer = () => new Promise<void>((r) => (wake = r));
  const finished = db
    .transaction()
    .execute(async (trx) => {
      await sql`declare register_cursor no scroll cursor for ${query}`.execute(trx);
      for (;;) {
        const batch = await sql<T>`fetch forward ${sql.raw(String(batchSize))} from register_cursor`.execute(trx);
        if (consumerGone) break;
        const waiting = waitForConsumer();
        ready = { rows: batch.rows };
        notifyConsumer?.();
        await waiting;
        if (consumerGone || batch.rows.length < batchSize) break;
      }
      await sql`close register_cursor`.execute(trx);
    })
    .catch((e: unknown) => {
      failure = e;
    })
    .finally(() => {
      done = true;
      notifyConsumer?.();
    });
  try {
    for (;;) {
      while (!ready && !done) await new Promise<void>((r) => (notifyConsumer = r));
      if (failure) throw failure;
      if (!ready) break;
      const { rows } = ready as { rows: T[] };
      ready = null;
      if (rows.length) yield rows;
      const w = wake as (() => void) | null;
      wake = null;
      w?.();
      if (rows.length < batchSize) break;
    }
  } finally {
    consumerGone = true;
    const w = wake as (() => void) | null;
    w?.();
    await finished;
  }
}

type LedgerRegisterRow = { id: string; member_number: number; name: string; address: string; postcode: string; email: string | null; admitted_on: string; ceased_on: string | null; class_id: string | null; shares: string | null; value: string | null };

/**
 * The whole register as at a day in one pass: the ledger is summed per
 * member and class once (a hash aggregate), joined to the members in
 * member-number order and read through a cursor.
 */
async function* ledgerRegisterRows(db: Database, organisationId: string, query: RegisterQuery, classNames: Record<string, string>, batchSize: number): AsyncGenerator<RegisterRow> {
  const statusFilter =
    query.status === "current" ? sql`and (m.ceased_on is null or m.ceased_on > ${query.asAt})` : query.status === "former" ? sql`and m.ceased_on <= ${query.asAt}` : sql``;
  const text = (query.q ?? "").trim();
  const numberFilter = /^\d{1,9}$/.test(text) ? sql`and m.member_number = ${Number(text)}` : sql``;
  const q = sql<LedgerRegisterRow>`
    with agg as (
      select t.member_id, t.class_id,
             sum(case when coalesce(o.kind, t.kind) in ('purchase','transfer_in','interest_shares','bonus') then 1 else -1 end
                 * case when t.kind = 'reversal' then -1 else 1 end * t.shares)::text as shares,
             sum(case when coalesce(o.kind, t.kind) in ('purchase','transfer_in','interest_shares','bonus') then 1 else -1 end
                 * case when t.kind = 'reversal' then -1 else 1 end * t.amount)::text as value
        from share_transactions t
        left join share_transactions o on o.id = t.reverses_id
       where t.organisation_id = ${organisationId} and t.effective_on <= ${query.asAt}
       group by t.member_id, t.class_id
    )
    select m.id, m.member_number, m.name, m.address, m.postcode, m.email, m.admitted_on, m.ceased_on, a.class_id, a.shares, a.value
      from members m
      left join agg a on a.member_id = m.id
     where m.organisation_id = ${organisationId} and m.admitted_on is not null and m.admitted_on <= ${query.asAt} ${statusFilter} ${numberFilter}
     order by m.member_number, a.class_id`;
  // The same row registerAsAt() builds, made directly: this runs once per member of a million-member export.
  const flush = (group: LedgerRegisterRow[]): RegisterRow => {
    const m = group[0];
    const shares = group
      .filter((g) => g.class_id && (g.shares !== "0" || g.value !== "0"))
      .map((g) => ({ classId: g.class_id!, className: classNames[g.class_id!] ?? g.class_id!, shares: Number(g.shares), amountPaid: BigInt(g.value!) }));
    if (shares.length > 1) shares.sort((a, b) => (a.className < b.className ? -1 : a.className > b.className ? 1 : 0));
    let totalShares = 0;
    let totalAmountPaid = 0n;
    for (const l of shares) {
      totalShares += l.shares;
      totalAmountPaid += l.amountPaid;
    }
    return {
      memberId: m.id, memberNumber: String(m.member_number), name: m.name, address: m.postcode ? (m.address ? `${m.address}, ${m.postcode}` : m.postcode) : m.address,
      email: m.email, shares, totalShares, totalAmountPaid, otherProperty: [], dateEntered: m.admitted_on,
      dateCeased: m.ceased_on && m.ceased_on <= query.asAt ? m.ceased_on : null,
    };
  };
  let pending: LedgerRegisterRow[] = [];
  // Other property of the member whose rows may straddle two batches.
  let carried = new Map<string, OtherProperty[]>();
  for await (const batch of cursorRows(db, q, batchSize)) {
    const ids = [...new Set(batch.map((r) => r.id))];
    const property = otherPropertySources.length ? await otherPropertyFor(db, organisationId, ids, query.asAt) : [];
    const byMember = new Map<string, OtherProperty[]>(carried);
    for (const p of property) byMember.set(p.memberId, [...(byMember.get(p.memberId) ?? []), p]);
    for (const row of batch) {
      if (pending.length && pending[0].id !== row.id) {
        yield withProperty(flush(pending), byMember);
        pending = [];
      }
      pending.push(row);
    }
    carried = pending.length && byMember.has(pending[0].id) ? new Map([[pending[0].id, byMember.get(pending[0].id)!]]) : new Map();
  }
  if (pending.length) {
    yield withProperty(flush(pending), carried);
  }
}

function withProperty(row: RegisterRow, byMember: Map<string, OtherProperty[]>): RegisterRow {
  const p = byMember.get(row.memberId);
  if (!p) return row;
  return { ...row, otherProperty: p.filter((x) => x.amount !== 0n).map((x) => ({ description: x.description, amount: x.amount })) };
}

/** Every row of the register, in member-number order, in constant memory. */
export async function* registerRows(db: Database, organisationId: string, query: RegisterQuery, batchSize = 5000): AsyncGenerator<RegisterRow> {
  const classNames = Object.fromEntries((await listShareClasses(db, organisationId)).map((c) => [c.id, c.name]));
  if (query.fromLedger && !isNameSearch(query)) {
    yield* ledgerRegisterRows(db, organisationId, query, classNames, batchSize);
    return;
  }
  let after = 0;
  for (;;) {
    const batch = await registerBatch(db, organisationId, query, after, batchSize, classNames);
    yield* batch.rows;
    if (!batch.full) return;
    after = batch.last;
  }
}

export const REGISTER_CSV_HEADER = [
  "Member number", "Name", "Address", "Email", "Shares held", "Amount paid", "Shares by class", "Other property", "Date entered as member", "Date ceased",
];

export function registerCsvCells(row: RegisterRow, formatMoney: (m: bigint) => string): unknown[] {
  return [
    row.memberNumber, row.name, row.address, row.email ?? "", row.totalShares, formatMoney(row.totalAmountPaid),
    row.shares.map((s) => `${s.className}: ${s.shares}`).join("; "),
    row.otherProperty.map((p) => `${p.description}: ${formatMoney(p.amount)}`).join("; "),
    row.dateEntered, row.dateCeased ?? "",
  ];
}
