import { sql } from "kysely";
import { approveInterestRun, createInterestPreview, postInterestRun } from "../../app/models/shares/interest-runs.server";
import { submitApplication } from "../../app/models/shares/share-applications.server";
import { createShareClass } from "../../app/models/shares/share-classes-and-holdings.server";
import { requestWithdrawal, suspendWithdrawals, endSuspension, payDueWithdrawals } from "../../app/models/shares/withdrawals.server";
import { ShareClassSchema } from "../../app/schemas/shares";
import { prng } from "../../db/factories";
import type { Executor } from "../../app/utils/db.server";
import type { SeedContext, SeedOrganisation } from "./context";

/*
 * Demo share capital for both organisations. Opening holdings are loaded
 * straight into the ledger in bulk (as an import would) so seeding stays
 * fast; everything after that goes through the models, as the app would.
 */

type Cls = { id: string; par: bigint; min: number; max: number };

async function makeClass(db: Executor, org: SeedOrganisation, actor: string, fields: Record<string, string>) {
  const row = await createShareClass(db, actor, org.id, ShareClassSchema.parse(fields));
  return { id: row.id, par: BigInt(row.par_value), min: row.min_holding };
}

function addDays(date: string, days: number) {
  return new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Holdings from each member's admission; members who left withdrew everything on the day they ceased. */
async function openingHoldings(db: Executor, org: SeedOrganisation, cls: Cls, seed: number, pick: (rng: ReturnType<typeof prng>) => number, share = 1) {
  const rng = prng(seed);
  const rows: Record<string, unknown>[] = [];
  const certs: Record<string, unknown>[] = [];
  const counter = await db.selectFrom("share_certificates").select(sql<number>`coalesce(max(number), 0)`.as("n")).where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
  let certNo = Number(counter.n);
  const admitted = org.members.filter((m) => m.admitted_on);
  // The ledger trigger refuses purchases by suspended or ceased members (rightly, for today); these
  // purchases date from before, so statuses are set aside for the load and put back after.
  const held = admitted.filter((m) => m.status !== "admitted").map((m) => m.id);
  if (held.length) await db.updateTable("members").set({ status: "admitted" }).where("organisation_id", "=", org.id).where("id", "in", held).execute();
  for (const m of admitted) {
    if (rng.next() > share && m.id !== org.demoMemberId) continue;
    const shares = Math.max(cls.min, pick(rng));
    rows.push({ organisation_id: org.id, member_id: m.id, class_id: cls.id, kind: "purchase", shares, amount: BigInt(shares) * cls.par, effective_on: m.admitted_on, method: "bank_transfer", reference: "Opening holding", reverses_id: null, recorded_by: null });
    if (m.status === "ceased" && m.ceased_on) {
      rows.push({ organisation_id: org.id, member_id: m.id, class_id: cls.id, kind: "withdrawal", shares, amount: BigInt(shares) * cls.par, effective_on: m.ceased_on, method: "withdrawal", reference: "Withdrawn on leaving", reverses_id: null, recorded_by: null });
      certs.push({ organisation_id: org.id, number: ++certNo, member_id: m.id, class_id: cls.id, shares, issued_on: m.admitted_on, cancelled_on: m.ceased_on });
    } else {
      certs.push({ organisation_id: org.id, number: ++certNo, member_id: m.id, class_id: cls.id, shares, issued_on: m.admitted_on, cancelled_on: null });
    }
  }
  for (let i = 0; i < rows.length; i += 500) await db.insertInto("share_transactions").values(rows.slice(i, i + 500) as never).execute();
  for (let i = 0; i < certs.length; i += 500) await db.insertInto("share_certificates").values(certs.slice(i, i + 500) as never).execute();
  for (const status of ["suspended", "ceased"] as const) {
    const ids = org.members.filter((m) => m.status === status && m.admitted_on).map((m) => m.id);
    if (ids.length) await db.updateTable("members").set({ status }).where("organisation_id", "=", org.id).where("id", "in", ids).execute();
  }
}

/** Demo data for shares: called by scripts/seed.ts inside the seeding transaction. */
export async function seedShares(ctx: SeedContext) {
  const { db, bakery, bank, today } = ctx;
  const bakerySec = bakery.users.secretary;
  const bankSec = bank.users.secretary;

  const community = await makeClass(db, bakery, bakerySec, { name: "Community Shares", parValue: "1.00", minHolding: "25", maxHolding: "100000.00", withdrawable: "on", noticeDays: "90", interestRate: "3", voting: "one-member-one-vote" });
  const worker = await makeClass(db, bakery, bakerySec, { name: "Worker Shares", parValue: "25.00", minHolding: "0", maxHolding: "", transferable: "on", noticeDays: "0", interestRate: "0", voting: "one-member-one-vote" });
  await openingHoldings(db, bakery, { ...community, max: 0 }, 11, (r) => r.pick([25, 50, 100, 250, 500, 1000, 2500]));
  await openingHoldings(db, bakery, { ...worker, max: 0 }, 12, () => 1, 0.3);

  const memberShares = await makeClass(db, bank, bankSec, { name: "Member Shares", parValue: "1.00", minHolding: "1", maxHolding: "1.00", noticeDays: "0", interestRate: "0", voting: "one-member-one-vote" });
  const deposit = await makeClass(db, bank, bankSec, { name: "Deposit Shares", parValue: "10.00", minHolding: "0", maxHolding: "100000.00", withdrawable: "on", noticeDays: "90", interestRate: "2.5", voting: "one-member-one-vote" });
  await openingHoldings(db, bank, { ...memberShares, max: 0 }, 21, () => 1);
  await openingHoldings(db, bank, { ...deposit, max: 0 }, 22, (r) => r.pick([10, 25, 50, 100, 200, 500]), 0.7);

  // Interest history: the bakery's 2025 run, previewed, approved by the board and posted in January.
  const run = await createInterestPreview(db, bakerySec, bakery.id, { classId: community.id, from: "2025-01-01", to: "2025-12-31", rate: 300, payAs: "cash", rounding: "down" });
  if (run.ok) {
    await approveInterestRun(db, bakery.users.board, bakery.id, run.runId);
    await postInterestRun(db, bakerySec, bakery.id, run.runId, "2026-01-20");
  }
  const bankRun = await createInterestPreview(db, bankSec, bank.id, { classId: deposit.id, from: "2025-01-01", to: "2025-12-31", rate: 250, payAs: "shares", rounding: "down" });
  if (bankRun.ok) await approveInterestRun(db, bank.users.board, bank.id, bankRun.runId);

  // A suspended-withdrawal episode at the bank: notices given, the board suspends, then resumes and pays in order.
  const holders = await db.selectFrom("share_holdings as h").innerJoin("members as m", "m.id", "h.member_id")
    .select(["h.member_id", "h.shares"]).where("h.organisation_id", "=", bank.id).where("h.class_id", "=", deposit.id).where("m.status", "=", "admitted").where("h.shares", ">=", 50n).orderBy("m.member_number").limit(6).execute();
  const noticeDays = ["2026-01-05", "2026-01-12", "2026-02-02", "2026-03-10", "2026-08-20", "2026-10-01"];
  for (const [i, h] of holders.entries()) {
    await requestWithdrawal(db, { organisationId: bank.id, actorUserId: bankSec, memberId: h.member_id, classId: deposit.id, shares: 20, leaving: false, on: noticeDays[i] });
  }
  const episode = await suspendWithdrawals(db, bank.users.board, bank.id, { classId: deposit.id, fromOn: "2026-04-01", reason: "Liquidity below the board's 15% floor after the Ribble solar loan drew down (board minute 2026/14)" });
  await payDueWithdrawals(db, bankSec, bank.id, "2026-04-10"); // the January notices, due in April, wait
  if (episode) await endSuspension(db, bank.users.board, bank.id, episode, "2026-06-30");
  await payDueWithdrawals(db, bankSec, bank.id, "2026-07-01");
  // And one in force now at the bakery, so members see why their notice waits.
  await suspendWithdrawals(db, bakery.users.board, bakery.id, { classId: null, fromOn: addDays(today, -20), reason: "Oven replacement: withdrawals paused until the new oven is paid for (board minute 2026/31)" });
  const bakeryHolder = await db.selectFrom("share_holdings as h").innerJoin("members as m", "m.id", "h.member_id").select("h.member_id")
    .where("h.organisation_id", "=", bakery.id).where("h.class_id", "=", community.id).where("m.status", "=", "admitted").where("h.shares", ">=", 100n).where("h.member_id", "<>", bakery.demoMemberId).orderBy("m.member_number").executeTakeFirst();
  if (bakeryHolder) await requestWithdrawal(db, { organisationId: bakery.id, actorUserId: bakerySec, memberId: bakeryHolder.member_id, classId: community.id, shares: 50, leaving: false, on: "2026-05-01" });

  // A pending application at each.
  const org = (o: SeedOrganisation) => ({ id: o.id, name: o.name, local_area: o.localArea });
  await submitApplication(db, org(bakery), { kind: "person", name: "Priya Mistry", email: "priya.mistry@example.org", phone: null, address: "14 Avenham Lane, Preston", postcode: "PR1 3RH", classId: community.id, shares: 100, declarations: ["rules", "age", "risk"] }, addDays(today, -3));
  await submitApplication(db, org(bank), { kind: "organisation", name: "Deepdale Allotment Society", email: "treasurer@deepdale-allotments.example.org", phone: null, address: "Deepdale Road, Preston", postcode: "PR1 6LU", classId: memberShares.id, shares: 1, declarations: ["rules", "age", "risk"] }, addDays(today, -6));
}
