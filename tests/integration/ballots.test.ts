/**
 * Voting through HTTP, as a member's browser does it: log in, vote, receipt,
 * refused second vote (also 50 at once), bad input refused, proxy vote,
 * secretary closes and the certified result shows (page, CSV, PDF).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "~/models/core/auth.server";
import { createElection, createMeeting, createMotion } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { appointProxy } from "~/models/governance/proxies.server";
import type { Database } from "~/utils/db.server";
import { hashToken } from "~/utils/tokens.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";
import { Browser, startTestServer, type TestServer } from "../http";
import { pdfText } from "../pdf-text";
import { CONFIRMATION_MISSING } from "~/schemas/common";
import { EARLY_CLOSE_REASON_MISSING } from "~/domain/voting/closing";

let db: Database;
let server: TestServer;
let orgId: string;
let motionId: string;
let electionId: string;
let meetingId: string;
let secretaryId: string;
const logins: Record<string, { email: string; password: string; memberId?: string }> = {};

beforeAll(async () => {
  db = await testDb();
  server = await startTestServer();
  const org = await makeOrganisation(db);
  orgId = org.id;
  const sec = await makeUser(db, { organisationId: orgId, roles: ["secretary"] });
  logins.secretary = sec;
  secretaryId = sec.id;
  for (const name of ["alice", "bob", "carol", "dan"]) {
    // Alice and Bob have email addresses on the register; Carol and Dan do not.
    const m = await makeMember(db, orgId, { name: `Member ${name}`, email: ["alice", "bob"].includes(name) ? `${name}@members.example` : undefined });
    logins[name] = { ...(await makeUser(db, { organisationId: orgId, roles: ["member"], memberId: m.id })), memberId: m.id };
  }
  const ids = await db.transaction().execute(async (trx) => {
    const rules = (await getOrganisation(trx, orgId)).rules;
    const meeting = await createMeeting(trx, sec.id, orgId, { kind: "agm", title: "HTTP AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "electronic", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" });
    const motion = await createMotion(trx, sec.id, orgId, meeting.id, { kind: "ordinary", title: "Adopt the accounts", body: "", thresholdComparison: "at-least" }, rules);
    const election = await createElection(trx, sec.id, orgId, meeting.id, { kind: "stv", title: "Directors", body: "", seats: 1, countMethod: "scottish", candidates: ["Ann", "Bob", "Cat"] });
    await appointProxy(trx, sec.id, orgId, { meetingId: meeting.id, appointerMemberId: logins.dan.memberId!, holderMemberId: logins.carol.memberId!, instructions: {} });
    return { meeting: meeting.id, motion: motion.id, election: election.id };
  });
  ({ meeting: meetingId, motion: motionId, election: electionId } = ids);
});
afterAll(async () => server?.close());

function mailTo(organisationId: string, subject: string) {
  return db.selectFrom("email_outbox").select(["to_email", "body"]).where("organisation_id", "=", organisationId).where("subject", "=", subject).execute();
}

async function as(who: string) {
  const b = new Browser(server.base);
  await b.login(logins[who].email, logins[who].password);
  return b;
}

describe("voting over HTTP", () => {
  it("runs a motion from opening to the certified result", async () => {
    const secretary = await as("secretary");
    expect((await secretary.post(`/motions/${motionId}/manage`, { intent: "open" })).status).toBe(302);
    await secretary.post(`/motions/${electionId}/manage`, { intent: "open" });

    // The electorate with email addresses is told, with the link to vote (the motion's and the election's).
    const opened = await mailTo(orgId, "Voting is open: Adopt the accounts");
    expect(opened.map((m) => m.to_email).sort()).toEqual(["alice@members.example", "bob@members.example"]);
    expect(opened[0].body).toMatch(/^Dear Member (alice|bob),/);
    // The meeting's day in words in the organisation's locale (en-GB here), not as the database stores it.
    expect(opened[0].body).toContain('voting on the motion "Adopt the accounts" (HTTP AGM, 30 June 2030).');
    expect(opened[0].body).toContain(`${server.base}/motions/${motionId}`);
    expect((await mailTo(orgId, "Voting is open: Directors"))[0].body).toContain(`${server.base}/elections/${electionId}`);

    const alice = await as("alice");
    const page = await alice.get(`/motions/${motionId}`);
    expect(await page.text()).toContain("Cast my vote");
    const voted = await alice.post(`/motions/${motionId}`, { choice: "for" });
    expect(voted.status).toBe(302);
    const receipt = new URL(voted.headers.get("location")!, server.base).searchParams.get("receipt")!;
    expect(receipt).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const receiptPage = await (await alice.get(`/motions/${motionId}?receipt=${receipt}`)).text();
    expect(receiptPage).toContain(receipt);
    expect(receiptPage).toContain("You have voted on this motion");

    const again = await alice.post(`/motions/${motionId}`, { choice: "against" });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("You have already voted on this motion");

    const bad = await (await as("bob")).post(`/motions/${motionId}`, { choice: "maybe" });
    expect(await bad.text()).toContain("Choose for, against or abstain");

    // Turnout is live; choices stay hidden until close.
    const open = await (await secretary.get(`/motions/${motionId}`)).text();
    expect(open).toContain("Voted so far");
    expect(open).not.toContain("Certified result");

    // Carol votes as proxy for Dan.
    const carol = await as("carol");
    const proxyPage = await (await carol.get(`/motions/${motionId}/proxy-votes`)).text();
    expect(proxyPage).toContain("Member dan");
    const appt = await db.selectFrom("proxy_appointments").select("id").where("meeting_id", "=", meetingId).executeTakeFirstOrThrow();
    const proxyVote = await carol.post(`/motions/${motionId}/proxy-votes`, { appointmentId: appt.id, choice: "for" });
    expect(await proxyVote.text()).toContain("Proxy vote recorded");
    const bobVote = await (await as("bob")).post(`/motions/${motionId}`, { choice: "against" });
    expect(bobVote.status).toBe(302);

    const check = await (await alice.get(`/receipts?code=${receipt}`)).text();
    expect(check).toContain("is in the ballot box");

    expect(await mailTo(orgId, "Result: Adopt the accounts")).toEqual([]);
    // Closing is irreversible: without the confirmation it is refused and nothing is closed or sent.
    const unconfirmed = await secretary.post(`/motions/${motionId}/manage`, { intent: "close", earlyReason: "Ballot ran its notice period" });
    expect(unconfirmed.status).toBe(200);
    expect(await unconfirmed.text()).toContain(CONFIRMATION_MISSING);
    // The meeting has not opened yet: closing before it needs the secretary's reason.
    const noReason = await secretary.post(`/motions/${motionId}/manage`, { intent: "close", confirmed: "yes" });
    expect(noReason.status).toBe(200);
    expect(await noReason.text()).toContain(EARLY_CLOSE_REASON_MISSING);
    expect((await db.selectFrom("motions").select("status").where("id", "=", motionId).executeTakeFirstOrThrow()).status).toBe("open");
    expect(await mailTo(orgId, "Result: Adopt the accounts")).toEqual([]);
    expect((await secretary.post(`/motions/${motionId}/manage`, { intent: "close", confirmed: "yes", earlyReason: "Ballot ran its notice period" })).status).toBe(302);
    const minutes = (await db.selectFrom("meetings").select("minutes").where("id", "=", meetingId).executeTakeFirstOrThrow()).minutes;
    expect(minutes).toMatch(/closed before the meeting opened \(\d{4}-\d{2}-\d{2}[^)]*\)\. Reason recorded by the secretary: Ballot ran its notice period/);
    const results = await mailTo(orgId, "Result: Adopt the accounts");
    expect(results.map((m) => m.to_email).sort()).toEqual(["alice@members.example", "bob@members.example"]);
    expect(results[0].body).toContain("Adopt the accounts: CARRIED.");
    // A refused second close changes nothing and sends nothing more.
    expect((await secretary.post(`/motions/${motionId}/manage`, { intent: "close", confirmed: "yes", earlyReason: "Again" })).status).toBe(200);
    expect(await mailTo(orgId, "Result: Adopt the accounts")).toHaveLength(2);
    const closed = await (await alice.get(`/motions/${motionId}`)).text();
    expect(closed).toContain("Certified result");
    expect(closed).toContain("Carried");
    expect(closed.replace(/<!-- -->/g, "")).toContain("Reason recorded in the minutes: Ballot ran its notice period");
    const afterClose = await (await alice.get(`/receipts?code=${receipt}`)).text();
    expect(afterClose).toContain("counted in the certified result");
    const csv = await secretary.get(`/motions/${motionId}/result.csv`);
    const csvText = await csv.text();
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csvText).toContain("CARRIED");
    expect(csvText).toMatch(/Voted by proxy,1/);
    // The closing time is written in the organisation's time zone (far from UTC here, to tell them apart).
    await db.updateTable("organisations").set({ time_zone: "Pacific/Auckland" }).where("id", "=", orgId).execute();
    const { certified_at } = await db.selectFrom("motion_results").select("certified_at").where("motion_id", "=", motionId).executeTakeFirstOrThrow();
    const closedInAuckland = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "Pacific/Auckland" }).format(certified_at);
    const pdf = await secretary.get(`/motions/${motionId}/result.pdf`);
    await db.updateTable("organisations").set({ time_zone: "Europe/London" }).where("id", "=", orgId).execute();
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const pdfBytes = Buffer.from(await pdf.arrayBuffer());
    expect(pdfBytes.subarray(0, 4).toString()).toBe("%PDF");
    // It reads as a certificate, not as raw data: labels, dates as people write them, lines for signatures.
    const text = (await pdfText(pdfBytes)).replace(/\s+/g, " ");
    expect(text).toContain("Type of vote");
    expect(text).toContain("Ordinary resolution");
    expect(text).not.toMatch(/\bKind\b/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(text).toMatch(/Voting closed \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}/);
    expect(text).toContain(`Voting closed ${closedInAuckland} (Pacific/Auckland)`);
    expect(text).toContain("Chair of the meeting");
    expect(text).toContain("Secretary Name:");
    expect(text).toMatch(/Signed: _+ Date: _+/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const late = await (await as("carol")).post(`/motions/${motionId}`, { choice: "for" });
    expect(await late.text()).toContain("Voting on this motion has closed");
  });

  it("refuses 49 of 50 concurrent HTTP votes by one member", async () => {
    const secretary = await as("secretary");
    const rules = (await getOrganisation(db, orgId)).rules;
    const m = await createMotion(db, secretaryId, orgId, meetingId, { kind: "ordinary", title: "Race", body: "", thresholdComparison: "at-least" }, rules);
    await secretary.post(`/motions/${m.id}/manage`, { intent: "open" });
    const bob = await as("bob");
    const responses = await Promise.all(Array.from({ length: 50 }, () => bob.post(`/motions/${m.id}`, { choice: "for" })));
    expect(responses.filter((r) => r.status === 302)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(49);
    const ballots = await db.selectFrom("ballots").select("id").where("motion_id", "=", m.id).execute();
    expect(ballots).toHaveLength(1);
  });

  it("takes the vote of a member whose session is due for renewal, and renews the session", async () => {
    // The ballot box casts only for sessions that need no renewal; this one goes through the page's action.
    const secretary = await as("secretary");
    const rules = (await getOrganisation(db, orgId)).rules;
    const m = await createMotion(db, secretaryId, orgId, meetingId, { kind: "ordinary", title: "Renewal", body: "", thresholdComparison: "at-least" }, rules);
    await secretary.post(`/motions/${m.id}/manage`, { intent: "open" });
    const user = await db.selectFrom("users").select("id").where("email", "=", logins.bob.email).executeTakeFirstOrThrow();
    const session = await createSession(db, user.id, orgId, new Date(Date.now() - 20 * 86_400_000));
    const bob = new Browser(server.base);
    bob.cookie = `session=${session.token}`;
    const voted = await bob.post(`/motions/${m.id}`, { choice: "against" });
    expect(voted.status).toBe(302);
    expect(voted.headers.get("location")).toMatch(new RegExp(`^/motions/${m.id}\\?receipt=`));
    const renewed = await db.selectFrom("sessions").select("expires_at").where("id", "=", hashToken(session.token)).executeTakeFirstOrThrow();
    expect(renewed.expires_at.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const ballots = await db.selectFrom("ballots").select("choice").where("motion_id", "=", m.id).execute();
    expect(ballots).toEqual([{ choice: "against" }]);
  });

  it("takes a ranked ballot, refusing a repeated candidate", async () => {
    const alice = await as("alice");
    const repeat = await alice.post(`/elections/${electionId}`, { ranking: ["1", "1"] });
    expect(await repeat.text()).toContain("A candidate can be ranked only once");
    const unknown = await alice.post(`/elections/${electionId}`, { ranking: ["4"] });
    expect(await unknown.text()).toContain("not one of the candidates");
    const ok = await alice.post(`/elections/${electionId}`, { ranking: ["2", "1"] });
    expect(ok.status).toBe(302);
    await (await as("bob")).post(`/elections/${electionId}`, { ranking: ["2"] });
    const secretary = await as("secretary");
    await secretary.post(`/motions/${electionId}/manage`, { intent: "close", confirmed: "yes", earlyReason: "Electronic ballot" });
    const page = await (await alice.get(`/elections/${electionId}`)).text();
    expect(page.replace(/<!-- -->/g, "")).toMatch(/Elected:<\/strong> Bob/);
    const result = await mailTo(orgId, "Result: Directors");
    expect(result).toHaveLength(2);
    expect(result[0].body).toContain("Directors: elected Bob.");
    expect(result[0].body).toContain(`${server.base}/elections/${electionId}`);
    const sheet = await (await alice.get(`/elections/${electionId}/count-sheet.csv`)).text();
    expect(sheet.split("\n")[0]).toContain("Stage,Action,Candidate,Ann,Bob,Cat");
    const blt = await (await alice.get(`/elections/${electionId}/ballots.blt`)).text();
    expect(blt).toBe('3 1\n1 2 0\n1 2 1 0\n0\n"Ann"\n"Bob"\n"Cat"\n"Directors"\n');
    // The election's certified result reads as a certificate too: the counting rules by name, not the stored code.
    const pdf = (await pdfText(Buffer.from(await (await secretary.get(`/motions/${electionId}/result.pdf`)).arrayBuffer()))).replace(/\s+/g, " ");
    expect(pdf).toContain("Election (single transferable vote)");
    expect(pdf).toContain("Counting rules Scottish STV (SSI 2007/42)");
    expect(pdf).not.toMatch(/\bscottish\b|\bKind\b|\d{4}-\d{2}-\d{2}/);
    expect(pdf).toMatch(/Voting closed \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}/);
    expect(pdf).toContain("Elected: Bob.");
    expect(pdf).toContain("Chair of the meeting");
    expect(pdf).toContain("Secretary Name:");
  });

  it("refuses a malformed BLT file with the line and the reason", async () => {
    const secretary = await as("secretary");
    const res = await secretary.post(`/meetings/${meetingId}/elections/import`, { blt: "3 1\n1 2 x 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n" });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/Line 2: /);
  });

  it("refuses voting to someone who is not a member", async () => {
    const secretary = await as("secretary");
    const res = await secretary.post(`/motions/${motionId}`, { choice: "for" });
    expect(res.status).toBe(403);
  });

  it("lets the secretary revoke a proxy for a member who votes in person, and save the minutes", async () => {
    const appt = await db.transaction().execute((trx) =>
      appointProxy(trx, secretaryId, orgId, { meetingId, appointerMemberId: logins.bob.memberId!, holderMemberId: logins.alice.memberId!, instructions: {} }),
    );
    const secretary = await as("secretary");
    const page = await (await secretary.get(`/meetings/${meetingId}`)).text();
    expect(page).toContain("Proxy appointments");
    const res = await secretary.post(`/meetings/${meetingId}`, { intent: "revoke-proxy", appointmentId: appt.id });
    expect(await res.text()).toContain("Proxy revoked");
    const row = await db.selectFrom("proxy_appointments").select("revoked_at").where("id", "=", appt.id).executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    const again = await secretary.post(`/meetings/${meetingId}`, { intent: "revoke-proxy", appointmentId: appt.id });
    expect(await again.text()).toContain("already been revoked");
    await secretary.post(`/meetings/${meetingId}`, { intent: "minutes", minutes: "Apologies: none." });
    const m = await db.selectFrom("meetings").select("minutes").where("id", "=", meetingId).executeTakeFirstOrThrow();
    expect(m.minutes).toBe("Apologies: none.");
  });
});
