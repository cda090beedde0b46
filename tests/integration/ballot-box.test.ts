/**
 * The ballot box (server/ballot-box.ts) answers accepted ballots
 * before Remix and passes everything else on, with the form data kept for
 * the page's action. Called here as the server calls it, so each case shows
 * which of the two answered; tests/integration/ballots.test.ts covers the
 * same posts end to end through the server.
 */
import { Readable } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createSession } from "~/models/core/auth.server";
import { createElection, createMeeting, createMotion, openMotion } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { ballotBox } from "../../server/ballot-box";
import { readFormBody } from "~/utils/http.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";

let db: Database;
let motionId: string;
let electionId: string;
const cookies: Record<string, string> = {};

const DAY = 86_400_000;

/** A session cookie for a new login; `startedDaysAgo` dates the log-in back (30-day sessions, renewed in their second half). */
async function sessionCookie(organisationId: string, roles: Parameters<typeof makeUser>[1]["roles"], memberId: string | null = null, startedDaysAgo = 0) {
  const user = await makeUser(db, { organisationId, roles, memberId });
  return `theme=dark; session=${(await createSession(db, user.id, organisationId, new Date(Date.now() - startedDaysAgo * DAY))).token}`;
}

beforeAll(async () => {
  db = await testDb();
  const org = await makeOrganisation(db);
  const other = await makeOrganisation(db);
  const secretary = await makeUser(db, { organisationId: org.id, roles: ["secretary"] });
  for (const name of ["ann", "ben"]) {
    const member = await makeMember(db, org.id, { name: `Ballot box ${name}` });
    cookies[name] = await sessionCookie(org.id, ["member"], member.id);
  }
  for (const [name, daysAgo] of [["renewing", 20], ["expired", 31]] as const) {
    const member = await makeMember(db, org.id, { name: `Ballot box ${name}` });
    cookies[name] = await sessionCookie(org.id, ["member"], member.id, daysAgo);
  }
  cookies.unlinked = await sessionCookie(org.id, ["member"]);
  cookies.auditor = await sessionCookie(org.id, ["auditor"]);
  const outsider = await makeMember(db, other.id, { name: "Outsider" });
  cookies.outsider = await sessionCookie(other.id, ["member"], outsider.id);
  ({ motionId, electionId } = await db.transaction().execute(async (trx) => {
    const rules = (await getOrganisation(trx, org.id)).rules;
    const meeting = await createMeeting(trx, secretary.id, org.id, { kind: "agm", title: "Ballot box AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "electronic", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" });
    const motion = await createMotion(trx, secretary.id, org.id, meeting.id, { kind: "ordinary", title: "Adopt the rules", body: "", thresholdComparison: "at-least" }, rules);
    const election = await createElection(trx, secretary.id, org.id, meeting.id, { kind: "stv", title: "Board", body: "", seats: 1, countMethod: "scottish", candidates: ["Ann", "Bob", "Cat"] });
    await openMotion(trx, secretary.id, org.id, motion.id);
    await openMotion(trx, secretary.id, org.id, election.id);
    return { motionId: motion.id, electionId: election.id };
  }));
});

/** A request and response as the server hands them to the ballot box. */
async function post(path: string, body: string, cookie?: string, contentType = "application/x-www-form-urlencoded") {
  const req = Object.assign(Readable.from([Buffer.from(body)]), {
    method: "POST",
    url: path,
    headers: { cookie, "content-type": contentType },
  }) as unknown as IncomingMessage;
  const sent: { status?: number; location?: string; ended: boolean } = { ended: false };
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      sent.status = status;
      sent.location = headers.Location;
      return this;
    },
    end() {
      sent.ended = true;
    },
  };
  const answered = await ballotBox(req, res as unknown as ServerResponse);
  return { answered, sent, req };
}

async function ballotCount(id: string) {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ballots WHERE motion_id = ${id}`.execute(db);
  return rows[0].n;
}

describe("the ballot box", () => {
  it("casts an accepted vote itself and redirects to the receipt, as the page's action does", async () => {
    const { sent, answered } = await post(`/motions/${motionId}?from=list`, "choice=for", cookies.ann);
    expect(answered).toBe(true);
    expect(sent.status).toBe(302);
    expect(sent.location).toMatch(new RegExp(`^/motions/${motionId}\\?receipt=[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$`));
    expect(await ballotCount(motionId)).toBe(1);
  });

  it("passes a second vote on to the page, with the form data kept, and casts nothing", async () => {
    const { sent, answered, req } = await post(`/motions/${motionId}`, "choice=against", cookies.ann);
    expect(answered).toBe(false);
    expect(sent.ended).toBe(false);
    expect((await readFormBody(req)).toString()).toBe("choice=against");
    expect(await ballotCount(motionId)).toBe(1);
  });

  it.each([
    ["an unknown choice", () => post(`/motions/${motionId}`, "choice=maybe", cookies.ben)],
    ["no session", () => post(`/motions/${motionId}`, "choice=for")],
    ["a session that does not exist", () => post(`/motions/${motionId}`, "choice=for", "session=not-a-session")],
    ["an expired session", () => post(`/motions/${motionId}`, "choice=for", cookies.expired)],
    // The page's action renews it (sliding expiry) and casts: tests/integration/ballots.test.ts.
    ["a session due for renewal", () => post(`/motions/${motionId}`, "choice=for", cookies.renewing)],
    ["a login not linked to a register entry", () => post(`/motions/${motionId}`, "choice=for", cookies.unlinked)],
    ["a role without ballots:cast", () => post(`/motions/${motionId}`, "choice=for", cookies.auditor)],
    ["a member of another organisation", () => post(`/motions/${motionId}`, "choice=for", cookies.outsider)],
    ["a ranking that repeats a candidate", () => post(`/elections/${electionId}`, "ranking=1&ranking=1", cookies.ben)],
  ])("passes %s on to the page and casts nothing", async (_case, send) => {
    const before = (await ballotCount(motionId)) + (await ballotCount(electionId));
    const { sent, answered } = await send();
    expect(answered).toBe(false);
    expect(sent.ended).toBe(false);
    expect((await ballotCount(motionId)) + (await ballotCount(electionId))).toBe(before);
  });

  it("casts a ranked ballot in an election", async () => {
    const { sent, answered } = await post(`/elections/${electionId}`, "ranking=3&ranking=1", cookies.ben);
    expect(answered).toBe(true);
    expect(sent.location).toMatch(new RegExp(`^/elections/${electionId}\\?receipt=`));
    const { rows } = await sql<{ ranking: number[] }>`SELECT ranking FROM ballots WHERE motion_id = ${electionId}`.execute(db);
    expect(rows.map((r) => r.ranking)).toEqual([[3, 1]]);
  });

  it("sits behind the same-origin check: a vote posted from another site is refused before it is read", async () => {
    const { createHttpServer, loadBuild } = await import("../../server/server");
    const server = createHttpServer(await loadBuild());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}`;
      const before = await ballotCount(motionId);
      const res = await fetch(`${base}/motions/${motionId}`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookies.ben, Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
        body: "choice=against",
      });
      expect(res.status).toBe(403);
      expect(await ballotCount(motionId)).toBe(before);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("leaves other posts alone without reading them", async () => {
    for (const [path, type] of [[`/motions/${motionId}/manage`, "application/x-www-form-urlencoded"], [`/motions/${motionId}`, "multipart/form-data; boundary=x"], [`/motions/not-a-uuid`, "application/x-www-form-urlencoded"]]) {
      const { answered, req } = await post(path, "choice=for", cookies.ben, type);
      expect(answered).toBe(false);
      // Never switched to flowing: the body is still there for Express and Remix to read.
      expect(req.readableFlowing).toBe(null);
    }
  });
});
