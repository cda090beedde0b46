import { beforeAll, describe, expect, it } from "vitest";
import { castVote } from "~/models/governance/ballots.server";
import { closeMotion, createMeeting, createMotion, openMotion } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { createShareClass, recordPurchase, reverseTransaction } from "~/models/shares/share-classes-and-holdings.server";
import { ShareClassSchema } from "~/schemas/shares";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";

let db: Database;
beforeAll(async () => {
  db = await testDb();
});

async function motionWithVotes(voting: "weighted" | "one-member-one-vote") {
  const org = await makeOrganisation(db);
  const sec = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
  const cls = await db.transaction().execute((trx) =>
    createShareClass(trx, sec.id, org.id, ShareClassSchema.parse({ name: "Capital", parValue: "1.00", minHolding: "0", noticeDays: "0", interestRate: "0", voting })),
  );
  const [a, b, c] = [await makeMember(db, org.id, { name: "A" }), await makeMember(db, org.id, { name: "B" }), await makeMember(db, org.id, { name: "C" })];
  const buy = (memberId: string, shares: number, on: string) =>
    db.transaction().execute((trx) => recordPurchase(trx, { organisationId: org.id, actorUserId: sec.id, memberId, classId: cls.id, shares, on, method: "cash" }));
  await buy(a.id, 10, "2025-02-01");
  const wrong = await buy(b.id, 50, "2025-02-01");
  if (!wrong.ok) throw new Error(wrong.reason);
  // B's purchase was recorded in error and reversed; then B bought 3.
  const tx = await db.selectFrom("share_transactions").select("id").where("organisation_id", "=", org.id).where("member_id", "=", b.id).executeTakeFirstOrThrow();
  await db.transaction().execute((trx) => reverseTransaction(trx, sec.id, org.id, tx.id, "2025-02-02", "keyed twice"));
  await buy(b.id, 3, "2025-02-03");
  await buy(c.id, 100, "2030-06-01"); // after the record date: does not count
  const rules = (await getOrganisation(db, org.id)).rules;
  const meeting = await createMeeting(db, sec.id, org.id, { kind: "agm", title: "AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "electronic", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" });
  const motion = await createMotion(db, sec.id, org.id, meeting.id, { kind: "ordinary", title: "Adopt", body: "", thresholdComparison: "at-least" }, rules);
  await db.transaction().execute((trx) => openMotion(trx, sec.id, org.id, motion.id));
  const weights = await db.selectFrom("motion_electorate").select(["member_id", "weight"]).where("motion_id", "=", motion.id).execute();
  const weightOf = Object.fromEntries(weights.map((w) => [w.member_id, w.weight]));
  await castVote(db, { organisationId: org.id, motionId: motion.id, memberId: a.id, choice: "for" });
  await castVote(db, { organisationId: org.id, motionId: motion.id, memberId: b.id, choice: "against" });
  await castVote(db, { organisationId: org.id, motionId: motion.id, memberId: c.id, choice: "against" });
  await db.transaction().execute((trx) => closeMotion(trx, sec.id, org.id, motion.id, undefined, "Closed before the fixture meeting, in a test"));
  const result = await db.selectFrom("motion_results").selectAll().where("motion_id", "=", motion.id).executeTakeFirstOrThrow();
  return { weights: [weightOf[a.id], weightOf[b.id], weightOf[c.id]], result };
}

describe("weighted voting by share class", () => {
  it("weights each member by shares held in weighted classes on the record date (reversals undone, at least 1)", async () => {
    const { weights, result } = await motionWithVotes("weighted");
    expect(weights).toEqual([10, 3, 1]);
    expect(JSON.stringify(result)).toMatch(/"for":10[,}]/);
    expect(JSON.stringify(result)).toMatch(/"against":4[,}]/);
  });

  it("gives every member one vote when the classes say one member one vote", async () => {
    const { weights, result } = await motionWithVotes("one-member-one-vote");
    expect(weights).toEqual([1, 1, 1]);
    expect(JSON.stringify(result)).toMatch(/"for":1[,}]/);
    expect(JSON.stringify(result)).toMatch(/"against":2[,}]/);
  });
});
