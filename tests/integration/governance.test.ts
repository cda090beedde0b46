import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { castVote, checkReceipt, turnout } from "~/models/governance/ballots.server";
import { changeMemberStatus } from "~/models/shares/members.server";
import { closeMotion, createMeeting, createMotion, getResult, openMotion, recordHandCount } from "~/models/governance/meetings.server";
import { Refusal } from "~/domain/refusal";
import { EARLY_CLOSE_REASON_MISSING } from "~/domain/voting/closing";
import { appointProxy, castProxyVote, revokeProxy } from "~/models/governance/proxies.server";
import { getOrganisation } from "~/models/core/organisations.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";

let db: Database;
let orgId: string;
let secretary: string;
const members: string[] = [];

async function meetingWithMotion(kind: "ordinary" | "special" | "custom" = "ordinary", extra: Record<string, unknown> = {}) {
  return db.transaction().execute(async (trx) => {
    const meeting = await createMeeting(trx, secretary, orgId, {
      kind: "agm", title: "Annual General Meeting 2026", heldOn: "2026-12-10", startsAt: "18:30", place: "Village hall", format: "hybrid",
      noticeGivenOn: "2026-11-20", recordDate: "2026-11-20", agenda: "", documents: "",
    });
    const org = await getOrganisation(trx, orgId);
    const motion = await createMotion(trx, secretary, orgId, meeting.id, { kind, title: "Adopt the accounts", body: "", thresholdComparison: "at-least", ...extra }, org.rules);
    return { meetingId: meeting.id, motionId: motion.id };
  });
}
const open = (motionId: string) => db.transaction().execute((trx) => openMotion(trx, secretary, orgId, motionId));
const vote = (motionId: string, memberId: string, choice: "for" | "against" | "abstain") =>
  db.transaction().execute((trx) => castVote(trx, { organisationId: orgId, motionId, memberId, choice }));
const close = (motionId: string) => db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, motionId, undefined, "Closed before the fixture meeting, in a test"));

beforeAll(async () => {
  db = await testDb();
  const org = await makeOrganisation(db);
  orgId = org.id;
  secretary = (await makeUser(db, { organisationId: orgId, roles: ["secretary"] })).id;
  for (let i = 0; i < 60; i++) members.push((await makeMember(db, orgId, { name: `Voter ${i}`, on: "2025-01-15" })).id);
});

describe("calling a meeting", () => {
  it("refuses notice shorter than the organisation's rule, naming the last day", async () => {
    const err = await createMeeting(db, secretary, orgId, {
      kind: "agm", title: "Too soon", heldOn: "2026-12-10", startsAt: "", place: "", format: "hybrid", noticeGivenOn: "2026-11-30", agenda: "", documents: "",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(Refusal);
    expect(err.message).toContain("notice must be given by 2026-11-25");
  });
});

describe("opening a motion", () => {
  it("freezes the electorate at the record date: admitted members only, later changes ignored", async () => {
    const applied = await makeMember(db, orgId, { status: "applied", on: "2025-01-15" });
    const lateJoiner = await makeMember(db, orgId, { on: "2026-11-21" });
    const suspended = await makeMember(db, orgId, { on: "2025-01-15" });
    await changeMemberStatus(db, null, orgId, suspended.id, { status: "suspended", effectiveOn: "2026-06-01", note: "" });
    const { motionId } = await meetingWithMotion();
    const { eligible } = await open(motionId);
    const ids = (await db.selectFrom("motion_electorate").select("member_id").where("motion_id", "=", motionId).execute()).map((r) => r.member_id);
    expect(eligible).toBe(ids.length);
    expect(ids).toContain(members[0]);
    expect(ids).not.toContain(applied.id);
    expect(ids).not.toContain(lateJoiner.id);
    expect(ids).not.toContain(suspended.id);
    // Suspending someone after opening does not change the frozen list.
    await changeMemberStatus(db, null, orgId, members[1], { status: "suspended", effectiveOn: "2026-11-25", note: "" });
    expect((await vote(motionId, members[1], "for")).receipt).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await changeMemberStatus(db, null, orgId, members[1], { status: "admitted", effectiveOn: "2026-11-25", note: "" });
    const err = await vote(motionId, applied.id, "for").catch((e) => e);
    expect(err.message).toContain("not on the list of members eligible");
  });
});

describe("secret ballots", () => {
  it("writes a ballot with no member or time and a separate participation; refuses a second vote", async () => {
    const { motionId } = await meetingWithMotion();
    const early = await vote(motionId, members[0], "for").catch((e) => e);
    expect(early.message).toContain("has not opened");
    await open(motionId);
    const { receipt } = await vote(motionId, members[0], "against");
    const ballotColumns = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'ballots'`.execute(db)).rows.map((r) => r.column_name);
    expect(ballotColumns.some((c) => /member|user|_at$|time/.test(c))).toBe(false);
    const parts = await db.selectFrom("participations").selectAll().where("motion_id", "=", motionId).execute();
    expect(parts.map((p) => p.member_id)).toEqual([members[0]]);
    const again = await vote(motionId, members[0], "for").catch((e) => e);
    expect(again.message).toContain("already voted");
    expect(await db.selectFrom("ballots").select("choice").where("motion_id", "=", motionId).execute()).toEqual([{ choice: "against" }]);
    expect(await checkReceipt(db, orgId, receipt)).toMatchObject({ found: true, status: "in-ballot-box" });
    expect(await checkReceipt(db, orgId, "AAAA-BBBB-CCCC")).toEqual({ found: false });
    const t = await turnout(db, orgId, motionId);
    expect(t).toMatchObject({ online: 1, voted: 1 });
  });

  it("accepts exactly one of 50 concurrent votes by the same member", async () => {
    const { motionId } = await meetingWithMotion();
    await open(motionId);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => vote(motionId, members[2], i % 2 ? "for" : "against")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(49);
    for (const r of refused) expect(String(r.reason.message)).toContain("You have already voted on this motion");
    const counts = await db.selectFrom("ballots").select(sql<number>`count(*)::int`.as("n")).where("motion_id", "=", motionId).executeTakeFirstOrThrow();
    expect(counts.n).toBe(1);
  });
});

describe("closing and certifying", () => {
  it("counts online ballots and a show of hands, decides quorum and threshold, and refuses votes after close", async () => {
    const { motionId, meetingId } = await meetingWithMotion("special");
    await open(motionId);
    for (let i = 10; i < 16; i++) await vote(motionId, members[i], "for");
    await vote(motionId, members[16], "against");
    await vote(motionId, members[17], "abstain");
    await db.transaction().execute((trx) => recordHandCount(trx, secretary, orgId, motionId, { present: 4, votesFor: 2, votesAgainst: 1, votesAbstain: 1 }));
    const outcome = (await close(motionId)) as { passed: boolean; for: number; against: number; abstain: number; reasons: string[]; quorumMet: boolean };
    // 8 for, 2 against: 80% >= 75%; 12 took part, quorum is max(2, 10% of electorate).
    expect(outcome).toMatchObject({ for: 8, against: 2, abstain: 2, passed: true, quorumMet: true });
    expect(outcome.reasons.join(" ")).toContain("special resolution needs at least 75%");
    const result = await getResult(db, orgId, motionId);
    expect(result).toMatchObject({ voted_online: 8, present_in_person: 4, voted_by_proxy: 0 });
    const late = await vote(motionId, members[20], "for").catch((e) => e);
    expect(late.message).toContain("closed");
    const minutes = await db.selectFrom("meetings").select("minutes").where("id", "=", meetingId).executeTakeFirstOrThrow();
    expect(minutes.minutes).toContain("CARRIED");
    const audit = await db.selectFrom("audit_events").select("action").where("organisation_id", "=", orgId).where("entity_id", "=", motionId).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["motion.voting_opened", "motion.result_certified", "motion.hands_counted"]));
    expect(audit.map((a) => a.action).some((a) => a.includes("ballot"))).toBe(false);
  });

  it("fails an ordinary resolution on a tie and explains it", async () => {
    const { motionId } = await meetingWithMotion("ordinary");
    await open(motionId);
    await vote(motionId, members[21], "for");
    await vote(motionId, members[22], "against");
    const outcome = (await close(motionId)) as { passed: boolean; reasons: string[] };
    expect(outcome.passed).toBe(false);
    expect(outcome.reasons.join(" ")).toContain("a tie");
  });
});

describe("proxies", () => {
  it("counts a proxy vote once, lets the member override it, and enforces the holder limit and instructions", async () => {
    const { meetingId, motionId } = await meetingWithMotion("ordinary");
    const appoint = (appointer: string, holder: string | null, instructions: Record<string, "for" | "against" | "abstain"> = {}) =>
      db.transaction().execute((trx) => appointProxy(trx, secretary, orgId, { meetingId, appointerMemberId: appointer, holderMemberId: holder, instructions }));
    const holder = members[30];
    const a1 = await appoint(members[31], holder, { [motionId]: "for" });
    const a2 = await appoint(members[32], holder);
    for (let i = 33; i < 36; i++) await appoint(members[i], holder);
    const over = await appoint(members[36], holder).catch((e) => e);
    expect(over.message).toContain("most the rules allow (5)");
    const chair = await appoint(members[37], null, { [motionId]: "against" });
    await open(motionId);
    const pv = (appointmentId: string, choice: "for" | "against" | "abstain") =>
      db.transaction().execute((trx) => castProxyVote(trx, secretary, orgId, { motionId, appointmentId, holderMemberId: holder, asChair: false, choice }));
    const wrong = await pv(a1.id, "against").catch((e) => e);
    expect(wrong.message).toContain('instructed their proxy to vote "for"');
    await pv(a1.id, "for");
    const twice = await pv(a1.id, "for").catch((e) => e);
    expect(twice.message).toContain("already been cast");
    await pv(a2.id, "against");
    // Member 32 then votes themself: their own vote overrides the proxy's.
    await vote(motionId, members[32], "for");
    // Member 33's proxy votes, then 33 revokes: nothing counts for 33.
    const appts = await db.selectFrom("proxy_appointments").select(["id", "appointer_member_id"]).where("meeting_id", "=", meetingId).execute();
    const a3 = appts.find((a) => a.appointer_member_id === members[33])!;
    await pv(a3.id, "against");
    await db.transaction().execute((trx) => revokeProxy(trx, secretary, orgId, a3.id, members[33]));
    expect((await turnout(db, orgId, motionId))!.voted).toBe(2);
    const outcome = (await close(motionId)) as { for: number; against: number; present: number };
    // for: member 31 by proxy, member 32 themself; against: member 37 by the chair as instructed.
    expect(outcome).toMatchObject({ for: 2, against: 1, present: 3 });
    const result = await getResult(db, orgId, motionId);
    expect(result).toMatchObject({ voted_online: 1, voted_by_proxy: 2 });
    expect(chair.id).toBeTruthy();
    const revokeLate = await db.transaction().execute((trx) => revokeProxy(trx, secretary, orgId, a2.id, members[32])).catch((e) => e);
    expect(revokeLate.message).toContain("closed");
  });
});

describe("when voting may close", () => {
  // The meeting opens on 2026-12-10 at 18:30, London time (the organisation's zone).
  it("refuses closing before the meeting opens without a reason, and closes once it has opened", async () => {
    const { meetingId, motionId } = await meetingWithMotion();
    await open(motionId);
    const early = await db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, motionId, new Date("2026-12-10T18:29:00Z"))).catch((e) => e);
    expect(early).toBeInstanceOf(Refusal);
    expect(early.message).toBe(EARLY_CLOSE_REASON_MISSING);
    expect((await db.selectFrom("motions").select("status").where("id", "=", motionId).executeTakeFirstOrThrow()).status).toBe("open");
    expect(await getResult(db, orgId, motionId)).toBeNull();

    await db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, motionId, new Date("2026-12-10T18:30:00Z")));
    const minutes = (await db.selectFrom("meetings").select("minutes").where("id", "=", meetingId).executeTakeFirstOrThrow()).minutes;
    expect(minutes).not.toContain("closed before the meeting opened");
    expect((await getResult(db, orgId, motionId))!.outcome).not.toHaveProperty("closedBeforeMeeting");
  });

  it("closes before the meeting with the secretary's reason, recorded in the minutes, the audit trail and the result", async () => {
    const { meetingId, motionId } = await meetingWithMotion();
    await open(motionId);
    await db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, motionId, new Date("2026-12-01T10:00:00Z"), "  The postal ballot ran its notice period  "));
    const minutes = (await db.selectFrom("meetings").select("minutes").where("id", "=", meetingId).executeTakeFirstOrThrow()).minutes;
    expect(minutes).toContain("2026-12-01 10:00 UTC, voting on motion 1 closed before the meeting opened (2026-12-10 18:30). Reason recorded by the secretary: The postal ballot ran its notice period");
    expect((await getResult(db, orgId, motionId))!.outcome).toMatchObject({ closedBeforeMeeting: { reason: "The postal ballot ran its notice period", meetingOpens: "2026-12-10 18:30" } });
    const audit = await db.selectFrom("audit_events").select("body").where("organisation_id", "=", orgId).where("entity_id", "=", motionId).where("action", "=", "motion.result_certified").executeTakeFirstOrThrow();
    expect(audit.body).toContain("The postal ballot ran its notice period");
  });
});
