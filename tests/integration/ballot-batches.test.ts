/**
 * Ballots cast in batches (castSessionBallots): what the ballot box sends
 * when many members vote at once. One statement for the batch, and each
 * ballot in it is judged on its own: the same outcome as casting them one
 * by one, with the session checked inside the statement.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { rolesWith } from "~/domain/permissions";
import { createSession } from "~/models/core/auth.server";
import { castSessionBallots, checkReceipt, type SessionBallot } from "~/models/governance/ballots.server";
import { createElection, createMeeting, createMotion, openMotion, tallyChoices } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";

const DAY = 86_400_000;
const ROLES = rolesWith("ballots:cast");
let db: Database;
let orgId: string;
let secretaryId: string;
let meetingId: string;
const tokens: Record<string, string> = {};

async function session(organisationId: string, roles: Parameters<typeof makeUser>[1]["roles"], memberName: string | null, startedDaysAgo = 0) {
  const member = memberName ? await makeMember(db, organisationId, { name: memberName }) : null;
  const user = await makeUser(db, { organisationId, roles, memberId: member?.id ?? null });
  return (await createSession(db, user.id, organisationId, new Date(Date.now() - startedDaysAgo * DAY))).token;
}

async function openVote(kind: "ordinary" | "stv") {
  return db.transaction().execute(async (trx) => {
    const motion =
      kind === "stv"
        ? await createElection(trx, secretaryId, orgId, meetingId, { kind: "stv", title: "Board", body: "", seats: 1, countMethod: "scottish", candidates: ["Ann", "Bob", "Cat"] })
        : await createMotion(trx, secretaryId, orgId, meetingId, { kind: "ordinary", title: "Adopt the accounts", body: "", thresholdComparison: "at-least" }, (await getOrganisation(trx, orgId)).rules);
    await openMotion(trx, secretaryId, orgId, motion.id);
    return motion.id;
  });
}

beforeAll(async () => {
  db = await testDb();
  const org = await makeOrganisation(db);
  orgId = org.id;
  secretaryId = (await makeUser(db, { organisationId: orgId, roles: ["secretary"] })).id;
  meetingId = (await createMeeting(db, secretaryId, orgId, { kind: "agm", title: "Batch AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "electronic", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "" })).id;
  for (const name of ["ann", "ben", "cat", "dan", "eve"]) tokens[name] = await session(orgId, ["member"], `Batch ${name}`);
  tokens.renewing = await session(orgId, ["member"], "Batch renewing", 20);
  tokens.auditor = await session(orgId, ["auditor"], null);
  tokens.unlinked = await session(orgId, ["member"], null);
  const other = await makeOrganisation(db);
  tokens.outsider = await session(other.id, ["member"], "Outsider");
});

describe("casting a batch of ballots", () => {
  it("casts each good ballot with its own receipt and passes over each that cannot be cast, in one statement", async () => {
    // Opened after the members joined: they are all on the electorate.
    const motion = await openVote("ordinary");
    const election = await openVote("stv");
    const batch: [string, SessionBallot, boolean][] = [
      ["ann votes for", { sessionToken: tokens.ann, motionId: motion, choice: "for" }, true],
      ["ben votes against", { sessionToken: tokens.ben, motionId: motion, choice: "against" }, true],
      ["ann's second ballot in the same batch", { sessionToken: tokens.ann, motionId: motion, choice: "against" }, false],
      ["cat ranks in the election", { sessionToken: tokens.cat, motionId: election, ranking: [2, 1] }, true],
      ["dan repeats a candidate", { sessionToken: tokens.dan, motionId: election, ranking: [1, 1] }, false],
      ["eve ranks a candidate that does not exist", { sessionToken: tokens.eve, motionId: election, ranking: [4] }, false],
      ["eve gives a ranking on a motion", { sessionToken: tokens.eve, motionId: motion, ranking: [1] }, false],
      ["a session due for renewal", { sessionToken: tokens.renewing, motionId: motion, choice: "for" }, false],
      ["a role without ballots:cast", { sessionToken: tokens.auditor, motionId: motion, choice: "for" }, false],
      ["a login not linked to a member", { sessionToken: tokens.unlinked, motionId: motion, choice: "for" }, false],
      ["a member of another organisation", { sessionToken: tokens.outsider, motionId: motion, choice: "for" }, false],
      ["a session that does not exist", { sessionToken: "no-such-session", motionId: motion, choice: "for" }, false],
    ];
    const results = await castSessionBallots(db, batch.map(([, b]) => b), ROLES);
    expect(results.map((r, i) => [batch[i][0], r !== null])).toEqual(batch.map(([label, , cast]) => [label, cast]));
    const receipts = results.filter((r) => r !== null).map((r) => r.receipt);
    expect(new Set(receipts).size).toBe(3);
    for (const receipt of receipts) expect(await checkReceipt(db, orgId, receipt)).toMatchObject({ found: true, status: "in-ballot-box" });
    // Ann's first ballot counts, not her second.
    expect(await tallyChoices(db, motion)).toMatchObject({ for: 1, against: 1 });
    const ranked = await sql<{ ranking: number[] }>`SELECT ranking FROM ballots WHERE motion_id = ${election}`.execute(db);
    expect(ranked.rows.map((r) => r.ranking)).toEqual([[2, 1]]);
    const voted = await sql<{ n: number }>`SELECT count(*)::int AS n FROM participations WHERE motion_id IN (${motion}, ${election})`.execute(db);
    expect(voted.rows[0].n).toBe(3);
  });

  it("writes a batch's ballots in the order of their random receipts, not the order of the participations", async () => {
    const motion = await openVote("ordinary");
    const names = ["ann", "ben", "cat", "dan", "eve"];
    await castSessionBallots(db, names.map((n) => ({ sessionToken: tokens[n], motionId: motion, choice: "for" })), ROLES);
    const ballots = await sql<{ receipt_hash: string; block: string }>`
      SELECT receipt_hash, (ctid::text::point)[0]::text AS block FROM ballots WHERE motion_id = ${motion} ORDER BY ctid`.execute(db);
    const hashes = ballots.rows.map((r) => r.receipt_hash);
    expect(hashes).toHaveLength(5);
    // The heap writes one statement's rows in its order, page by page; the free-space map may put the
    // later rows on an earlier page with room (space freed by the earlier tests' sealing), so the order
    // is checked within each page, and most of the batch shares one page.
    const byBlock = new Map<string, string[]>();
    for (const r of ballots.rows) byBlock.set(r.block, [...(byBlock.get(r.block) ?? []), r.receipt_hash]);
    for (const inBlock of byBlock.values()) expect(inBlock).toEqual([...inBlock].sort());
    expect(Math.max(...[...byBlock.values()].map((b) => b.length))).toBeGreaterThanOrEqual(3);
    const claims = await sql<{ member_id: string }>`SELECT member_id::text FROM participations WHERE motion_id = ${motion} ORDER BY ctid`.execute(db);
    const members = claims.rows.map((r) => r.member_id);
    expect(members).toEqual([...members].sort());
  });

  it("casts each member once when two batches holding the same members in opposite orders run at once", async () => {
    const motion = await openVote("ordinary");
    const names = ["ann", "ben", "cat", "dan", "eve"];
    const ballots = (order: string[]) => order.map((n) => ({ sessionToken: tokens[n], motionId: motion, choice: "for" as const }));
    const [one, two] = await Promise.all([castSessionBallots(db, ballots(names), ROLES), castSessionBallots(db, ballots([...names].reverse()), ROLES)]);
    const castFor = names.map((_, i) => Number(one[i] !== null) + Number(two[names.length - 1 - i] !== null));
    expect(castFor).toEqual([1, 1, 1, 1, 1]);
    expect(await tallyChoices(db, motion)).toMatchObject({ for: 5 });
  });
});
