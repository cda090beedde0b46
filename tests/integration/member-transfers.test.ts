/**
 * A member asks to transfer some of their shares to another member, named
 * by number and name; nothing moves until the board approves. Over HTTP, as
 * the member and the board use it.
 */
import { CONFIRMATION_MISSING } from "~/schemas/common";
import { describe, expect, it } from "vitest";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { makeMember, makeUser } from "../../db/factories";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

describe("a member's own transfer request", () => {
  it("is refused with a reason for a wrong name, one's own number or too many shares, and otherwise waits for the board", async () => {
    const { org, user: secretary, cls } = await setupClass(t.db, { minHolding: "1", transferable: "on" });
    const giver = await makeMember(t.db, org.id, { name: "Siân O'Neil" });
    const receiver = await makeMember(t.db, org.id, { name: "Preston Bike Kitchen Ltd" });
    await t.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: giver.id, classId: cls.id, shares: 20, on: "2026-01-10", method: "cash" }));
    const login = await makeUser(t.db, { organisationId: org.id, roles: ["member"], memberId: giver.id });
    const member = new Browser(t.server.base);
    await member.login(login.email, login.password);
    expect(await (await member.get("/my/transfer")).text()).toContain("20 held");

    const ask = (fields: Record<string, string>) => member.post("/my/transfer", { classId: cls.id, shares: "5", toMemberNumber: String(receiver.member_number), toName: "preston bike kitchen ltd.", ...fields });
    const transfers = () => t.db.selectFrom("share_transfers").select(["from_member_id", "to_member_id", "shares", "status"]).where("organisation_id", "=", org.id).execute();
    expect(await (await ask({ toName: "Preston Bakery" })).text()).toContain("No member has that number and name");
    expect(await (await ask({ toMemberNumber: "999999" })).text()).toContain("No member has that number and name");
    expect(await (await ask({ toMemberNumber: String(giver.member_number), toName: "Sian O Neil" })).text()).toContain("That is your own member number");
    const tooMany = await ask({ shares: "25" });
    expect(tooMany.status).toBe(200);
    expect(await transfers()).toEqual([]);

    const asked = await ask({});
    expect(asked.status).toBe(302);
    expect(asked.headers.get("location")).toBe("/my?transfer=1");
    expect(await transfers()).toEqual([{ from_member_id: giver.id, to_member_id: receiver.id, shares: 5, status: "pending" }]);
    expect(await (await member.get("/my?transfer=1")).text()).toContain("Waiting for the board");

    // The board approves: then, and only then, the shares move.
    const boardUser = await makeUser(t.db, { organisationId: org.id, roles: ["board"] });
    const board = new Browser(t.server.base);
    await board.login(boardUser.email, boardUser.password);
    const [pending] = await t.db.selectFrom("share_transfers").select("id").where("organisation_id", "=", org.id).execute();
    expect((await board.post("/shares/transfers/decide", { transferId: pending.id, decision: "approve", on: "2026-11-20", note: "Board minute 2026/60" })).status).toBe(302);
    const holding = async (memberId: string) => Number((await t.db.selectFrom("share_holdings").select("shares").where("member_id", "=", memberId).where("class_id", "=", cls.id).executeTakeFirst())?.shares ?? 0);
    expect([await holding(giver.id), await holding(receiver.id)]).toEqual([15, 5]);
    expect(await (await member.get("/my")).text()).toContain("Approved on 20 November 2026");
  });

  it("is not rejected without a reason, and the member sees and is emailed the board's reason", async () => {
    const { org, user: secretary, cls } = await setupClass(t.db, { minHolding: "1", transferable: "on" });
    const giver = await makeMember(t.db, org.id, { name: "Refused Giver", email: "giver@example.org" });
    const receiver = await makeMember(t.db, org.id, { name: "Refused Receiver" });
    await t.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: giver.id, classId: cls.id, shares: 20, on: "2026-01-10", method: "cash" }));
    const login = await makeUser(t.db, { organisationId: org.id, roles: ["member"], memberId: giver.id });
    const member = new Browser(t.server.base);
    await member.login(login.email, login.password);
    expect((await member.post("/my/transfer", { classId: cls.id, shares: "5", toMemberNumber: String(receiver.member_number), toName: "Refused Receiver" })).status).toBe(302);
    const boardUser = await makeUser(t.db, { organisationId: org.id, roles: ["board"] });
    const board = new Browser(t.server.base);
    await board.login(boardUser.email, boardUser.password);
    const [pending] = await t.db.selectFrom("share_transfers").select("id").where("organisation_id", "=", org.id).execute();
    const bare = await board.post("/shares/transfers/decide", { transferId: pending.id, decision: "reject", on: "2026-11-20", note: "" });
    expect(bare.status).toBe(302);
    const back = bare.headers.get("location") ?? "";
    expect(back.startsWith("/shares/transfers?error=")).toBe(true);
    expect(await (await board.get(back)).text()).toContain("Give the reason for not approving the transfer");
    expect((await t.db.selectFrom("share_transfers").select("status").where("id", "=", pending.id).executeTakeFirstOrThrow()).status).toBe("pending");

    // Rejecting cannot be undone: with the reason but without the confirmation it is refused too.
    const unconfirmed = await board.post("/shares/transfers/decide", { transferId: pending.id, decision: "reject", on: "2026-11-20", note: "The receiving member is in arrears" });
    expect(await (await board.get(unconfirmed.headers.get("location") ?? "")).text()).toContain(CONFIRMATION_MISSING);
    expect((await t.db.selectFrom("share_transfers").select("status").where("id", "=", pending.id).executeTakeFirstOrThrow()).status).toBe("pending");
    expect((await board.post("/shares/transfers/decide", { transferId: pending.id, decision: "reject", on: "2026-11-20", note: "The receiving member is in arrears", confirmed: "yes" })).headers.get("location")).toBe("/shares/transfers");
    expect(await (await member.get("/my")).text()).toContain("Not approved: The receiving member is in arrears");
    const mail = await t.db.selectFrom("email_outbox").select(["to_email", "body"]).where("organisation_id", "=", org.id).where("subject", "=", "Share transfer not approved").execute();
    expect(mail.find((m) => m.to_email === "giver@example.org")?.body).toContain("The board's reason: The receiving member is in arrears");
  });

  it("offers nothing to transfer when the class does not allow transfers", async () => {
    const { org, user: secretary, cls } = await setupClass(t.db, { minHolding: "1" });
    const holder = await makeMember(t.db, org.id, { name: "Holder" });
    await t.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: holder.id, classId: cls.id, shares: 5, on: "2026-01-10", method: "cash" }));
    const login = await makeUser(t.db, { organisationId: org.id, roles: ["member"], memberId: holder.id });
    const member = new Browser(t.server.base);
    await member.login(login.email, login.password);
    expect(await (await member.get("/my/transfer")).text()).toContain("no shares of a class that allows transfers");
  });
});
