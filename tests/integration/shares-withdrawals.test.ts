import { beforeAll, describe, expect, it } from "vitest";
import { getMember } from "~/models/shares/members.server";
import { holdingsLedgerMismatches, memberCertificates, memberHoldings, recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { endSuspension, payDueWithdrawals, requestWithdrawal, suspendWithdrawals, withdrawalQueue } from "~/models/shares/withdrawals.server";
import type { Database } from "~/utils/db.server";
import { makeMember } from "../../db/factories";
import { testDb } from "../db";
import { setupClass } from "../fixtures/shares";
import { moneyProblems } from "../mail-money";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

async function holder(shares: number, over: Record<string, string> = {}) {
  const s = await setupClass(db, { minHolding: "10", noticeDays: "90", ...over });
  const m = await makeMember(db, s.org.id, { email: "holder@example.org" });
  const r = await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: s.org.id, actorUserId: s.user.id, memberId: m.id, classId: s.cls.id, shares, on: "2026-01-01", method: "cash" }));
  expect(r.ok).toBe(true);
  return { ...s, member: m };
}

describe("withdrawals", () => {
  it("gives a due date from the notice, keeps the minimum, and pays only when due and not suspended", async () => {
    const { org, user, cls, member } = await holder(100);
    const ask = (shares: number, leaving = false, on = "2026-03-01") =>
      db.transaction().execute((trx) => requestWithdrawal(trx, { organisationId: org.id, actorUserId: user.id, memberId: member.id, classId: cls.id, shares, leaving, on }));
    expect(await ask(95)).toMatchObject({ ok: false, reason: expect.stringContaining("below the 10 shares") });
    const first = await ask(40);
    expect(first).toMatchObject({ ok: true, dueOn: "2026-05-30" });
    // Not due yet: nothing paid.
    expect(await db.transaction().execute((trx) => payDueWithdrawals(trx, user.id, org.id, "2026-05-29"))).toEqual([]);
    // The board suspends: due but waiting, with the reason members see.
    const sid = await db.transaction().execute((trx) => suspendWithdrawals(trx, user.id, org.id, { classId: null, fromOn: "2026-05-01", reason: "Roof repairs: protecting liquidity" }));
    expect(await db.transaction().execute((trx) => payDueWithdrawals(trx, user.id, org.id, "2026-06-01"))).toEqual([]);
    const q = await withdrawalQueue(db, org.id, "2026-06-01", member.id);
    expect(q.waiting[0].waiting).toContain("Roof repairs");
    // The member with notice waiting is told, with the reason.
    const told = await db.selectFrom("email_outbox").select(["subject", "body"]).where("organisation_id", "=", org.id).where("subject", "=", "Share withdrawals are suspended").execute();
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain("Roof repairs: protecting liquidity");
    await db.transaction().execute((trx) => endSuspension(trx, user.id, org.id, sid!, "2026-06-10"));
    expect(await db.transaction().execute((trx) => payDueWithdrawals(trx, user.id, org.id, "2026-06-11"))).toHaveLength(1);
    expect((await memberHoldings(db, org.id, member.id))[0].shares).toBe(60n);
    // Leaving: everything goes and the membership ceases on the payment date.
    expect(await ask(50, true, "2026-07-01")).toMatchObject({ ok: false });
    expect(await ask(60, true, "2026-07-01")).toMatchObject({ ok: true, dueOn: "2026-09-29" });
    expect(await db.transaction().execute((trx) => payDueWithdrawals(trx, user.id, org.id, "2026-10-01"))).toHaveLength(1);
    const after = await getMember(db, org.id, member.id);
    expect(after).toMatchObject({ status: "ceased", ceased_on: "2026-10-01" });
    expect((await memberCertificates(db, org.id, member.id)).every((c) => c.cancelled_on !== null)).toBe(true);
    expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);
    const mail = await db.selectFrom("email_outbox").select(["subject", "body"]).where("organisation_id", "=", org.id).execute();
    expect(mail.map((m) => m.subject)).toContain("Your share withdrawal has been paid");
    // The notices and the payments name their amounts with the currency ("£...", not a bare "600.00").
    const withMoney = mail.filter((m) => ["Your notice of withdrawal", "Your share withdrawal has been paid"].includes(m.subject));
    expect(withMoney.length).toBeGreaterThanOrEqual(4);
    expect(withMoney.flatMap((m) => moneyProblems(m.body))).toEqual([]);
  });

  it("20 concurrent withdrawals of the same shares pay out only what exists", async () => {
    const { org, user, cls, member } = await holder(100, { minHolding: "0", noticeDays: "0" });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        db.transaction().execute((trx) => requestWithdrawal(trx, { organisationId: org.id, actorUserId: user.id, memberId: member.id, classId: cls.id, shares: 10, leaving: false, on: "2026-03-01" })),
      ),
    );
    const accepted = results.filter((r) => r.status === "fulfilled" && r.value.ok).length;
    expect(accepted).toBe(10);
    // And 20 concurrent payment runs pay each request exactly once.
    const runs = await Promise.allSettled(Array.from({ length: 20 }, () => db.transaction().execute((trx) => payDueWithdrawals(trx, user.id, org.id, "2026-03-02"))));
    const paid = runs.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
    expect(paid).toHaveLength(10);
    expect(new Set(paid).size).toBe(10);
    const h = await memberHoldings(db, org.id, member.id);
    expect(h[0].shares).toBe(0n);
    const out = await db.selectFrom("share_transactions").select(["shares"]).where("organisation_id", "=", org.id).where("kind", "=", "withdrawal").execute();
    expect(out.reduce((t, r) => t + r.shares, 0)).toBe(100);
    expect(await holdingsLedgerMismatches(db, org.id)).toEqual([]);
  });
});
