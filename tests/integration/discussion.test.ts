import { beforeAll, describe, expect, it } from "vitest";
import { Refusal } from "~/domain/refusal";
import { castVote } from "~/models/governance/ballots.server";
import { addComment, discussionFor, hideComment, listComments, type DiscussionActor } from "~/models/governance/discussion.server";
import { closeMotion, createMeeting, createMotion, openMotion } from "~/models/governance/meetings.server";
import { sendVoteReminders, setClosingTime, setVoteReminders } from "~/models/governance/vote-reminders.server";
import { getOrganisation } from "~/models/core/organisations.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { getJob } from "~/utils/jobs.server";
import { JOB_KINDS, scheduleDailyJobs } from "../../server/jobs";
import { testDb } from "../db";
import { runJobsUntil } from "../run-jobs";

/* Issue #16 point 4: the discussion on a vote, and the one reminder before it closes. */

let db: Database;
let orgId: string;
let secretaryId: string;
let secretary: DiscussionActor;
const voters: { memberId: string; userId: string; actor: DiscussionActor }[] = [];
let outsider: DiscussionActor;

async function openVote(title = "Adopt the accounts") {
  return db.transaction().execute(async (trx) => {
    const meeting = await createMeeting(trx, secretaryId, orgId, {
      kind: "agm", title: "AGM 2026", heldOn: "2026-12-10", startsAt: "18:30", place: "Hall", format: "hybrid",
      noticeGivenOn: "2026-11-20", recordDate: "2026-11-20", agenda: "", documents: "",
    });
    const org = await getOrganisation(trx, orgId);
    const motion = await createMotion(trx, secretaryId, orgId, meeting.id, { kind: "ordinary", title, body: "", thresholdComparison: "at-least" }, org.rules);
    await openMotion(trx, secretaryId, orgId, motion.id);
    return motion.id;
  });
}
const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Refusal);
const tx = <T>(f: (trx: Database) => Promise<T>) => db.transaction().execute((trx) => f(trx as unknown as Database));

beforeAll(async () => {
  db = await testDb();
  orgId = (await makeOrganisation(db)).id;
  secretaryId = (await makeUser(db, { organisationId: orgId, roles: ["secretary"], name: "Sam Secretary" })).id;
  secretary = { userId: secretaryId, name: "Sam Secretary", memberId: null, canManage: true };
  for (let i = 0; i < 4; i++) {
    const memberId = (await makeMember(db, orgId, { name: `Voter ${i}`, on: "2025-01-15", email: `voter${i}-${orgId.slice(0, 8)}@example.test` })).id;
    const userId = (await makeUser(db, { organisationId: orgId, roles: ["member"], name: `Voter ${i}`, memberId })).id;
    voters.push({ memberId, userId, actor: { userId, name: `Voter ${i}`, memberId, canManage: false } });
  }
  // Admitted after the record date: not on the electorate.
  const lateMember = (await makeMember(db, orgId, { name: "Late Joiner", on: "2026-11-25", email: "late@example.test" })).id;
  const lateUser = (await makeUser(db, { organisationId: orgId, roles: ["member"], memberId: lateMember })).id;
  outsider = { userId: lateUser, name: "Late Joiner", memberId: lateMember, canManage: false };
});

describe("the discussion on a vote", () => {
  it("takes a comment and a reply from members of the electorate, threaded; a reply to a reply joins the same thread", async () => {
    const motionId = await openVote();
    const first = await tx((trx) => addComment(trx, orgId, motionId, voters[0].actor, { body: "  Why is the surplus lower?  " }));
    const reply = await tx((trx) => addComment(trx, orgId, motionId, secretary, { body: "Energy costs rose.", parentId: first.id }));
    const deeper = await tx((trx) => addComment(trx, orgId, motionId, voters[1].actor, { body: "Thanks.", parentId: reply.id }));
    expect(deeper.parent_id).toBe(first.id);
    const thread = await listComments(db, orgId, motionId);
    expect(thread).toHaveLength(1);
    expect(thread[0]).toMatchObject({ authorName: "Voter 0", body: "Why is the surplus lower?" });
    expect(thread[0].replies.map((r) => [r.authorName, r.body])).toEqual([["Sam Secretary", "Energy costs rose."], ["Voter 1", "Thanks."]]);
  });

  it("refuses a member not on the electorate, and an empty or over-long comment", async () => {
    const motionId = await openVote();
    const err = await refusal(tx((trx) => addComment(trx, orgId, motionId, outsider, { body: "Let me in" })));
    expect(err?.code).toBe("forbidden");
    expect((await refusal(tx((trx) => addComment(trx, orgId, motionId, voters[0].actor, { body: "   " }))))?.field).toBe("body");
    expect((await refusal(tx((trx) => addComment(trx, orgId, motionId, voters[0].actor, { body: "x".repeat(4001) }))))?.field).toBe("body");
    expect(await listComments(db, orgId, motionId)).toEqual([]);
    const view = await discussionFor(db, { id: orgId, timeZone: "Europe/London" }, motionId, outsider);
    expect(view?.canComment).toBe(false);
  });

  it("refuses comments once voting has closed, and keeps what was said", async () => {
    const motionId = await openVote();
    await tx((trx) => addComment(trx, orgId, motionId, voters[0].actor, { body: "Before the close" }));
    await tx((trx) => closeMotion(trx, secretaryId, orgId, motionId, new Date(), "Electronic ballot: the notice period has run"));
    const err = await refusal(tx((trx) => addComment(trx, orgId, motionId, voters[0].actor, { body: "After the close" })));
    expect(err?.code).toBe("conflict");
    expect((await refusal(tx((trx) => addComment(trx, orgId, motionId, secretary, { body: "Staff too" }))))?.code).toBe("conflict");
    expect((await listComments(db, orgId, motionId)).map((c) => c.body)).toEqual(["Before the close"]);
    expect((await discussionFor(db, { id: orgId, timeZone: "UTC" }, motionId, voters[0].actor))?.canComment).toBe(false);
  });

  it("lets the secretary hide a comment with a reason: the reason shows, the words do not, and the audit trail has it", async () => {
    const motionId = await openVote();
    const c = await tx((trx) => addComment(trx, orgId, motionId, voters[2].actor, { body: "Something rude" }));
    expect((await refusal(tx((trx) => hideComment(trx, orgId, voters[0].actor, c.id, "I dislike it"))))?.code).toBe("forbidden");
    expect((await refusal(tx((trx) => hideComment(trx, orgId, secretary, c.id, "  "))))?.field).toBe("reason");
    await tx((trx) => hideComment(trx, orgId, secretary, c.id, "Personal remarks about a member"));
    const [shown] = await listComments(db, orgId, motionId);
    expect(shown.body).toBeNull();
    expect(shown.hiddenReason).toBe("Personal remarks about a member");
    expect(JSON.stringify(await listComments(db, orgId, motionId))).not.toContain("Something rude");
    const audit = await db.selectFrom("audit_events").selectAll().where("organisation_id", "=", orgId).where("entity_id", "=", c.id).execute();
    expect(audit.map((a) => a.action)).toEqual(["motion_comment.hidden"]);
    expect(audit[0].actor_user_id).toBe(secretaryId);
    expect(audit[0].body).toContain("Personal remarks about a member");
    // Hiding twice is refused, not a second audit event.
    expect((await refusal(tx((trx) => hideComment(trx, orgId, secretary, c.id, "again"))))?.code).toBe("conflict");
  });

  it("keeps each organisation's discussion to itself", async () => {
    const motionId = await openVote();
    const c = await tx((trx) => addComment(trx, orgId, motionId, voters[0].actor, { body: "Ours" }));
    const otherOrg = (await makeOrganisation(db)).id;
    const otherSecretaryId = (await makeUser(db, { organisationId: otherOrg, roles: ["secretary"] })).id;
    const otherSecretary: DiscussionActor = { userId: otherSecretaryId, name: "Other", memberId: null, canManage: true };
    expect(await listComments(db, otherOrg, motionId)).toEqual([]);
    expect(await discussionFor(db, { id: otherOrg, timeZone: "UTC" }, motionId, otherSecretary)).toBeNull();
    expect((await refusal(tx((trx) => addComment(trx, otherOrg, motionId, otherSecretary, { body: "Theirs" }))))?.code).toBe("not-found");
    expect((await refusal(tx((trx) => hideComment(trx, otherOrg, otherSecretary, c.id, "Not yours"))))?.code).toBe("not-found");
    expect((await listComments(db, orgId, motionId))[0].body).toBe("Ours");
  });
});

describe("reminders before a vote closes", () => {
  const reminders = (motionTitle: string) =>
    db.selectFrom("email_outbox").select(["to_email", "body"]).where("organisation_id", "=", orgId).where("subject", "=", `Reminder: voting closes soon on ${motionTitle}`).orderBy("to_email").execute();

  it("reminds once only the members who have not voted and have not opted out, when the close is within the window", async () => {
    const now = new Date();
    const title = `Reminded vote ${now.getTime()}`;
    const motionId = await openVote(title);
    const later = await openVote(`${title} (later)`);
    await tx((trx) => setClosingTime(trx, orgId, secretary, motionId, new Date(now.getTime() + 24 * 3_600_000), now));
    await tx((trx) => setClosingTime(trx, orgId, secretary, later, new Date(now.getTime() + 72 * 3_600_000), now));
    await tx((trx) => castVote(trx, { organisationId: orgId, motionId, memberId: voters[0].memberId, choice: "against" }));
    await setVoteReminders(db, voters[1].userId, false);
    try {
      // Two runs at once (on PostgreSQL, on two connections), then a third: each member is reminded once.
      const runs = await Promise.all([0, 1].map(() => tx((trx) => sendVoteReminders(trx, orgId, "https://coop.example", now))));
      expect(runs.reduce((a, b) => a + b, 0)).toBe(2);
      expect(await tx((trx) => sendVoteReminders(trx, orgId, "https://coop.example", new Date(now.getTime() + 3_600_000)))).toBe(0);
      const sent = await reminders(title);
      expect(sent.map((m) => m.to_email).sort()).toEqual([2, 3].map((i) => `voter${i}-${orgId.slice(0, 8)}@example.test`).sort());
      expect(sent[0].body).toContain(`https://coop.example/motions/${motionId}`);
      // Says nothing about how anyone voted.
      expect(sent[0].body).not.toMatch(/against|Voter 0/);
      // The vote closing in three days is outside the 48-hour window.
      expect(await reminders(`${title} (later)`)).toEqual([]);
    } finally {
      await setVoteReminders(db, voters[1].userId, true);
    }
  });

  it("refuses a closing time in the past, and sends nothing for a vote with no closing time", async () => {
    const now = new Date();
    const motionId = await openVote(`No close ${now.getTime()}`);
    expect((await refusal(tx((trx) => setClosingTime(trx, orgId, secretary, motionId, new Date(now.getTime() - 60_000), now))))?.code).toBe("conflict");
    expect((await refusal(tx((trx) => setClosingTime(trx, orgId, voters[0].actor, motionId, new Date(now.getTime() + 60_000), now))))?.code).toBe("forbidden");
    await tx((trx) => sendVoteReminders(trx, orgId, "https://coop.example", now));
    expect(await reminders(`No close ${now.getTime()}`)).toEqual([]);
  });


  it("are sent by the hourly job, enqueued once per organisation per hour", async () => {
    const now = new Date();
    const title = `Job reminded ${now.getTime()}`;
    const motionId = await openVote(title);
    await tx((trx) => setClosingTime(trx, orgId, secretary, motionId, new Date(now.getTime() + 6 * 3_600_000), now));
    await scheduleDailyJobs(db, now);
    await scheduleDailyJobs(db, now);
    const jobs = await db.selectFrom("jobs").select("id").where("organisation_id", "=", orgId).where("kind", "=", JOB_KINDS.voteReminders).where("status", "=", "queued").execute();
    expect(jobs).toHaveLength(1);
    // The shared test database holds many organisations' jobs: put ours first.
    await db.updateTable("jobs").set({ run_at: new Date("2000-01-01T00:00:00Z") }).where("id", "=", jobs[0].id).execute();
    await runJobsUntil(db, async () => !((await getJob(db, orgId, jobs[0].id))?.status !== "done"));
    expect((await getJob(db, orgId, jobs[0].id))?.status).toBe("done");
    expect((await reminders(title)).length).toBe(4);
  });
});
