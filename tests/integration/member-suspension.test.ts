/**
 * Issue #16, point 1: the board's page says members are told their withdrawal
 * notice is suspended; their own pages (/my and /my/withdraw) now say so too,
 * with the class, from when, until when and the board's reason. Over HTTP, as
 * the member sees it.
 */
import { describe, expect, it } from "vitest";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { endSuspension, suspendWithdrawals } from "~/models/shares/withdrawals.server";
import { makeMember, makeUser } from "../../db/factories";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser, pageText } from "../http";

const t = appTestBed();
const text = async (res: Response) => (await res.text()).replace(/<!-- -->/g, "");

describe("a suspension of withdrawals, on the member's own pages", () => {
  it("shows the suspension in force for the member's class, with its reason and dates, and not one that has ended", async () => {
    const { org, user: secretary, cls } = await setupClass(t.db, { minHolding: "1", noticeDays: "90" });
    const holder = await makeMember(t.db, org.id, { name: "Nia Holder" });
    await t.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: holder.id, classId: cls.id, shares: 20, on: "2025-01-10", method: "cash" }));
    const login = await makeUser(t.db, { organisationId: org.id, roles: ["member"], memberId: holder.id });
    const member = new Browser(t.server.base);
    await member.login(login.email, login.password);
    expect(await text(await member.get("/my"))).not.toContain("Withdrawals are suspended");

    // One that ended long ago, and one in force for the member's class.
    const ended = await t.db.transaction().execute((trx) => suspendWithdrawals(trx, secretary.id, org.id, { classId: null, fromOn: "2025-02-01", reason: "Old audit hold" }));
    await t.db.transaction().execute((trx) => endSuspension(trx, secretary.id, org.id, ended!, "2025-03-01"));
    await t.db.transaction().execute((trx) => suspendWithdrawals(trx, secretary.id, org.id, { classId: cls.id, fromOn: "2025-06-01", reason: "Roof repairs: protecting liquidity" }));

    for (const page of ["/my", "/my/withdraw"]) {
      const html = await text(await member.get(page));
      expect(html).toContain("Withdrawals are suspended");
      // The day in words (issue #16), the ISO day kept for machines in the <time> around them.
      expect(pageText(html)).toContain(`The board has suspended withdrawals of ${cls.name} from 1 June 2025 until it lifts the suspension. The reason the board gave: Roof repairs: protecting liquidity`);
      expect(html).toContain('<time dateTime="2025-06-01">1 June 2025</time>');
      expect(html).not.toContain("Old audit hold");
    }
  });
});
