/**
 * The discussion over HTTP (issue #16 point 4): a member of the electorate
 * comments from the motion page's form, the page shows it; the secretary
 * hides it with a reason and the page shows the reason, not the words; a
 * member not on the electorate is refused; the dashboard says when the vote
 * closes; the account page's reminder checkbox turns reminders off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importBlt } from "~/models/governance/elections.server";
import { createMeeting, createMotion, openMotion } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { voteRemindersOn } from "~/models/governance/vote-reminders.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { Browser, startTestServer, type TestServer } from "../http";

let db: Database;
let server: TestServer;
let orgId: string;
let motionId: string;
let electionId: string;
const logins = {} as Record<"member" | "late" | "secretary", { email: string; password: string; id: string }>;

beforeAll(async () => {
  db = await testDb();
  server = await startTestServer();
  orgId = (await makeOrganisation(db)).id;
  const voter = (await makeMember(db, orgId, { name: "Vera Voter", on: "2025-01-15" })).id;
  const late = (await makeMember(db, orgId, { name: "Late Joiner", on: "2026-11-25" })).id;
  logins.member = await makeUser(db, { organisationId: orgId, roles: ["member"], name: "Vera Voter", memberId: voter });
  logins.late = await makeUser(db, { organisationId: orgId, roles: ["member"], name: "Late Joiner", memberId: late });
  logins.secretary = await makeUser(db, { organisationId: orgId, roles: ["secretary"], name: "Sam Secretary" });
  motionId = await db.transaction().execute(async (trx) => {
    const meeting = await createMeeting(trx, logins.secretary.id, orgId, {
      kind: "agm", title: "AGM 2026", heldOn: "2026-12-10", startsAt: "18:30", place: "Hall", format: "hybrid",
      noticeGivenOn: "2026-11-20", recordDate: "2026-11-20", agenda: "", documents: "",
    });
    const motion = await createMotion(trx, logins.secretary.id, orgId, meeting.id, { kind: "ordinary", title: "Adopt the accounts", body: "", thresholdComparison: "at-least" }, (await getOrganisation(trx, orgId)).rules);
    await openMotion(trx, logins.secretary.id, orgId, motion.id);
    const election = await importBlt(trx, logins.secretary.id, orgId, meeting.id, '2 1\n1 1 0\n0\n"Ada"\n"Bea"\n"Board seat"\n', "scottish");
    await openMotion(trx, logins.secretary.id, orgId, election.id);
    electionId = election.id;
    return motion.id;
  });
});
afterAll(async () => server?.close());

async function as(who: keyof typeof logins) {
  const b = new Browser(server.base);
  await b.login(logins[who].email, logins[who].password);
  return b;
}

describe("the discussion on the motion page", () => {
  it("shows a member's comment, then the secretary's reason once hidden; refuses a member not on the electorate", async () => {
    const member = await as("member");
    const before = await (await member.get(`/motions/${motionId}`)).text();
    expect(before).toContain('id="discussion-heading"');
    expect(before).toContain("No comments yet.");

    const posted = await member.post(`/motions/${motionId}/discussion`, { intent: "comment", body: "Why is the surplus lower this year?" });
    expect(posted.status).toBe(302);
    expect(posted.headers.get("location")).toBe(`/motions/${motionId}#discussion`);
    expect(await (await member.get(`/motions/${motionId}`)).text()).toContain("Why is the surplus lower this year?");

    const late = await as("late");
    expect((await late.post(`/motions/${motionId}/discussion`, { intent: "comment", body: "Me too" })).status).toBe(403);
    expect(await (await late.get(`/motions/${motionId}`)).text()).toContain("Members eligible to vote on this can comment here.");

    const secretary = await as("secretary");
    const page = await (await secretary.get(`/motions/${motionId}`)).text();
    const commentId = /name="commentId" value="([0-9a-f-]{36})"/.exec(page)?.[1];
    expect(commentId).toBeTruthy();
    // A member cannot hide; the secretary must give a reason.
    expect((await member.post(`/motions/${motionId}/discussion`, { intent: "hide", commentId: commentId!, reason: "No" })).status).toBe(403);
    expect((await secretary.post(`/motions/${motionId}/discussion`, { intent: "hide", commentId: commentId!, reason: "" })).status).toBe(200);
    expect((await secretary.post(`/motions/${motionId}/discussion`, { intent: "hide", commentId: commentId!, reason: "Off topic" })).status).toBe(302);
    const after = await (await member.get(`/motions/${motionId}`)).text();
    expect(after).toContain("Hidden by the secretary: Off topic");
    expect(after).not.toContain("Why is the surplus lower this year?");
  });

  it("has the discussion on the election page too, and a comment there goes back to it", async () => {
    const member = await as("member");
    const posted = await member.post(`/motions/${electionId}/discussion`, { intent: "comment", body: "Who is Bea?" });
    expect(posted.headers.get("location")).toBe(`/elections/${electionId}#discussion`);
    const page = await (await member.get(`/elections/${electionId}`)).text();
    expect(page).toContain('id="discussion-heading"');
    expect(page).toContain("Who is Bea?");
  });

  it("shows 'closes in ...' on the member's and the secretary's dashboards once the secretary sets a closing time", async () => {
    const secretary = await as("secretary");
    const member = await as("member");
    expect(await (await member.get("/dashboard")).text()).not.toContain("closes in");
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000 + 3_600_000).toISOString().slice(0, 16);
    expect((await secretary.post(`/motions/${motionId}/discussion`, { intent: "closing-time", closesAt: inThreeDays })).status).toBe(302);
    // The organisation's zone is UTC or close to it: three days and an hour is "in 3 days" (or 4 across a day boundary in a far zone).
    expect(await (await member.get("/dashboard")).text()).toMatch(/closes in [34] days/);
    expect(await (await secretary.get("/dashboard")).text()).toMatch(/closes in [34] days/);
  });

  it("turns reminders off from the account page", async () => {
    const member = await as("member");
    expect(await (await member.get("/account")).text()).toContain("Email me a reminder before a vote closes");
    expect((await member.post("/account/reminders", { intent: "vote-reminders" })).status).toBe(302);
    expect(await voteRemindersOn(db, logins.member.id)).toBe(false);
    expect((await member.post("/account/reminders", { intent: "vote-reminders", voteReminders: "on" })).status).toBe(302);
    expect(await voteRemindersOn(db, logins.member.id)).toBe(true);
  });
});
