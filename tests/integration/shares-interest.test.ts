import { beforeAll, describe, expect, it } from "vitest";
import { approveInterestRun, createInterestPreview, getInterestRun, postInterestRun } from "~/models/shares/interest-runs.server";
import { memberCertificates, memberHoldings, recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { decideTransfer, requestTransfer } from "~/models/shares/transfers.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { setupClass } from "../fixtures/shares";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

describe("interest runs", () => {
  it("previews pro rata by days held, needs the board's approval, then posts as shares with the remainder in cash", async () => {
    const { org, user, cls } = await setupClass(db, { minHolding: "1", interestRate: "3" });
    const a = await makeMember(db, org.id, { email: "a@example.org", on: "2024-01-01" });
    const b = await makeMember(db, org.id, { on: "2024-01-01" });
    const buy = (memberId: string, shares: number, on: string) => db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: user.id, memberId, classId: cls.id, shares, on, method: "cash" }));
    await buy(a.id, 1000, "2024-06-01"); // held all of 2025
    await buy(b.id, 730, "2025-07-02"); // held 183 of 365 days
    const r = await db.transaction().execute((trx) => createInterestPreview(trx, user.id, org.id, { classId: cls.id, from: "2025-01-01", to: "2025-12-31", rate: 300, payAs: "shares", rounding: "down" }));
    if (!r.ok) throw new Error(r.reason);
    const run = (await getInterestRun(db, org.id, r.runId))!;
    const byId = new Map(run.lines.map((l) => [l.member_id, l]));
    expect(byId.get(a.id)!.interest).toBe(3000n); // £1,000 × 3% for the whole year
    // £730 × 183 days × 3% ÷ 365 = £10.98
    expect(byId.get(b.id)!.interest).toBe(1098n);
    expect(byId.get(b.id)).toMatchObject({ shares_credited: 10, cash: 98n });
    expect(await db.transaction().execute((trx) => postInterestRun(trx, user.id, org.id, r.runId, "2026-01-15"))).toMatchObject({ ok: false, reason: expect.stringContaining("not approved") });
    // Who previewed the run does not approve it (separation of duties); a board member does.
    expect(await db.transaction().execute((trx) => approveInterestRun(trx, user.id, org.id, r.runId))).toEqual({ ok: false, reason: "You previewed this interest run, so another board member must approve it." });
    const board = await makeUser(db, { organisationId: org.id, roles: ["board"] });
    expect(await db.transaction().execute((trx) => approveInterestRun(trx, board.id, org.id, r.runId))).toEqual({ ok: true });
    expect(await db.transaction().execute((trx) => postInterestRun(trx, user.id, org.id, r.runId, "2026-01-15"))).toMatchObject({ ok: true, members: 2 });
    expect((await memberHoldings(db, org.id, a.id))[0].shares).toBe(1030n);
    expect((await memberHoldings(db, org.id, b.id))[0].shares).toBe(740n);
    // Posting twice is refused.
    expect(await db.transaction().execute((trx) => postInterestRun(trx, user.id, org.id, r.runId, "2026-01-16"))).toMatchObject({ ok: false });
    const mail = await db.selectFrom("email_outbox").select("body").where("to_email", "=", "a@example.org").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(mail.body).toContain("£30.00, credited as 30 shares");
  });
});

describe("transfers", () => {
  it("moves shares only on board approval, within the rules, and reissues both certificates", async () => {
    const { org, user, cls } = await setupClass(db, { minHolding: "10", transferable: "on", maxHolding: "300.00" });
    const from = await makeMember(db, org.id);
    const to = await makeMember(db, org.id);
    for (const [m, n] of [[from.id, 200], [to.id, 50]] as const) {
      await db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: user.id, memberId: m, classId: cls.id, shares: n, on: "2026-01-01", method: "cash" }));
    }
    const tooMuch = await db.transaction().execute((trx) => requestTransfer(trx, user.id, org.id, { classId: cls.id, fromMemberId: from.id, toMemberId: to.id, shares: 195, on: "2026-02-01" }));
    expect(tooMuch).toMatchObject({ ok: false, reason: expect.stringContaining("below the 10 shares") });
    const t = await db.transaction().execute((trx) => requestTransfer(trx, user.id, org.id, { classId: cls.id, fromMemberId: from.id, toMemberId: to.id, shares: 100, on: "2026-02-01" }));
    if (!t.ok) throw new Error(t.reason);
    expect((await memberHoldings(db, org.id, to.id))[0].shares).toBe(50n);
    // Who asked for it, or a member whose shares it moves, does not approve it.
    expect(await db.transaction().execute((trx) => decideTransfer(trx, user.id, org.id, t.id, "approve", "2026-02-10", "Board minute 12"))).toEqual({ ok: false, field: "transferId", reason: "You asked for this transfer, so another board member must approve it." });
    const party = await makeUser(db, { organisationId: org.id, roles: ["board", "member"], memberId: to.id });
    expect(await db.transaction().execute((trx) => decideTransfer(trx, party.id, org.id, t.id, "approve", "2026-02-10", "Board minute 12"))).toEqual({ ok: false, field: "transferId", reason: "You are a party to this transfer, so another board member must approve it." });
    expect((await memberHoldings(db, org.id, to.id))[0].shares).toBe(50n);
    const board = await makeUser(db, { organisationId: org.id, roles: ["board"] });
    expect(await db.transaction().execute((trx) => decideTransfer(trx, board.id, org.id, t.id, "approve", "2026-02-10", "Board minute 12"))).toEqual({ ok: true });
    expect((await memberHoldings(db, org.id, from.id))[0].shares).toBe(100n);
    expect((await memberHoldings(db, org.id, to.id))[0].shares).toBe(150n);
    const certs = await memberCertificates(db, org.id, to.id);
    expect(certs.filter((c) => c.cancelled_on === null).map((c) => c.shares)).toEqual([150n]);
    expect(certs.find((c) => c.shares === 50n)?.cancelled_on).toBe("2026-02-10");
    expect(await db.transaction().execute((trx) => decideTransfer(trx, board.id, org.id, t.id, "approve", "2026-02-10", ""))).toMatchObject({ ok: false, reason: "This transfer has already been decided." });
  });
});
