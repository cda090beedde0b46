import { sql, type Transaction } from "kysely";
import type { DB } from "../../../db/schema";
import { displayMoney, moneyStyleOf } from "~/domain/money";
import { conflict, isRefusal, notFound, refused } from "~/domain/refusal";
import {
  payerNameKeys, proposeForLine, quotedReferences, splitProblem, targetLabel, targetReference,
  type Candidate, type CandidateVia, type MatchTarget, type Proposal,
} from "~/domain/treasury/matching";
import { loanPaymentReference, memberPaymentReference } from "~/domain/treasury/payments-in";
import { recordAudit } from "~/models/core/audit.server";
import { lockLoan, recordRepayment, reverseRepayment } from "~/models/lending/loans.server";
import { lockHolding, recordPurchase, reverseTransaction } from "~/models/shares/share-classes-and-holdings.server";
import type { Database, Executor } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";

/*
 * Matching bank statement credits to members' share purchases and loans'
 * repayments (issue #18 point 2; docs/treasury.md; migration 0028).
 *
 * Proposing is set-based: the references, payer names and amounts of all
 * the lines asked about go to the database in one query (arrays unnested),
 * which returns every candidate member and loan with what the rules need;
 * the pure rules (app/domain/treasury/matching.ts) then judge each line.
 *
 * Confirming runs in the caller's money transaction: the statement line is
 * locked first (so one confirmation of a line waits for another), what
 * decides (is the line already matched?) is read under that lock, and each
 * part posts through the same model function as the manual forms:
 * recordPurchase (method bank transfer) or recordRepayment (method bank).
 * Confirming the same allocation again is answered with the first match
 * (idempotent by the line's own identity); a different one is refused until
 * the first is undone. Undoing reverses each posting through the ledgers'
 * own reversal functions and appends a reversal row.
 */

export interface AllocationInput {
  target: { kind: "member"; memberId: string } | { kind: "loan"; loanId: string };
  amountMinor: bigint;
}

export type How = "sure" | "suggested" | "manual" | "split";

/** The lines of an account that are money in and have no live match (never matched, or their last match undone). */
function unmatchedCredits(db: Executor, organisationId: string, bankAccountId: string) {
  return db
    .selectFrom("statement_lines as l")
    .where("l.organisation_id", "=", organisationId)
    .where("l.bank_account_id", "=", bankAccountId)
    .where("l.amount_minor", ">", 0n)
    .where(NO_LIVE_MATCH);
}

// The line (aliased l) has no match whose round was not reversed.
const NO_LIVE_MATCH = sql<boolean>`not exists (
  select 1 from statement_matches m
   where m.organisation_id = l.organisation_id and m.statement_line_id = l.id and m.kind = 'match'
     and not exists (select 1 from statement_matches r where r.organisation_id = m.organisation_id and r.statement_line_id = m.statement_line_id and r.round = m.round and r.kind = 'reversal'))`;

const LINE_COLUMNS = ["l.id", "l.booked_on", "l.amount_minor", "l.currency", "l.description", "l.payer_name", "l.reference"] as const;

export interface QueueLine {
  id: bigint;
  bookedOn: string;
  amountMinor: bigint;
  currency: string;
  description: string;
  payerName: string | null;
  reference: string | null;
}

function toQueueLine(r: { id: bigint | string; booked_on: string; amount_minor: bigint | string; currency: string; description: string; payer_name: string | null; reference: string | null }): QueueLine {
  return { id: BigInt(r.id), bookedOn: r.booked_on, amountMinor: BigInt(r.amount_minor), currency: r.currency, description: r.description, payerName: r.payer_name, reference: r.reference };
}

interface CandidateRow {
  line_id: string;
  via: CandidateVia;
  kind: "member" | "loan";
  target_id: string;
  number: number;
  name: string;
  status: string;
  par_value: string | null;
  class_name: string | null;
  installment: string | null;
  outstanding: string | null;
}

/**
 * Every candidate for the given lines, in one query: members by the number
 * quoted, loans by the number quoted, loans whose next installment is the
 * amount paid (for lines quoting nothing found), and members by the payer's
 * name key (likewise). Scoped by organisation throughout: another
 * organisation's member or loan is never a candidate.
 */
export async function candidatesFor(db: Executor, organisationId: string, lines: readonly QueueLine[], opts: { perLine?: number } = {}): Promise<Map<bigint, Candidate[]>> {
  const out = new Map<bigint, Candidate[]>();
  if (!lines.length) return out;
  // One row a line: its id and amount, and (rarely more than one) the member and loan numbers it quotes, as JSON
  // arrays; name keys likewise. One parameter each, unnested in the database.
  const rows = lines.map((l) => {
    const q = quotedReferences(l.reference, l.description);
    return { l: String(l.id), a: String(l.amountMinor), m: q.memberNumbers, r: q.loanReferences, k: payerNameKeys(l.payerName) };
  });
  const perLine = opts.perLine ?? 10;
  const result = await sql<CandidateRow>`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(l bigint, a bigint, m jsonb, r jsonb, k jsonb)
    ), lines as (
      select l as line_id, a as amount from input
    ), member_refs as (
      select i.l as line_id, e.v::int as number from input i cross join jsonb_array_elements_text(i.m) as e(v)
    ), loan_refs as (
      select i.l as line_id, e.v::int as number from input i cross join jsonb_array_elements_text(i.r) as e(v)
    ), name_keys as (
      select i.l as line_id, e.v as key from input i cross join jsonb_array_elements_text(i.k) as e(v)
    ), by_member_ref as (
      select r.line_id, 'member-reference' as via, m.id as member_id
        from member_refs r join members m on m.organisation_id = ${organisationId} and m.member_number = r.number
    ), by_loan_ref as (
      select r.line_id, 'loan-reference' as via, lo.id as loan_id
        from loan_refs r join loans lo on lo.organisation_id = ${organisationId} and lo.reference = r.number
    ), quiet as (
      -- Lines whose quoted references found nothing: for them, amount and name.
      select x.line_id, x.amount from lines x
       where not exists (select 1 from by_member_ref b where b.line_id = x.line_id)
         and not exists (select 1 from by_loan_ref b where b.line_id = x.line_id)
    ), next_installment as (
      -- Looked up by amount (loan_installments_unpaid_amount_idx), not by reading every unpaid installment.
      select distinct on (i.loan_id) i.loan_id, i.principal + i.interest + i.fees as amount
        from (select distinct amount from quiet) q
        join loan_installments i on i.organisation_id = ${organisationId} and i.principal + i.interest + i.fees = q.amount
         and i.paid_principal + i.paid_interest + i.paid_fees < i.principal + i.interest + i.fees
        cross join lateral (select 1 from loans lo where lo.organisation_id = i.organisation_id and lo.id = i.loan_id and lo.status = 'active' limit 1) lo
       order by i.loan_id, i.n
    ), amount_counts as (
      select amount, count(*) as n from next_installment group by amount
    ), by_amount as (
      -- An installment shared by more than perLine loans says nothing about which loan a payment is for.
      select q.line_id, 'loan-amount' as via, n.loan_id
        from quiet q join amount_counts c on c.amount = q.amount and c.n <= ${perLine}
        join next_installment n on n.amount = q.amount
    ), by_name as (
      -- At most perLine members per key, read in order from the name-key index (a common name is weak evidence anyway).
      select k.line_id, 'member-name' as via, m.id as member_id
        from name_keys k join quiet q on q.line_id = k.line_id
        cross join lateral (
          select m.id from members m
           where m.organisation_id = ${organisationId}
             and (upper(substring(m.name from '[A-Za-z]')) || ' ' || upper(substring(m.name from '([A-Za-z]+)[^A-Za-z]*$'))) = k.key
           order by m.member_number
           limit ${perLine}
        ) m
    ), member_hits as (
      select * from by_member_ref union all select * from by_name
    ), loan_hits as (
      select * from by_loan_ref union all select * from by_amount
    )
    -- The hits come out of jsonb, so the planner cannot count them and would hash the whole register and loan book
    -- to join them: each is looked up by its id instead (LIMIT 1, the id being unique, keeps it a lookup per hit).
    select h.line_id::text, h.via, 'member' as kind, m.id::text as target_id, m.member_number as number, m.name, m.status,
           c.par_value::text, c.name as class_name, null::text as installment, null::text as outstanding
      from member_hits h
      cross join lateral (select m.id, m.member_number, m.name, m.status from members m where m.organisation_id = ${organisationId} and m.id = h.member_id limit 1) m
      left join lateral (
        select sc.par_value, sc.name from share_classes sc
          left join share_holdings sh on sh.organisation_id = sc.organisation_id and sh.class_id = sc.id and sh.member_id = m.id
         where sc.organisation_id = ${organisationId}
         order by (sc.max_holding_value is not null and coalesce(sh.value, 0) >= sc.max_holding_value), coalesce(sh.shares, 0) desc, sc.created_at, sc.name
         limit 1
      ) c on true
    union all
    select h.line_id::text, h.via, 'loan', lo.id::text, lo.reference, lo.legal_name, lo.status, null, null, s.installment::text, s.outstanding::text
      from loan_hits h
      cross join lateral (
        select lo.id, lo.reference, lo.status, lo.organisation_id, b.legal_name from loans lo
          join borrowers b on b.organisation_id = lo.organisation_id and b.id = lo.borrower_id
         where lo.organisation_id = ${organisationId} and lo.id = h.loan_id limit 1
      ) lo
      left join lateral (
        select (array_agg(i.principal + i.interest + i.fees order by i.n) filter (where i.paid_principal + i.paid_interest + i.paid_fees < i.principal + i.interest + i.fees))[1] as installment,
               sum(i.principal + i.interest + i.fees - i.paid_principal - i.paid_interest - i.paid_fees) as outstanding
          from loan_installments i where i.organisation_id = lo.organisation_id and i.loan_id = lo.id
      ) s on true
  `.execute(db);
  for (const r of result.rows) {
    const target: MatchTarget = r.kind === "member"
      ? { kind: "member", memberId: r.target_id, memberNumber: Number(r.number), name: r.name, status: r.status, parValue: r.par_value === null ? null : BigInt(r.par_value), className: r.class_name }
      : { kind: "loan", loanId: r.target_id, reference: Number(r.number), name: r.name, status: r.status, installment: r.installment === null ? null : BigInt(r.installment), outstanding: r.outstanding === null ? null : BigInt(r.outstanding) };
    const id = BigInt(r.line_id);
    const list = out.get(id) ?? [];
    list.push({ via: r.via, target });
    out.set(id, list);
  }
  return out;
}

/** Proposals for the given lines (one query for all of them), best first per line. */
export async function proposeFor(db: Executor, organisationId: string, lines: readonly QueueLine[], locale?: string): Promise<Map<bigint, Proposal[]>> {
  const candidates = await candidatesFor(db, organisationId, lines);
  return new Map(lines.map((l) => [l.id, proposeForLine({ amountMinor: l.amountMinor, currency: l.currency, payerName: l.payerName, locale }, candidates.get(l.id) ?? [])]));
}

/**
 * Proposals for every unmatched credit of a bank account: what the bench
 * times for a 100,000-line statement. Returns how many lines had a sure
 * match and how many only suggestions.
 */
export async function proposeStatement(db: Executor, organisationId: string, bankAccountId: string) {
  const rows = await unmatchedCredits(db, organisationId, bankAccountId).select(LINE_COLUMNS).execute();
  const lines = rows.map(toQueueLine);
  const proposals = await proposeFor(db, organisationId, lines);
  let sure = 0;
  let suggested = 0;
  for (const ps of proposals.values()) {
    if (ps[0]?.certainty === "sure") sure++;
    else if (ps.length) suggested++;
  }
  return { lines: lines.length, sure, suggested, proposals };
}

/** A page of an account's matching queue: unmatched credits, oldest first, each with its proposals. */
export async function matchingQueue(db: Executor, organisationId: string, bankAccountId: string, opts: { page: number; pageSize: number; locale?: string }) {
  const base = unmatchedCredits(db, organisationId, bankAccountId);
  const [{ n }] = await base.select((eb) => eb.fn.countAll<string>().as("n")).execute();
  const rows = await base.select(LINE_COLUMNS).orderBy("l.booked_on").orderBy("l.id").limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize).execute();
  const lines = rows.map(toQueueLine);
  const proposals = await proposeFor(db, organisationId, lines, opts.locale);
  return { total: Number(n), lines: lines.map((l) => ({ ...l, proposals: proposals.get(l.id) ?? [] })) };
}

/** The account's lines with a live match, newest first, with what each paid: the list undo works from. */
export async function matchedLines(db: Executor, organisationId: string, bankAccountId: string, limit = 50) {
  const rows = await db
    .selectFrom("statement_lines as l")
    .innerJoin("statement_matches as m", (j) => j.onRef("m.organisation_id", "=", "l.organisation_id").onRef("m.statement_line_id", "=", "l.id"))
    .innerJoin("statement_match_allocations as a", (j) => j.onRef("a.organisation_id", "=", "m.organisation_id").onRef("a.match_id", "=", "m.id"))
    .leftJoin("members as mem", (j) => j.onRef("mem.organisation_id", "=", "a.organisation_id").onRef("mem.id", "=", "a.member_id"))
    .leftJoin("loans as lo", (j) => j.onRef("lo.organisation_id", "=", "a.organisation_id").onRef("lo.id", "=", "a.loan_id"))
    .leftJoin("borrowers as b", (j) => j.onRef("b.organisation_id", "=", "lo.organisation_id").onRef("b.id", "=", "lo.borrower_id"))
    .leftJoin("users as u", "u.id", "m.recorded_by")
    .select([...LINE_COLUMNS, "m.id as match_id", "m.how", "m.reason", "m.recorded_at", "u.name as recorded_by", "a.position", "a.amount_minor as part", "mem.id as member_id", "mem.name as member_name", "mem.member_number", "lo.id as loan_id", "lo.reference as loan_reference", "b.legal_name"])
    .where("l.organisation_id", "=", organisationId)
    .where("l.bank_account_id", "=", bankAccountId)
    .where("m.kind", "=", "match")
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("statement_matches as r").select("r.id").whereRef("r.organisation_id", "=", "m.organisation_id").whereRef("r.statement_line_id", "=", "m.statement_line_id").whereRef("r.round", "=", "m.round").where("r.kind", "=", "reversal"))),
    )
    .where("m.id", "in", (eb) =>
      eb.selectFrom("statement_matches as mm").innerJoin("statement_lines as ll", (j) => j.onRef("ll.organisation_id", "=", "mm.organisation_id").onRef("ll.id", "=", "mm.statement_line_id"))
        .select("mm.id").where("mm.organisation_id", "=", organisationId).where("ll.bank_account_id", "=", bankAccountId).where("mm.kind", "=", "match").orderBy("mm.id", "desc").limit(limit * 2))
    .orderBy("m.id", "desc")
    .orderBy("a.position")
    .execute();
  const byLine = new Map<string, { line: QueueLine; matchId: bigint; how: string; at: Date; by: string | null; parts: { label: string; href: string; amountMinor: bigint }[] }>();
  for (const r of rows) {
    const key = String(r.id);
    const entry = byLine.get(key) ?? { line: toQueueLine(r), matchId: BigInt(r.match_id), how: r.how, at: r.recorded_at, by: r.recorded_by, parts: [] };
    entry.parts.push(r.member_id
      ? { label: `${r.member_name} (${memberPaymentReference(r.member_number!)}): shares`, href: `/members/${r.member_id}`, amountMinor: BigInt(r.part) }
      : { label: `${r.legal_name} (${loanPaymentReference(r.loan_reference!)}): repayment`, href: `/loans/${r.loan_id}`, amountMinor: BigInt(r.part) });
    byLine.set(key, entry);
  }
  return [...byLine.values()].slice(0, limit);
}

/** A member or a loan named by its payment reference ("M00045", "L7", "member 45"), for the manual pick and the split. */
export async function targetByReference(db: Executor, organisationId: string, text: string): Promise<AllocationInput["target"] | null> {
  const q = quotedReferences(text);
  if (q.memberNumbers.length + q.loanReferences.length !== 1) return null;
  if (q.memberNumbers.length) {
    const m = await db.selectFrom("members").select("id").where("organisation_id", "=", organisationId).where("member_number", "=", q.memberNumbers[0]).executeTakeFirst();
    return m ? { kind: "member", memberId: m.id } : null;
  }
  const l = await db.selectFrom("loans").select("id").where("organisation_id", "=", organisationId).where("reference", "=", q.loanReferences[0]).executeTakeFirst();
  return l ? { kind: "loan", loanId: l.id } : null;
}

async function lockLine(db: Executor, organisationId: string, lineId: bigint, bankAccountId?: string) {
  const line = await db
    .selectFrom("statement_lines")
    .select(["id", "bank_account_id", "booked_on", "amount_minor", "currency", "description", "payer_name", "reference"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", lineId)
    .forUpdate()
    .executeTakeFirst();
  if (!line || (bankAccountId !== undefined && line.bank_account_id !== bankAccountId)) throw notFound("There is no such statement line.");
  return { ...line, id: BigInt(line.id), amount_minor: BigInt(line.amount_minor) };
}

/** The line's live match and its allocations, or null; and how many rounds it has had. Read under the line's lock. */
async function liveMatchOf(db: Executor, organisationId: string, lineId: bigint) {
  const rows = await db
    .selectFrom("statement_matches")
    .select(["id", "round", "kind"])
    .where("organisation_id", "=", organisationId)
    .where("statement_line_id", "=", lineId)
    .orderBy("round", "desc")
    .orderBy("kind")
    .execute();
  const rounds = rows.reduce((n, r) => Math.max(n, r.round), 0);
  const last = rows.find((r) => r.round === rounds && r.kind === "match");
  const undone = rows.some((r) => r.round === rounds && r.kind === "reversal");
  if (!last || undone) return { live: null, rounds };
  const allocations = await db
    .selectFrom("statement_match_allocations")
    .select(["position", "amount_minor", "member_id", "share_transaction_id", "loan_id", "loan_transaction_id"])
    .where("organisation_id", "=", organisationId)
    .where("match_id", "=", last.id)
    .orderBy("position")
    .execute();
  return { live: { id: BigInt(last.id), round: last.round, allocations }, rounds };
}

const allocationKey = (a: { member_id?: string | null; loan_id?: string | null; amount_minor: bigint | string }) => `${a.member_id ?? ""}|${a.loan_id ?? ""}|${BigInt(a.amount_minor)}`;

const targetKey = (t: AllocationInput["target"]) => (t.kind === "member" ? `m:${t.memberId}` : `l:${t.loanId}`);

export type ConfirmOutcome = { ok: true; matchId: string; already: boolean; lineId: string };

/**
 * Confirms what a statement line pays: one target for the whole amount, or
 * a split across several whose amounts add up to the line. In the caller's
 * transaction (moneyTransaction), under the line's lock; each part posted
 * through recordPurchase or recordRepayment, any refusal of theirs rolls
 * the whole confirmation back. The same allocation confirmed again returns
 * the first match (`already`), so a double click or ten tabs post once.
 */
export async function confirmMatch(
  trx: Transaction<DB>,
  input: { organisationId: string; actorUserId: string; lineId: bigint; bankAccountId?: string; allocations: readonly AllocationInput[]; how: How; reason?: string; today: string; locale?: string },
): Promise<ConfirmOutcome> {
  const { organisationId, actorUserId } = input;
  const line = await lockLine(trx, organisationId, input.lineId, input.bankAccountId);
  const problem = splitProblem(line.amount_minor, input.allocations, moneyStyleOf({ currency: line.currency, locale: input.locale }));
  const keys = input.allocations.map((a) => targetKey(a.target));
  if (new Set(keys).size !== keys.length) throw refused("Name each member or loan once in a split.", "allocations");
  const { live, rounds } = await liveMatchOf(trx, organisationId, line.id);
  if (live) {
    const asked = input.allocations.map((a) => allocationKey({ member_id: a.target.kind === "member" ? a.target.memberId : null, loan_id: a.target.kind === "loan" ? a.target.loanId : null, amount_minor: a.amountMinor })).sort();
    const have = live.allocations.map((a) => allocationKey(a)).sort();
    if (asked.join("\n") === have.join("\n")) return { ok: true, matchId: String(live.id), already: true, lineId: String(line.id) };
    throw conflict("This payment is already matched to something else. Undo that match first if it was wrong.");
  }
  if (problem) throw refused(problem, "allocations");
  if (line.booked_on > input.today) throw refused(`The payment is dated ${line.booked_on}, after today.`);
  const round = rounds + 1;
  const match = await trx
    .insertInto("statement_matches")
    .values({
      organisation_id: organisationId, statement_line_id: line.id, round, kind: "match", prior_round: round > 1 ? round - 1 : null, prior_kind: round > 1 ? "reversal" : null,
      amount_minor: line.amount_minor, how: input.how, reason: (input.reason ?? "").slice(0, 1000), recorded_by: actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const note = `Bank statement ${line.booked_on}${line.reference ? ` ref ${line.reference}` : ""}${line.payer_name ? ` from ${line.payer_name}` : ""}`.slice(0, 200);
  // Everything the parts touch is locked before anything is written, loans then holdings, each in a fixed
  // order: two splits over the same loans and members queue instead of deadlocking, and the audit chain's
  // head (which each posting ends by taking) is always taken after them.
  const ordered = [...input.allocations].sort((a, b) => targetKey(a.target).localeCompare(targetKey(b.target)));
  const classes = new Map<string, { id: string; name: string; par_value: bigint | number }>();
  for (const a of ordered) if (a.target.kind === "loan") await lockLoan(trx, organisationId, a.target.loanId);
  const members = new Map<string, { id: string; name: string }>();
  for (const a of ordered) {
    if (a.target.kind !== "member") continue;
    const member = await trx.selectFrom("members").select(["id", "name"]).where("organisation_id", "=", organisationId).where("id", "=", a.target.memberId).executeTakeFirst();
    if (!member) throw refused("There is no such member.", "allocations");
    members.set(member.id, member);
    const cls = await shareClassFor(trx, organisationId, a.target.memberId);
    if (!cls) throw refused("The organisation has no share class for the payment to buy.", "allocations");
    classes.set(a.target.memberId, cls);
    await lockHolding(trx, organisationId, a.target.memberId, cls.id);
  }
  let position = 0;
  const posted: Record<string, string>[] = [];
  for (const a of ordered) {
    position++;
    if (a.target.kind === "loan") {
      const r = await recordRepayment(trx, actorUserId, organisationId, a.target.loanId, { amount: a.amountMinor, onDate: line.booked_on, method: "bank", note }, input.today);
      await trx.insertInto("statement_match_allocations").values({ organisation_id: organisationId, match_id: match.id, position, amount_minor: a.amountMinor, loan_id: a.target.loanId, loan_transaction_id: BigInt(r.transactionId) }).execute();
      posted.push({ loanId: a.target.loanId, amount: String(a.amountMinor), loanTransactionId: String(r.transactionId) });
    } else {
      const member = members.get(a.target.memberId)!;
      const cls = classes.get(member.id)!;
      const par = BigInt(cls.par_value);
      if (a.amountMinor % par !== 0n) throw refused(`${displayMoney(a.amountMinor, moneyStyleOf({ currency: line.currency, locale: input.locale }))} for ${member.name} is not a whole number of ${displayMoney(par, moneyStyleOf({ currency: line.currency, locale: input.locale }))} shares in ${cls.name}.`, "allocations");
      const r = await recordPurchase(trx, { organisationId, actorUserId, memberId: member.id, classId: cls.id, shares: Number(a.amountMinor / par), on: line.booked_on, method: "bank_transfer", reference: note });
      if (!r.ok) throw refused(`${member.name}: ${r.reason}`, "allocations");
      await trx.insertInto("statement_match_allocations").values({ organisation_id: organisationId, match_id: match.id, position, amount_minor: a.amountMinor, member_id: member.id, share_transaction_id: r.transactionId }).execute();
      posted.push({ memberId: member.id, amount: String(a.amountMinor), shareTransactionId: String(r.transactionId) });
    }
  }
  await recordAudit(trx, {
    organisationId, actorUserId, action: "statement_line.matched", entityType: "statement_line", entityId: String(line.id),
    after: { matchId: String(match.id), round, how: input.how, amount: String(line.amount_minor), bookedOn: line.booked_on, parts: posted },
  });
  return { ok: true, matchId: String(match.id), already: false, lineId: String(line.id) };
}

/** One suggestion taken: the whole line, whatever its amount, to one member or loan. */
export async function confirmWholeLine(
  trx: Transaction<DB>,
  input: { organisationId: string; actorUserId: string; lineId: bigint; bankAccountId?: string; target: AllocationInput["target"]; how: How; today: string; locale?: string },
) {
  const line = await lockLine(trx, input.organisationId, input.lineId, input.bankAccountId);
  return confirmMatch(trx, { ...input, allocations: [{ target: input.target, amountMinor: line.amount_minor }] });
}

/**
 * The class a bank payment buys for a member: of the classes they are not
 * already full in (a one-share membership class), the one they hold most
 * of, else the organisation's first. The same order as candidatesFor's.
 */
async function shareClassFor(db: Executor, organisationId: string, memberId: string) {
  return db
    .selectFrom("share_classes as c")
    .leftJoin("share_holdings as h", (j) => j.onRef("h.organisation_id", "=", "c.organisation_id").onRef("h.class_id", "=", "c.id").on("h.member_id", "=", memberId))
    .select(["c.id", "c.name", "c.par_value"])
    .where("c.organisation_id", "=", organisationId)
    .orderBy(sql`(c.max_holding_value is not null and coalesce(h.value, 0) >= c.max_holding_value)`)
    .orderBy(sql`coalesce(h.shares, 0)`, "desc")
    .orderBy("c.created_at")
    .orderBy("c.name")
    .limit(1)
    .executeTakeFirst();
}

/**
 * Undoes a line's live match: each posting reversed through its ledger's
 * own reversal (reverseRepayment; reverseTransaction for shares), then a
 * reversal row for the round. Refused, with the reason and nothing
 * written, when a posting can no longer be reversed: shares since
 * withdrawn or transferred, a loan since written off or rescheduled by a
 * prepayment.
 */
export async function undoMatch(trx: Transaction<DB>, input: { organisationId: string; actorUserId: string; lineId: bigint; bankAccountId?: string; reason: string; today: string }) {
  const { organisationId, actorUserId, today } = input;
  const line = await lockLine(trx, organisationId, input.lineId, input.bankAccountId);
  const { live } = await liveMatchOf(trx, organisationId, line.id);
  if (!live) throw conflict("This payment is not matched (or its match was already undone).");
  const note = `Undo of bank statement match: ${input.reason}`.slice(0, 200);
  const reversed: Record<string, string>[] = [];
  // Loans before members, each in a fixed order, as confirming locked them.
  const parts = [...live.allocations].sort((a, b) => `${a.loan_id ? "l" : "m"}:${a.loan_id ?? a.member_id}`.localeCompare(`${b.loan_id ? "l" : "m"}:${b.loan_id ?? b.member_id}`));
  for (const a of parts) if (a.loan_id) await lockLoan(trx, organisationId, a.loan_id);
  const purchases = new Map<string, { id: bigint; class_id: string; shares: number }>();
  for (const a of parts) {
    if (!a.member_id || a.share_transaction_id === null) continue;
    const tx = await trx.selectFrom("share_transactions").select(["id", "class_id", "shares"]).where("organisation_id", "=", organisationId).where("id", "=", BigInt(a.share_transaction_id)).executeTakeFirstOrThrow();
    const already = await trx.selectFrom("share_transactions").select("id").where("organisation_id", "=", organisationId).where("reverses_id", "=", tx.id).executeTakeFirst();
    if (already) throw conflict("The share purchase this payment made has already been reversed on the share ledger.");
    const holding = await lockHolding(trx, organisationId, a.member_id, tx.class_id);
    if (holding.shares < tx.shares) {
      throw refused(`The member now holds ${holding.shares} shares in that class, fewer than the ${tx.shares} this payment bought (some were withdrawn or transferred since), so the purchase cannot be reversed. Put it right on the member's share record first.`);
    }
    purchases.set(String(a.share_transaction_id), { id: BigInt(tx.id), class_id: tx.class_id, shares: tx.shares });
  }
  for (const a of parts) {
    if (a.loan_id && a.loan_transaction_id !== null) {
      const r = await reverseRepayment(trx, actorUserId, organisationId, a.loan_id, BigInt(a.loan_transaction_id), today, note, today);
      reversed.push({ loanId: a.loan_id, reversalId: String(r.reversalId) });
    } else if (a.member_id && a.share_transaction_id !== null) {
      const tx = purchases.get(String(a.share_transaction_id))!;
      const id = await reverseTransaction(trx, actorUserId, organisationId, tx.id, today, note);
      if (id === null) throw conflict("The share purchase this payment made cannot be found on the share ledger.");
      reversed.push({ memberId: a.member_id, reversalId: String(id) });
    }
  }
  const rev = await trx
    .insertInto("statement_matches")
    .values({ organisation_id: organisationId, statement_line_id: line.id, round: live.round, kind: "reversal", prior_round: live.round, prior_kind: "match", amount_minor: line.amount_minor, how: "undo", reason: input.reason.slice(0, 1000), recorded_by: actorUserId })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    organisationId, actorUserId, action: "statement_line.match_undone", entityType: "statement_line", entityId: String(line.id),
    before: { matchId: String(live.id) }, after: { reversalId: String(rev.id), reason: input.reason, reversed },
  });
  return { ok: true as const, reversalId: String(rev.id) };
}

/**
 * "Confirm N selected": each chosen line confirmed to its sure match, each
 * in its own money transaction (one line refused leaves the others done).
 * The proposal is worked out again now, so a line whose evidence changed
 * since the page was drawn (the member ceased, the loan was repaid) is not
 * confirmed on old information: it is reported and stays in the queue.
 */
export async function confirmSureMatches(db: Database, input: { organisationId: string; actorUserId: string; bankAccountId?: string; lineIds: readonly bigint[]; today: string; locale?: string }) {
  const { organisationId, actorUserId, today } = input;
  let q = db.selectFrom("statement_lines as l").select(LINE_COLUMNS).where("l.organisation_id", "=", organisationId);
  if (input.bankAccountId !== undefined) q = q.where("l.bank_account_id", "=", input.bankAccountId);
  const rows = input.lineIds.length ? await q.where("l.id", "in", [...input.lineIds]).execute() : [];
  const lines = rows.map(toQueueLine);
  const proposals = await proposeFor(db, organisationId, lines, input.locale);
  const money = (l: QueueLine) => displayMoney(l.amountMinor, moneyStyleOf({ currency: l.currency, locale: input.locale }));
  let confirmed = 0;
  let already = 0;
  const refusals: { lineId: string; reason: string }[] = [];
  for (const line of lines) {
    const sure = proposals.get(line.id)?.[0];
    if (!sure || sure.certainty !== "sure") {
      refusals.push({ lineId: String(line.id), reason: `${line.bookedOn} ${money(line)}: no longer a sure match; see its suggestions.` });
      continue;
    }
    const target: AllocationInput["target"] = sure.target.kind === "member" ? { kind: "member", memberId: sure.target.memberId } : { kind: "loan", loanId: sure.target.loanId };
    try {
      const r = await moneyTransaction(db, (trx) => confirmMatch(trx, { organisationId, actorUserId, lineId: line.id, bankAccountId: input.bankAccountId, allocations: [{ target, amountMinor: line.amountMinor }], how: "sure", reason: sure.reason, today, locale: input.locale }));
      if (r.already) already++;
      else confirmed++;
    } catch (error) {
      if (!isRefusal(error)) throw error;
      refusals.push({ lineId: String(line.id), reason: `${line.bookedOn} ${money(line)} (${targetLabel(sure.target)}): ${error.message}` });
    }
  }
  const missing = input.lineIds.length - lines.length;
  if (missing > 0) refusals.push({ lineId: "", reason: `${missing} of the lines chosen are not statement lines of this account.` });
  return { confirmed, already, refusals };
}

/** For the page: a proposal's target as the form posts it back. */
export function targetValue(t: MatchTarget): string {
  return t.kind === "member" ? `member:${t.memberId}` : `loan:${t.loanId}`;
}

/** A posted "member:<uuid>" or "loan:<uuid>" back to a target. */
export function parseTargetValue(v: string): AllocationInput["target"] | null {
  const m = /^(member|loan):([0-9a-f-]{36})$/i.exec(v);
  if (!m) return null;
  return m[1] === "member" ? { kind: "member", memberId: m[2] } : { kind: "loan", loanId: m[2] };
}

export { targetLabel, targetReference };
