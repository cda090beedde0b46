import { checkSeparationOfDuties } from "~/domain/duties";
import type { Executor } from "~/utils/db.server";
import { displayLongDate } from "~/domain/locale";
import { displayMoney, type RoundingMode, type MoneyStyle } from "~/domain/money";
import { previewInterestRun } from "~/domain/shares/interest";
import type { ShareTransaction } from "~/domain/shares/holdings";
import { faultPoint } from "~/utils/fault-markers.server";
import { recordAudit } from "../core/audit.server";
import { organisationMoneyStyle } from "../core/organisations.server";
import { queueEmail } from "../core/outbox.server";
import { getShareClass, lockHoldings, reissueCertificate, toDomainClass } from "./share-classes-and-holdings.server";

/*
 * The annual interest run: a preview worked out by the domain (pro rata by
 * days held, rounded once per member), which the board approves, and which
 * the secretary then posts: as cash, or as whole shares with the remainder
 * in cash. A member whose holding would go over the class maximum is paid
 * in cash instead, so posting never breaks the rules.
 */

export async function classLedger(db: Executor, organisationId: string, classId: string, to: string): Promise<ShareTransaction[]> {
  const rows = await db
    .selectFrom("share_transactions")
    .select(["id", "member_id", "class_id", "kind", "shares", "amount", "effective_on", "reverses_id"])
    .where("organisation_id", "=", organisationId)
    .where("class_id", "=", classId)
    .where("effective_on", "<=", to)
    .orderBy("effective_on")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: String(r.id), memberId: r.member_id, classId: r.class_id, kind: r.kind, shares: r.shares, amount: BigInt(r.amount), effectiveOn: r.effective_on, reversesId: r.reverses_id === null ? null : String(r.reverses_id) }));
}

export async function createInterestPreview(
  db: Executor,
  actorUserId: string | null,
  organisationId: string,
  input: { classId: string; from: string; to: string; rate: number; payAs: "cash" | "shares"; rounding: RoundingMode },
) {
  const cls = await getShareClass(db, organisationId, input.classId);
  if (!cls) return { ok: false as const, field: "classId", reason: "No such share class" };
  if (input.to < input.from) return { ok: false as const, field: "to", reason: "The period ends before it starts" };
  // Each member's explanation is stored with the line, written as the organisation writes money.
  const money = await organisationMoneyStyle(db, organisationId);
  let preview;
  try {
    preview = previewInterestRun({ cls: toDomainClass(cls), from: input.from, to: input.to, transactions: await classLedger(db, organisationId, cls.id, input.to), rateBasisPoints: input.rate, rounding: input.rounding, money });
  } catch (error) {
    if (error instanceof RangeError) return { ok: false as const, field: "to", reason: error.message };
    throw error;
  }
  const run = await db
    .insertInto("interest_runs")
    .values({ organisation_id: organisationId, class_id: cls.id, period_from: input.from, period_to: input.to, rate_bp: input.rate, rounding: input.rounding, pay_as: input.payAs, total_interest: preview.totalInterest, created_by: actorUserId, method: preview.method })
    .returning("id")
    .executeTakeFirstOrThrow();
  const lines = preview.members.filter((m) => m.interest > 0n);
  for (let i = 0; i < lines.length; i += 1000) {
    await db
      .insertInto("interest_lines")
      .values(lines.slice(i, i + 1000).map((m) => ({
        organisation_id: organisationId, run_id: run.id, member_id: m.memberId, average_balance: m.averageBalance, interest: m.interest,
        shares_credited: input.payAs === "shares" ? m.asShares.shares : 0, cash: input.payAs === "shares" ? m.asShares.cash : m.interest, explain: m.explain,
      })))
      .execute();
  }
  await recordAudit(db, { organisationId, actorUserId, action: "share.interest_previewed", entityType: "interest_run", entityId: run.id, after: { ...input, total: preview.totalInterest, members: lines.length } });
  return { ok: true as const, runId: run.id };
}

export async function listInterestRuns(db: Executor, organisationId: string) {
  return db
    .selectFrom("interest_runs as r")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "r.class_id").onRef("c.organisation_id", "=", "r.organisation_id"))
    .select(["r.id", "r.period_from", "r.period_to", "r.rate_bp", "r.rounding", "r.pay_as", "r.status", "r.total_interest", "r.posted_on", "r.method", "c.name as class_name"])
    .where("r.organisation_id", "=", organisationId)
    .orderBy("r.created_at", "desc")
    .limit(100)
    .execute();
}

export async function getInterestRun(db: Executor, organisationId: string, runId: string) {
  const run = (await listInterestRunsById(db, organisationId, runId)) ?? null;
  if (!run) return null;
  const lines = await db
    .selectFrom("interest_lines as l")
    .innerJoin("members as m", (j) => j.onRef("m.id", "=", "l.member_id").onRef("m.organisation_id", "=", "l.organisation_id"))
    .select(["l.member_id", "m.name", "m.member_number", "l.average_balance", "l.interest", "l.shares_credited", "l.cash", "l.explain"])
    .where("l.organisation_id", "=", organisationId)
    .where("l.run_id", "=", runId)
    .orderBy("m.member_number")
    .limit(2000)
    .execute();
  return { run, lines };
}

async function listInterestRunsById(db: Executor, organisationId: string, runId: string) {
  return db
    .selectFrom("interest_runs as r")
    .innerJoin("share_classes as c", (j) => j.onRef("c.id", "=", "r.class_id").onRef("c.organisation_id", "=", "r.organisation_id"))
    .select(["r.id", "r.class_id", "r.period_from", "r.period_to", "r.rate_bp", "r.rounding", "r.pay_as", "r.status", "r.total_interest", "r.posted_on", "r.method", "c.name as class_name", "c.par_value"])
    .where("r.organisation_id", "=", organisationId)
    .where("r.id", "=", runId)
    .executeTakeFirst();
}

export async function approveInterestRun(db: Executor, actorUserId: string, organisationId: string, runId: string) {
  const run = await db.selectFrom("interest_runs").select(["status", "created_by"]).where("organisation_id", "=", organisationId).where("id", "=", runId).forUpdate().executeTakeFirst();
  if (!run) return null;
  if (run.status !== "preview") return { ok: false as const, reason: `This run is already ${run.status}.` };
  const separate = checkSeparationOfDuties("interest_run", actorUserId, [{ userId: run.created_by, as: "previewed" }]);
  if (!separate.ok) return { ok: false as const, reason: separate.reason };
  await db.updateTable("interest_runs").set({ status: "approved", approved_by: actorUserId }).where("organisation_id", "=", organisationId).where("id", "=", runId).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "share.interest_approved", entityType: "interest_run", entityId: runId, before: { status: "preview" }, after: { status: "approved" } });
  return { ok: true as const };
}

/** `style`: how the organisation writes money and dates in the members' emails (the session's organisation); read from it when not given. */
export async function postInterestRun(db: Executor, actorUserId: string | null, organisationId: string, runId: string, on: string, style?: MoneyStyle) {
  const run = await db.selectFrom("interest_runs").selectAll().where("organisation_id", "=", organisationId).where("id", "=", runId).forUpdate().executeTakeFirst();
  if (!run) return null;
  if (run.status !== "approved") return { ok: false as const, reason: run.status === "preview" ? "The board has not approved this run yet." : "This run has already been posted." };
  if (on < run.period_to) return { ok: false as const, reason: `Interest is posted after the period ends (${run.period_to}).` };
  const cls = (await getShareClass(db, organisationId, run.class_id))!;
  const par = BigInt(cls.par_value);
  const money = style ?? (await organisationMoneyStyle(db, organisationId));
  const period = `${displayLongDate(run.period_from, money.locale)} to ${displayLongDate(run.period_to, money.locale)}`;
  // Every holding the run credits is locked first, in the common order: locking them one by one while
  // crediting would hold the certificate and audit locks while waiting for the next holding, which a
  // purchase holding that holding and waiting for those locks turns into a deadlock.
  const crediting = await db.selectFrom("interest_lines").select("member_id").where("organisation_id", "=", organisationId).where("run_id", "=", runId).where("shares_credited", ">", 0).execute();
  const holdingOf = await lockHoldings(db, organisationId, crediting.map((l) => ({ memberId: l.member_id, classId: run.class_id })));
  // Then what decides cash or shares (the member's status, the holding against the maximum) is read under those locks.
  const lines = await db.selectFrom("interest_lines as l").innerJoin("members as m", (j) => j.onRef("m.id", "=", "l.member_id").onRef("m.organisation_id", "=", "l.organisation_id"))
    .select(["l.member_id", "l.interest", "l.shares_credited", "l.cash", "m.name", "m.email", "m.status"]).where("l.organisation_id", "=", organisationId).where("l.run_id", "=", runId).execute();
  let posted = 0;
  for (const line of lines) {
    let shares = line.shares_credited;
    if (shares > 0) {
      const holding = holdingOf({ memberId: line.member_id, classId: run.class_id });
      const max = cls.max_holding_value === null ? null : BigInt(cls.max_holding_value);
      // Members who have left, are suspended, or are at the maximum take the interest in cash.
      if (line.status !== "admitted" || (max !== null && holding.value + BigInt(shares) * par > max)) {
        await db.updateTable("interest_lines").set({ shares_credited: 0, cash: BigInt(line.interest) }).where("organisation_id", "=", organisationId).where("run_id", "=", runId).where("member_id", "=", line.member_id).execute();
        shares = 0;
      } else {
        await db.insertInto("share_transactions").values({ organisation_id: organisationId, member_id: line.member_id, class_id: run.class_id, kind: "interest_shares", shares, amount: BigInt(shares) * par, effective_on: on, method: "interest", reference: `Interest ${run.period_from} to ${run.period_to}`, reverses_id: null, recorded_by: actorUserId }).execute();
        await reissueCertificate(db, actorUserId, organisationId, line.member_id, run.class_id, on);
      }
    }
    if (line.email) {
      const cash = shares > 0 ? BigInt(line.cash) : BigInt(line.interest);
      await queueEmail(db, { organisationId, to: line.email, subject: `Interest on your ${cls.name}`, body: `Dear ${line.name},\n\nInterest for ${period}: ${displayMoney(BigInt(line.interest), money)}${shares > 0 ? `, credited as ${shares} shares with ${displayMoney(cash, money)} paid in cash` : ", paid in cash"}. Your annual statement shows the calculation.\n` });
    }
    await faultPoint("interest.line-posted", { lines: ++posted, of: lines.length });
  }
  await db.updateTable("interest_runs").set({ status: "posted", posted_on: on }).where("organisation_id", "=", organisationId).where("id", "=", runId).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "share.interest_posted", entityType: "interest_run", entityId: runId, before: { status: "approved" }, after: { status: "posted", on, members: lines.length } });
  return { ok: true as const, members: lines.length };
}

export async function interestRunExists(db: Executor, organisationId: string, runId: string) {
  return !!(await db.selectFrom("interest_runs").select("id").where("organisation_id", "=", organisationId).where("id", "=", runId).executeTakeFirst());
}
