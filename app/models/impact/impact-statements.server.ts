import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";
import { yearStartFor } from "~/models/impact/impact-figures.server";

/*
 * A member's annual statement: their share holdings at the start and end of
 * the financial year, every share transaction in it, and interest on their
 * shares. Worked out from the ledger, so it always agrees with the register.
 */

const SIGNED = sql<bigint>`CASE
  WHEN t.kind IN ('purchase','transfer_in','interest_shares','bonus') THEN t.amount
  WHEN t.kind IN ('withdrawal','transfer_out','forfeit') THEN -t.amount
  WHEN o.kind IN ('purchase','transfer_in','interest_shares','bonus') THEN -t.amount
  ELSE t.amount END`;

export async function memberImpactStatement(db: Executor, organisationId: string, memberId: string, yearEnd: string) {
  const member = await db
    .selectFrom("members")
    .select(["id", "member_number", "name", "address", "postcode", "status"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", memberId)
    .executeTakeFirst();
  if (!member) return null;
  const yearStart = yearStartFor(yearEnd);
  const holdings = await db
    .selectFrom("share_transactions as t")
    .leftJoin("share_transactions as o", (j) => j.onRef("o.organisation_id", "=", "t.organisation_id").onRef("o.id", "=", "t.reverses_id"))
    .innerJoin("share_classes as c", (j) => j.onRef("c.organisation_id", "=", "t.organisation_id").onRef("c.id", "=", "t.class_id"))
    .select([
      "c.name as class_name",
      sql<bigint>`COALESCE(SUM(${SIGNED}) FILTER (WHERE t.effective_on < ${yearStart}::date), 0)::int8`.as("opening"),
      sql<bigint>`COALESCE(SUM(${SIGNED}) FILTER (WHERE t.effective_on <= ${yearEnd}::date), 0)::int8`.as("closing"),
    ])
    .where("t.organisation_id", "=", organisationId)
    .where("t.member_id", "=", memberId)
    .groupBy("c.name")
    .orderBy("c.name")
    .execute();
  const transactions = await db
    .selectFrom("share_transactions as t")
    .innerJoin("share_classes as c", (j) => j.onRef("c.organisation_id", "=", "t.organisation_id").onRef("c.id", "=", "t.class_id"))
    .select(["t.id", "t.effective_on", "t.kind", "t.shares", "t.amount", "c.name as class_name"])
    .where("t.organisation_id", "=", organisationId)
    .where("t.member_id", "=", memberId)
    .where("t.effective_on", ">=", yearStart)
    .where("t.effective_on", "<=", yearEnd)
    .orderBy("t.effective_on")
    .orderBy("t.id")
    .execute();
  const interest = await db
    .selectFrom("interest_lines as l")
    .innerJoin("interest_runs as r", (j) => j.onRef("r.organisation_id", "=", "l.organisation_id").onRef("r.id", "=", "l.run_id"))
    .select([sql<bigint>`COALESCE(SUM(l.interest), 0)::int8`.as("interest"), sql<bigint>`COALESCE(SUM(l.cash), 0)::int8`.as("cash")])
    .where("l.organisation_id", "=", organisationId)
    .where("l.member_id", "=", memberId)
    .where("r.status", "=", "posted")
    .where("r.posted_on", ">=", yearStart)
    .where("r.posted_on", "<=", yearEnd)
    .executeTakeFirstOrThrow();
  return {
    member,
    yearStart,
    yearEnd,
    holdings: holdings.map((h) => ({ className: h.class_name, opening: BigInt(h.opening), closing: BigInt(h.closing) })),
    transactions: transactions.map((t) => ({ on: t.effective_on, kind: t.kind, className: t.class_name, shares: Number(t.shares), amount: BigInt(t.amount) })),
    interest: BigInt(interest.interest),
    interestCash: BigInt(interest.cash),
  };
}

export type MemberStatement = NonNullable<Awaited<ReturnType<typeof memberImpactStatement>>>;
