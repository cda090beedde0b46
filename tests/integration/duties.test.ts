/**
 * Separation of duties (issue #13 point 2): who asks for, proposes or takes
 * something does not approve it. Share transfers over HTTP, the credit
 * committee through the model (interest runs: shares-interest.test.ts;
 * write-offs: write-off.test.ts).
 */
import { describe, expect, it } from "vitest";
import { createBorrower } from "~/models/lending/borrowers.server";
import { Refusal } from "~/domain/refusal";
import { castCommitteeVote } from "../../app/models/lending/committee.server";
import { createApplication, stepApplication } from "../../app/models/lending/applications.server";
import { createProduct } from "../../app/models/lending/products.server";
import { recordPurchase } from "~/models/shares/share-classes-and-holdings.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { borrowerInput, PRODUCT } from "../fixtures/lending";
import { setupClass } from "../fixtures/shares";
import { appTestBed, Browser } from "../http";

const t = appTestBed();

async function browserFor(user: { email: string; password: string }) {
  const b = new Browser(t.server.base);
  await b.login(user.email, user.password);
  return b;
}

describe("share transfers", () => {
  it("a board member cannot approve a transfer they asked for, nor one of their own shares; another board member can", async () => {
    const { org, user: secretary, cls } = await setupClass(t.db, { minHolding: "1", transferable: "on" });
    const giver = await makeMember(t.db, org.id, { name: "Board Member Giver" });
    const receiver = await makeMember(t.db, org.id, { name: "Receiver" });
    await t.db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: secretary.id, memberId: giver.id, classId: cls.id, shares: 20, on: "2026-01-10", method: "cash" }));
    const boardMember = await makeUser(t.db, { organisationId: org.id, roles: ["member", "board"], memberId: giver.id });
    const own = await browserFor(boardMember);
    const asked = await own.post("/my/transfer", { classId: cls.id, shares: "5", toMemberNumber: String(receiver.member_number), toName: "Receiver" });
    expect(asked.status).toBe(302);
    const [transfer] = await t.db.selectFrom("share_transfers").select(["id", "requested_by"]).where("organisation_id", "=", org.id).execute();
    expect(transfer.requested_by).toBe(boardMember.id);
    const decide = (b: Browser) => b.post("/shares/transfers/decide", { transferId: transfer.id, decision: "approve", on: "2026-11-20", note: "Board minute 7" });

    // A refusal sends the board member back to the transfers page with the reason shown there.
    const reason = (r: Response) => decodeURIComponent((r.headers.get("location") ?? "").split("?error=")[1] ?? "");
    const refused = await decide(own);
    expect(refused.status).toBe(302);
    expect(reason(refused)).toBe("You asked for this transfer, so another board member must approve it.");

    // The secretary asks for a transfer to a board member: that board member cannot approve it either.
    const receiverLogin = await makeUser(t.db, { organisationId: org.id, roles: ["board"], memberId: receiver.id });
    const party = await browserFor(receiverLogin);
    expect(reason(await decide(party))).toBe("You are a party to this transfer, so another board member must approve it.");

    // A secretary who also sits on the board cannot approve what they recorded.
    const secretaryOnBoard = await makeUser(t.db, { organisationId: org.id, roles: ["secretary", "board"] });
    const sec = await browserFor(secretaryOnBoard);
    expect((await sec.post("/shares/transfers", { classId: cls.id, fromMemberNumber: String(giver.member_number), toMemberNumber: String(receiver.member_number), shares: "2" })).status).toBeLessThan(400);
    const recorded = await t.db.selectFrom("share_transfers").select("id").where("organisation_id", "=", org.id).where("requested_by", "=", secretaryOnBoard.id).executeTakeFirstOrThrow();
    const r = await sec.post("/shares/transfers/decide", { transferId: recorded.id, decision: "approve", on: "2026-11-20", note: "" });
    expect([r.status, reason(r)]).toEqual([302, "You asked for this transfer, so another board member must approve it."]);

    const holding = async (memberId: string) => Number((await t.db.selectFrom("share_holdings").select("shares").where("member_id", "=", memberId).where("class_id", "=", cls.id).executeTakeFirst())?.shares ?? 0);
    expect([await holding(giver.id), await holding(receiver.id)]).toEqual([20, 0]);

    const other = await browserFor(await makeUser(t.db, { organisationId: org.id, roles: ["board"] }));
    const approved = await decide(other);
    expect([approved.status, approved.headers.get("location")]).toEqual([302, "/shares/transfers"]);
    expect([await holding(giver.id), await holding(receiver.id)]).toEqual([15, 5]);
  });
});

describe("credit committee", () => {
  it("the loan officer who took an application may only recuse themselves from its vote", async () => {
    const db = t.db;
    const org = await makeOrganisation(db, { legalForm: "community-bank" });
    const officer = await makeUser(db, { organisationId: org.id, roles: ["loan_officer", "credit_committee"] });
    const others = await Promise.all([1, 2].map(() => makeUser(db, { organisationId: org.id, roles: ["credit_committee"] })));
    const product = await createProduct(db, null, org.id, PRODUCT);
    const borrower = await createBorrower(db, null, org.id, borrowerInput());
    const app = await createApplication(db, officer.id, org.id, { borrowerId: borrower.id, productId: product.id, amount: "5000", termPeriods: 12, annualRate: "12", purpose: "Stock" }, "2026-11-20");
    for (const step of [{ intent: "submit" }, { intent: "review", officerNotes: "Seen accounts", monthlyIncome: "5000", monthlyOutgoings: "3000" }, { intent: "refer" }] as const) {
      await stepApplication(db, officer.id, org.id, app.id, step as never, "2026-11-20");
    }
    for (const vote of ["approve", "decline"] as const) {
      const error = await castCommitteeVote(db, officer.id, org.id, app.id, { vote, comment: "mine" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Refusal);
      expect((error as Error).message).toBe("You took this application as its loan officer, so recuse yourself and let the rest of the credit committee decide.");
    }
    expect((await castCommitteeVote(db, officer.id, org.id, app.id, { vote: "recuse", comment: "I took this application" })).status).toBe("pending");
    await castCommitteeVote(db, others[0].id, org.id, app.id, { vote: "approve", comment: "Fine" });
    const outcome = await castCommitteeVote(db, others[1].id, org.id, app.id, { vote: "approve", comment: "Agreed" });
    expect(outcome).toMatchObject({ status: "approved", reason: "Approved by 2 to 0, 1 recused." });
  });
});
