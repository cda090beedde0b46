/**
 * Ballots at rest (docs/governance.md "Who can link a ballot to a member",
 * ADR 0014). Members vote in an election in every way the app casts (alone,
 * in a ballot-box batch, by proxy), each with a ranking nobody else uses,
 * so any way of pairing ballots with participations can be scored exactly:
 * a pair is right when the ballot holds that member's ranking. Once the
 * election closes, every join an attacker reading the database could try
 * (equality of any column or system column, xmin, cmin and ctid included,
 * of the ballot against any of the participation, the member or the proxy
 * vote; and the order of the ballots by any of those against the order of
 * the participations by any of theirs) pairs no better than chance.
 * Before the fix the same attacks recover every vote: xmin equality pairs
 * each lone vote with its ballot, the order of rows pairs all of them.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { rolesWith } from "~/domain/permissions";
import { createSession } from "~/models/core/auth.server";
import { castSessionBallots, castVote, checkReceipt, sealBallots } from "~/models/governance/ballots.server";
import { closeMotion, createElection, createMeeting, createMotion, openMotion, tallyChoices } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { appointProxy, castProxyVote } from "~/models/governance/proxies.server";
import type { Database } from "~/utils/db.server";
import { makeMember, makeOrganisation, makeUser } from "../../db/factories";
import { testDb } from "../db";

const VOTERS = 64;
const HELD = [1, 2, 3, 4]; // appoint member 0, who votes for them
const CHAIRED = [5, 6, 7, 8]; // appoint the chair; the secretary records the chair's votes
const ALONE = [0, ...Array.from({ length: 23 }, (_, k) => 9 + ((k * 7) % 23))]; // one at a time, in no order of theirs
const BATCHES = [[32, 48], [48, 64]]; // through the ballot box, 16 at a time

let db: Database;
let orgId: string;
let secretary: string;
let meetingId: string;
const members: { id: string; token: string | null }[] = [];

/** The 120 orders of 5 candidates; member i ranks the (i * 53 mod 120)th: all different, in no order related to the members'. */
function rankingOf(i: number) {
  const perms: number[][] = [];
  const permute = (prefix: number[], rest: number[]) => {
    if (!rest.length) perms.push(prefix);
    rest.forEach((c, j) => permute([...prefix, c], [...rest.slice(0, j), ...rest.slice(j + 1)]));
  };
  permute([], [1, 2, 3, 4, 5]);
  return perms[(i * 53) % 120];
}
const rankingKey = (r: number[]) => r.join(",");

beforeAll(async () => {
  db = await testDb();
  orgId = (await makeOrganisation(db)).id;
  secretary = (await makeUser(db, { organisationId: orgId, roles: ["secretary"] })).id;
  meetingId = (await createMeeting(db, secretary, orgId, {
    kind: "agm", title: "Secrecy AGM", heldOn: "2030-06-30", startsAt: "", place: "", format: "electronic", noticeGivenOn: "2030-06-01", recordDate: "2030-01-01", agenda: "", documents: "",
  })).id;
  for (let i = 0; i < VOTERS; i++) {
    const member = await makeMember(db, orgId, { name: `Secret voter ${i}`, on: "2025-01-15" });
    let token: string | null = null;
    if (i >= BATCHES[0][0]) {
      const user = await makeUser(db, { organisationId: orgId, roles: ["member"], memberId: member.id });
      token = (await createSession(db, user.id, orgId)).token;
    }
    members.push({ id: member.id, token });
  }
});

type Row = Record<string, unknown>;

/** A value as an attacker would compare it: ctids as (block, offset), numbers as numbers, the rest as text. */
function compareValues(a: unknown, b: unknown) {
  const ctid = /^\((\d+),(\d+)\)$/;
  const sa = a === null || a === undefined ? "" : typeof a === "string" ? a : JSON.stringify(a);
  const sb = b === null || b === undefined ? "" : typeof b === "string" ? b : JSON.stringify(b);
  const ca = ctid.exec(sa);
  const cb = ctid.exec(sb);
  if (ca && cb) return Number(ca[1]) - Number(cb[1]) || Number(ca[2]) - Number(cb[2]);
  if (/^-?\d+(\.\d+)?$/.test(sa) && /^-?\d+(\.\d+)?$/.test(sb)) return Number(sa) - Number(sb);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
const text = (v: unknown) => (v === null || v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v));

/** Spearman's rank correlation of two rankings of the same n items. */
function spearman(x: number[], y: number[]) {
  const n = x.length;
  const d2 = x.reduce((s, xi, i) => s + (xi - y[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

/**
 * Every row of the motion's ballots and of its participations as a
 * database reader sees them: all columns, the system columns, and for a
 * participation its member's row and its proxy vote (if any) too.
 */
async function readRows(motionId: string) {
  const ballots = await sql<{ row: Row; ctid: string; xmin: string; cmin: string; xmax: string }>`
    SELECT to_jsonb(b) AS row, b.ctid::text AS ctid, b.xmin::text AS xmin, b.cmin::text AS cmin, b.xmax::text AS xmax
    FROM ballots b WHERE b.motion_id = ${motionId}::uuid`.execute(db);
  const participations = await sql<{ row: Row; member: Row; proxy: Row | null; ctid: string; xmin: string; cmin: string; m_ctid: string; m_xmin: string; pv_ctid: string | null; pv_xmin: string | null }>`
    SELECT to_jsonb(p) AS row, to_jsonb(m) AS member, to_jsonb(pv) AS proxy,
           p.ctid::text AS ctid, p.xmin::text AS xmin, p.cmin::text AS cmin,
           m.ctid::text AS m_ctid, m.xmin::text AS m_xmin, pv.ctid::text AS pv_ctid, pv.xmin::text AS pv_xmin
    FROM participations p
    JOIN members m ON m.id = p.member_id
    LEFT JOIN proxy_votes pv ON pv.appointment_id = p.proxy_appointment_id AND pv.motion_id = p.motion_id
    WHERE p.motion_id = ${motionId}::uuid`.execute(db);
  // What is secret is the content; everything else on the row is a key an attacker can try.
  const content = new Set(["choice", "ranking"]);
  const ballotRows = ballots.rows.map((b) => {
    const keys: Record<string, unknown> = { ctid: b.ctid, xmin: b.xmin, cmin: b.cmin, xmax: b.xmax };
    for (const [k, v] of Object.entries(b.row)) if (!content.has(k)) keys[k] = v;
    return { ranking: rankingKey(b.row.ranking as number[]), keys };
  });
  const participationRows = participations.rows.map((p) => {
    const keys: Record<string, unknown> = { ctid: p.ctid, xmin: p.xmin, cmin: p.cmin, "member.ctid": p.m_ctid, "member.xmin": p.m_xmin, "proxy_vote.ctid": p.pv_ctid, "proxy_vote.xmin": p.pv_xmin };
    for (const [k, v] of Object.entries(p.row)) keys[k] = v;
    for (const [k, v] of Object.entries(p.member)) keys[`member.${k}`] = v;
    for (const [k, v] of Object.entries(p.proxy ?? {})) if (!content.has(k)) keys[`proxy_vote.${k}`] = v;
    return { memberId: p.row.member_id as string, keys };
  });
  return { ballotRows, participationRows };
}

/**
 * Every join, scored. `truth` gives each participation's ballot (by the
 * member's ranking). Equality joins: for each ballot key and participation
 * key, the pairs whose values are equal, and how many of them are right; by
 * chance, a join of M pairs among n ballots gets about M / n right. Order
 * joins: ballots sorted by a key against participations sorted by a key,
 * the i-th with the i-th; by chance about 1 pair is right (the fixed points
 * of a random permutation), and the ranks do not correlate.
 */
function attacks(rows: Awaited<ReturnType<typeof readRows>>, truth: Map<string, string>) {
  const { ballotRows, participationRows } = rows;
  const n = ballotRows.length;
  const ballotKeys = [...new Set(ballotRows.flatMap((b) => Object.keys(b.keys)))];
  const participationKeys = [...new Set(participationRows.flatMap((p) => Object.keys(p.keys)))];
  const equality: { join: string; pairs: number; right: number; chance: number }[] = [];
  for (const bk of ballotKeys) {
    for (const pk of participationKeys) {
      let pairs = 0;
      let right = 0;
      for (const p of participationRows) {
        const pv = text(p.keys[pk]);
        if (pv === null) continue;
        for (const b of ballotRows) {
          if (text(b.keys[bk]) !== pv) continue;
          pairs++;
          if (truth.get(p.memberId) === b.ranking) right++;
        }
      }
      if (pairs) equality.push({ join: `ballots.${bk} = participations.${pk}`, pairs, right, chance: pairs / n });
    }
  }
  const order: { join: string; right: number; rho: number }[] = [];
  const sortBy = <T extends { keys: Record<string, unknown> }>(list: T[], key: string) =>
    list.map((r, i) => ({ r, i })).sort((a, b) => compareValues(a.r.keys[key], b.r.keys[key]) || compareValues(a.r.keys.ctid, b.r.keys.ctid)).map((x) => x.r);
  for (const bk of ballotKeys) {
    const ballotsInOrder = sortBy(ballotRows, bk);
    const ballotRank = new Map(ballotsInOrder.map((b, i) => [b.ranking, i]));
    for (const pk of participationKeys) {
      const participationsInOrder = sortBy(participationRows, pk);
      const right = participationsInOrder.filter((p, i) => ballotsInOrder[i]?.ranking === truth.get(p.memberId)).length;
      const rho = spearman(participationsInOrder.map((_, i) => i), participationsInOrder.map((p) => ballotRank.get(truth.get(p.memberId)!)!));
      order.push({ join: `ballots by ${bk} ~ participations by ${pk}`, right, rho });
    }
  }
  return { equality, order };
}

describe("ballots at rest", () => {
  it("once an election closes, no join of ballots with participations, members or proxy votes pairs them better than chance", async () => {
    const election = await db.transaction().execute((trx) =>
      createElection(trx, secretary, orgId, meetingId, { kind: "stv", title: "Board", body: "", seats: 2, countMethod: "scottish", candidates: ["Ann", "Bob", "Cat", "Dan", "Eve"] }),
    );
    const holder = members[0].id;
    const appoint = (i: number, holderMemberId: string | null) =>
      db.transaction().execute((trx) => appointProxy(trx, secretary, orgId, { meetingId, appointerMemberId: members[i].id, holderMemberId, instructions: {} }));
    const appointments = new Map<number, string>();
    for (const i of HELD) appointments.set(i, (await appoint(i, holder)).id);
    for (const i of CHAIRED) appointments.set(i, (await appoint(i, null)).id);
    await db.transaction().execute((trx) => openMotion(trx, secretary, orgId, election.id));

    const truth = new Map(members.map((m, i) => [m.id, rankingKey(rankingOf(i))]));
    const receipts: string[] = [];
    for (const i of ALONE) {
      receipts.push((await db.transaction().execute((trx) => castVote(trx, { organisationId: orgId, motionId: election.id, memberId: members[i].id, ranking: rankingOf(i) }))).receipt);
    }
    for (const i of [...HELD, ...CHAIRED]) {
      const asChair = CHAIRED.includes(i);
      const { receipt } = await db.transaction().execute((trx) =>
        castProxyVote(trx, secretary, orgId, { motionId: election.id, appointmentId: appointments.get(i)!, holderMemberId: asChair ? null : holder, asChair, ranking: rankingOf(i) }),
      );
      receipts.push(receipt);
    }
    for (const batch of BATCHES.map(([from, to]) => members.slice(from, to))) {
      const cast = await castSessionBallots(
        db,
        batch.map((m) => ({ sessionToken: m.token!, motionId: election.id, ranking: rankingOf(members.indexOf(m)) })),
        rolesWith("ballots:cast"),
      );
      expect(cast.every((c) => c !== null)).toBe(true);
      receipts.push(...cast.map((c) => c!.receipt));
    }

    // While the vote is open the link is there (docs/governance.md says so): xmin pairs each lone vote with its ballot.
    const during = attacks(await readRows(election.id), truth);
    const xminDuring = during.equality.find((e) => e.join === "ballots.xmin = participations.xmin")!;
    expect(xminDuring.right).toBe(ALONE.length + BATCHES[0][1] - BATCHES[0][0] + BATCHES[1][1] - BATCHES[1][0]);

    await db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, election.id, undefined, "Closed before the fixture meeting, in a test"));
    const rows = await readRows(election.id);
    expect(rows.ballotRows).toHaveLength(VOTERS);
    expect(rows.participationRows).toHaveLength(VOTERS);
    expect(new Set(rows.ballotRows.map((b) => b.ranking))).toEqual(new Set(truth.values()));
    const after = attacks(rows, truth);
    expect(after.equality.length).toBeGreaterThan(0);
    expect(after.order.length).toBeGreaterThan(0);

    // Equality joins: no better than chance (4 sigma, and 2 more for tiny joins, such as ctids that happen to match).
    const leakyJoins = after.equality.filter((e) => e.right > e.chance + 4 * Math.sqrt(e.chance) + 2);
    // Order joins: a random order gets about 1 pair right and no correlation; a leak gets all, or a high correlation.
    const leakyOrders = after.order.filter((o) => o.right > 8 || Math.abs(o.rho) > 0.6);
    expect({ leakyJoins, leakyOrders }).toEqual({ leakyJoins: [], leakyOrders: [] });

    // The receipts still say counted, the proxy votes' included.
    for (const receipt of receipts) expect(await checkReceipt(db, orgId, receipt)).toMatchObject({ found: true, status: "counted" });
  });

  it("closing a resolution rewrites its ballots in the closing transaction, with no timestamp or sequence on them", async () => {
    const motion = await db.transaction().execute(async (trx) =>
      createMotion(trx, secretary, orgId, meetingId, { kind: "ordinary", title: "Adopt the accounts", body: "", thresholdComparison: "at-least" }, (await getOrganisation(trx, orgId)).rules),
    );
    await db.transaction().execute((trx) => openMotion(trx, secretary, orgId, motion.id));
    for (let i = 5; i < 15; i++) await castVote(db, { organisationId: orgId, motionId: motion.id, memberId: members[i].id, choice: i % 2 ? "for" : "against" });
    const outcome = (await db.transaction().execute((trx) => closeMotion(trx, secretary, orgId, motion.id, undefined, "Closed before the fixture meeting, in a test"))) as { for: number; against: number };
    expect(outcome).toMatchObject({ for: 5, against: 5 });
    const closed = await sql<{ xmin: string }>`SELECT xmin::text FROM motion_results WHERE motion_id = ${motion.id}::uuid`.execute(db);
    const ballots = await sql<{ xmin: string }>`SELECT DISTINCT xmin::text FROM ballots WHERE motion_id = ${motion.id}::uuid`.execute(db);
    expect(ballots.rows).toEqual(closed.rows);
    const participations = await sql<{ n: number }>`SELECT count(*)::int AS n FROM participations WHERE motion_id = ${motion.id}::uuid AND xmin::text = ${closed.rows[0].xmin}`.execute(db);
    expect(participations.rows[0].n).toBe(0);
    // Nothing on a ballot dates it or numbers it in order.
    const columns = await sql<{ column_name: string; data_type: string; column_default: string | null }>`
      SELECT column_name, data_type, column_default FROM information_schema.columns WHERE table_name = 'ballots' AND table_schema = current_schema()`.execute(db);
    expect(columns.rows.filter((c) => /time|date|interval|serial/i.test(c.data_type) || /nextval|now\(|clock|uuidv7/i.test(c.column_default ?? ""))).toEqual([]);
    expect(columns.rows.find((c) => c.column_name === "id")?.column_default).toMatch(/gen_random_uuid/);
  });

  it("lets nothing but the close of a ballot's own motion delete it, and nothing change it", async () => {
    const motion = await db.transaction().execute(async (trx) =>
      createMotion(trx, secretary, orgId, meetingId, { kind: "ordinary", title: "Change the rules", body: "", thresholdComparison: "at-least" }, (await getOrganisation(trx, orgId)).rules),
    );
    await db.transaction().execute((trx) => openMotion(trx, secretary, orgId, motion.id));
    await castVote(db, { organisationId: orgId, motionId: motion.id, memberId: members[20].id, choice: "for" });
    const attempt = (setting: string | null, change: "delete" | "update") =>
      db
        .transaction()
        .execute(async (trx) => {
          if (setting !== null) await sql`SELECT set_config('coop.sealing_motion', ${setting}, true)`.execute(trx);
          if (change === "delete") await sql`DELETE FROM ballots WHERE motion_id = ${motion.id}::uuid`.execute(trx);
          else await sql`UPDATE ballots SET choice = 'against' WHERE motion_id = ${motion.id}::uuid`.execute(trx);
          return "done";
        })
        .catch((e: Error) => e.message);
    expect(await attempt(null, "delete")).toContain("append-only");
    expect(await attempt(meetingId, "delete")).toContain("append-only");
    expect(await attempt(motion.id, "update")).toContain("append-only");
    expect(await attempt(null, "update")).toContain("append-only");
    expect(await tallyChoices(db, motion.id)).toEqual({ for: 1, against: 0, abstain: 0 });
    // The setting is the transaction's own: the next one cannot delete either.
    await db.transaction().execute((trx) => sealBallots(trx, orgId, motion.id));
    expect(await attempt(null, "delete")).toContain("append-only");
    expect(await tallyChoices(db, motion.id)).toEqual({ for: 1, against: 0, abstain: 0 });
  });
});
