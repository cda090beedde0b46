import { ELECTION_KINDS, isElection } from "~/domain/voting/kinds";
import { createHash } from "node:crypto";
import { sql, type RawBuilder } from "kysely";
import type { BallotChoice, MotionKind } from "../../../db/tables/governance";
import type { Executor } from "~/utils/db.server";
import type { Role } from "~/domain/permissions";
import { hashToken, pooledRandomBytes } from "~/utils/tokens.server";
import { sessionMembersSql } from "~/models/core/auth.server";
import { notFound, refused } from "~/domain/refusal";

/*
 * Secret ballots. Casting writes two rows in one transaction:
 *  - participations (motion, member, channel, time): that the member voted;
 *  - ballots (random id, motion, choice or ranking, weight, receipt hash):
 *    how someone voted, with nothing that names or dates the voter.
 * The primary key of participations refuses a second vote, however many
 * requests race; the foreign key to motion_electorate refuses anyone not
 * eligible when voting opened. The two rows of a vote share a transaction
 * id (xmin) while voting is open; closing moves the motion's ballots into
 * fresh rows (sealBallots), after which nothing pairs them (ADR 0014).
 */

const RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: codes are read aloud and typed

/** 12 random characters (60 bits), shown as ABCD-EFGH-JKLM. */
export function newReceiptCode(): string {
  const bytes = pooledRandomBytes(12);
  let code = "";
  for (let i = 0; i < 12; i++) code += RECEIPT_ALPHABET[bytes[i] & 31];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

export function normaliseReceipt(code: string): string {
  const c = code.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  return `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8, 12)}`;
}

/** Only the hash is stored: someone reading the database cannot forge or look up a voter's receipt. */
export function receiptHash(code: string): string {
  return createHash("sha256").update(normaliseReceipt(code)).digest("hex");
}

/** What is cast: on which motion, and the choice (a motion) or ranking (an election). */
export interface BallotInput {
  motionId: string;
  choice?: BallotChoice;
  ranking?: number[];
}

export interface VoteInput extends BallotInput {
  organisationId: string;
  memberId: string | null;
}

/** Check a ranking against the kind of vote and the number of candidates. */
export function checkRanking(kind: MotionKind, optionCount: number, ranking: number[]) {
  if (ranking.some((p) => !Number.isInteger(p) || p < 1 || p > optionCount)) throw refused("That is not one of the candidates on this ballot.");
  if (new Set(ranking).size !== ranking.length) throw refused("A candidate can be ranked only once.");
  if (kind === "plurality" && ranking.length !== 1) throw refused("Choose exactly one option.");
  if (ranking.length === 0) throw refused("Choose at least one candidate.");
}

/** Lock the motion for share: closing takes it for update, so no vote slips in after the count. */
export async function motionForVoting(db: Executor, organisationId: string, motionId: string) {
  const motion = await db
    .selectFrom("motions")
    .select(["id", "status", "kind", sql<number>`(select count(*)::int from motion_options o where o.motion_id = motions.id)`.as("option_count")])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", motionId)
    .forShare()
    .executeTakeFirst();
  if (!motion) throw notFound("That motion does not exist.");
  if (motion.status === "draft") throw refused("Voting on this motion has not opened yet.");
  if (motion.status === "closed") throw refused("Voting on this motion has closed.");
  return motion;
}

export function checkBallot(motion: { kind: MotionKind; option_count: number }, input: { choice?: BallotChoice; ranking?: number[] }) {
  if (isElection(motion.kind)) {
    if (!input.ranking) throw refused("Rank at least one candidate.");
    checkRanking(motion.kind, motion.option_count, input.ranking);
    return { choice: null, ranking: input.ranking };
  }
  if (!input.choice || !["for", "against", "abstain"].includes(input.choice)) throw refused("Choose for, against or abstain.");
  return { choice: input.choice, ranking: null };
}

/** One ballot to cast, as the casting statement reads it (see castStatement). */
interface VoterRow {
  n: number;
  motion_id: string;
  organisation_id: string;
  member_id: string | null;
  choice: string | null;
  ranking: number[] | null;
  receipt_hash: string;
}

/** A ranking as a PostgreSQL array literal, for a smallint[] parameter. */
function rankingLiteral(ranking: number[] | undefined) {
  return ranking ? `{${ranking.map((p) => Math.trunc(p)).join(",")}}` : null;
}

/**
 * The one SQL statement that casts votes: for each row of `voters` (one, or
 * a batch from the ballot box) it claims the member's one participation and
 * writes the ballot only if the claim succeeded. Atomic by itself (one
 * transaction), one round trip. It locks the motions for share (closing
 * takes the motion for update, so no vote slips in after the count), checks
 * each ballot fits its kind of vote, and lets the frozen electorate check
 * eligibility and the primary key of participations refuse a second vote.
 * Within a batch: a member's second ballot on the same motion is dropped
 * before the claim (the first counts); participations are claimed in key
 * order, so two batches never wait on each other in a cycle; and ballots are
 * written in the order of their random receipt hashes, not the order of the
 * participations, so rows written together cannot be paired by position.
 * One row per voter kept, by `n`: the motion's status, kind and number of
 * options (null when there is no such motion in the voter's organisation)
 * and whether the ballot was cast.
 */
function castStatementSql(voters: RawBuilder<VoterRow>) {
  return sql<{ n: number; status: string | null; kind: MotionKind; option_count: number; cast: boolean }>`
    WITH voters AS (
      SELECT DISTINCT ON (v.motion_id, v.member_id) v.* FROM (${voters}) v ORDER BY v.motion_id, v.member_id, v.n
    ), m AS (
      SELECT x.id, x.organisation_id, x.status, x.kind, (SELECT count(*)::int FROM motion_options o WHERE o.motion_id = x.id) AS option_count
      FROM motions x WHERE x.id IN (SELECT motion_id FROM voters)
      FOR SHARE
    ), claimed AS (
      INSERT INTO participations (organisation_id, motion_id, member_id, channel)
      SELECT e.organisation_id, e.motion_id, e.member_id, 'online'
      FROM voters v
      JOIN m ON m.id = v.motion_id AND m.organisation_id = v.organisation_id
      JOIN motion_electorate e ON e.motion_id = m.id AND e.member_id = v.member_id
      WHERE m.status = 'open'
        AND CASE WHEN m.kind IN (${sql.join(ELECTION_KINDS.map((k) => sql.lit(k)))})
              THEN v.ranking IS NOT NULL AND cardinality(v.ranking) >= 1
                AND (SELECT min(r) >= 1 AND max(r) <= m.option_count AND count(DISTINCT r) = count(*) FROM unnest(v.ranking) r)
                AND (m.kind <> 'plurality' OR cardinality(v.ranking) = 1)
              ELSE v.choice IN ('for', 'against', 'abstain') END
      ORDER BY e.motion_id, e.member_id
      ON CONFLICT (motion_id, member_id) DO NOTHING
      RETURNING organisation_id, motion_id, member_id
    ), ballot AS (
      INSERT INTO ballots (organisation_id, motion_id, choice, ranking, weight, receipt_hash)
      SELECT c.organisation_id, c.motion_id, v.choice, v.ranking, e.weight, v.receipt_hash
      FROM claimed c
      JOIN voters v ON v.motion_id = c.motion_id AND v.member_id = c.member_id
      JOIN motion_electorate e ON e.motion_id = c.motion_id AND e.member_id = c.member_id
      ORDER BY v.receipt_hash
      RETURNING receipt_hash
    )
    SELECT v.n, m.status, m.kind, m.option_count, b.receipt_hash IS NOT NULL AS cast
    FROM voters v
    LEFT JOIN m ON m.id = v.motion_id AND m.organisation_id = v.organisation_id
    LEFT JOIN ballot b ON b.receipt_hash = v.receipt_hash
  `;
}

async function castStatement(db: Executor, voters: RawBuilder<VoterRow>) {
  return (await castStatementSql(voters).execute(db)).rows;
}

/**
 * Cast a member's own vote. Returns the receipt code, which is shown once
 * and never stored in the clear. When nothing was written, a second look
 * says why, in words.
 */
export async function castVote(db: Executor, input: VoteInput): Promise<{ receipt: string }> {
  if (!input.memberId) throw refused("Only members on the register can vote, and this login is not linked to a register entry.");
  if (input.ranking && new Set(input.ranking).size !== input.ranking.length) throw refused("A candidate can be ranked only once.");
  const receipt = newReceiptCode();
  const [row] = await castStatement(
    db,
    sql`SELECT 1 AS n, ${input.motionId}::uuid AS motion_id, ${input.organisationId}::uuid AS organisation_id, ${input.memberId}::uuid AS member_id,
          ${input.ranking ? null : (input.choice ?? null)}::text AS choice, ${rankingLiteral(input.ranking)}::smallint[] AS ranking, ${receiptHash(receipt)}::text AS receipt_hash`,
  );
  if (!row?.status) throw notFound("That motion does not exist.");
  if (row.cast) return { receipt };
  if (row.status === "draft") throw refused("Voting on this motion has not opened yet.");
  if (row.status === "closed") throw refused("Voting on this motion has closed.");
  checkBallot({ kind: row.kind, option_count: row.option_count }, input);
  const eligible = await db
    .selectFrom("motion_electorate")
    .select("member_id")
    .where("motion_id", "=", input.motionId)
    .where("member_id", "=", input.memberId)
    .executeTakeFirst();
  throw refused(
    eligible
      ? "You have already voted on this motion. Each member votes once."
      : "You are not on the list of members eligible to vote on this motion (members admitted on the record date).",
  );
}

/** A ballot posted with a session cookie, the session not yet looked up. */
export interface SessionBallot extends BallotInput {
  sessionToken: string;
}

/**
 * Cast ballots posted with session cookies, finding each session's member in
 * the same statement (sessionMembersSql: live sessions, not due for
 * renewal, with one of `roles`): a batch of votes is one round trip and one
 * commit, which is what carries a general meeting's minute of voting (ADR
 * 0006). For each ballot, its receipt, or null when it was not cast,
 * whatever the reason (the session needs the ordinary look-up, the member
 * is not eligible or has voted, the motion is closed or not theirs, the
 * ballot does not fit, a second ballot of the same member in the batch):
 * the caller then casts with castVote, which says why.
 */
export async function castSessionBallots(db: Executor, ballots: readonly SessionBallot[], roles: readonly Role[], now = new Date()): Promise<({ receipt: string } | null)[]> {
  const { receipts, statement } = sessionBallotsStatement(ballots, roles, now);
  const rows = (await statement.execute(db)).rows;
  const cast = new Set(rows.filter((r) => r.cast).map((r) => Number(r.n)));
  return receipts.map((receipt, i) => (cast.has(i + 1) ? { receipt } : null));
}

/**
 * The statement castSessionBallots sends for a batch, not yet sent, with
 * the batch's receipt codes (in the order of the ballots). The bench sends
 * this very statement over a plain `pg` connection to measure what the
 * database alone can take (scripts/bench/governance.ts).
 */
export function sessionBallotsStatement(ballots: readonly SessionBallot[], roles: readonly Role[], now = new Date()) {
  const receipts = ballots.map(() => newReceiptCode());
  const tokenHashes = ballots.map((b) => hashToken(b.sessionToken));
  const statement = castStatementSql(
    sql`SELECT i.n::int AS n, i.motion_id, s.organisation_id, s.member_id, i.choice, i.ranking::smallint[] AS ranking, i.receipt_hash
        FROM unnest(${ballots.map((b) => b.motionId)}::uuid[], ${tokenHashes}::text[], ${ballots.map((b) => (b.ranking ? null : (b.choice ?? null)))}::text[],
                    ${ballots.map((b) => rankingLiteral(b.ranking))}::text[], ${receipts.map(receiptHash)}::text[])
             WITH ORDINALITY AS i(motion_id, token_hash, choice, ranking, receipt_hash, n)
        JOIN (${sessionMembersSql(tokenHashes, roles, now)}) s ON s.token_hash = i.token_hash`,
  );
  return { receipts, statement };
}

/**
 * At close, in the closing transaction: move the motion's ballots into
 * fresh rows, written in a random order. Each ballot then carries the
 * closing transaction's xmin (the same for all of them) and a place in the
 * table drawn at random, instead of the casting transaction's xmin (shared
 * with its participation) and a place in the order the votes came in. The
 * content (choice or ranking, weight, receipt hash) is unchanged, so the
 * count and the receipts read the same; the id is drawn afresh. The order
 * comes from gen_random_uuid() (the server's strong random source), not
 * random(), whose seed a session can set. The ballots' append-only trigger
 * lets this one statement delete them (migration 0019): it names the
 * motion in a setting local to the transaction. One statement: the DELETE
 * hands every row to the sort before the first is inserted again, and a
 * receipt hash deleted by this transaction does not collide with itself.
 */
export async function sealBallots(db: Executor, organisationId: string, motionId: string) {
  await sql`SELECT set_config('coop.sealing_motion', ${motionId}, true)`.execute(db);
  const moved = await sql`
    WITH cast_ballots AS (
      DELETE FROM ballots WHERE motion_id = ${motionId}::uuid AND organisation_id = ${organisationId}::uuid
      RETURNING organisation_id, motion_id, choice, ranking, weight, receipt_hash
    )
    INSERT INTO ballots (organisation_id, motion_id, choice, ranking, weight, receipt_hash)
    SELECT organisation_id, motion_id, choice, ranking, weight, receipt_hash FROM cast_ballots ORDER BY gen_random_uuid()
  `.execute(db);
  await sql`SELECT set_config('coop.sealing_motion', '', true)`.execute(db);
  return Number(moved.numAffectedRows ?? 0);
}

export async function hasVoted(db: Executor, organisationId: string, motionId: string, memberId: string | null) {
  if (!memberId) return { eligible: false, voted: false, channel: null as null | "online" | "proxy" };
  const row = await db
    .selectFrom("motion_electorate as e")
    .leftJoin("participations as p", (j) => j.onRef("p.motion_id", "=", "e.motion_id").onRef("p.member_id", "=", "e.member_id"))
    .select(["p.channel"])
    .where("e.organisation_id", "=", organisationId)
    .where("e.motion_id", "=", motionId)
    .where("e.member_id", "=", memberId)
    .executeTakeFirst();
  return { eligible: !!row, voted: !!row?.channel, channel: row?.channel ?? null };
}

/** Turnout while voting is open: how many took part, never how they voted. */
export async function turnout(db: Executor, organisationId: string, motionId: string) {
  const row = await sql<{ online: number; proxy: number; pending_proxy: number; eligible: number | null }>`
    SELECT
      (SELECT count(*)::int FROM participations p WHERE p.motion_id = x.id AND p.channel = 'online') AS online,
      (SELECT count(*)::int FROM participations p WHERE p.motion_id = x.id AND p.channel = 'proxy') AS proxy,
      (SELECT count(*)::int FROM proxy_votes v JOIN proxy_appointments a ON a.id = v.appointment_id
        WHERE v.motion_id = x.id AND a.revoked_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM participations p WHERE p.motion_id = x.id AND p.member_id = a.appointer_member_id)) AS pending_proxy,
      x.eligible_count AS eligible
    FROM motions x WHERE x.id = ${motionId}::uuid AND x.organisation_id = ${organisationId}::uuid
  `.execute(db);
  const r = row.rows[0];
  if (!r) return null;
  const voted = r.online + r.proxy + r.pending_proxy;
  const eligible = r.eligible ?? 0;
  return { online: r.online, proxy: r.proxy + r.pending_proxy, voted, eligible, percent: eligible ? ((voted * 100) / eligible).toFixed(1) : "0.0" };
}

export type ReceiptStatus =
  | { found: false }
  | { found: true; motionId: string; kind: MotionKind; motionTitle: string; meetingTitle: string; status: "counted" | "in-ballot-box" | "held-by-proxy" | "not-counted" };

/**
 * The motion (and its meeting) whose ballot box or proxy votes hold a receipt.
 * Both tables carry organisation_id, motion_id and receipt_hash, which is all
 * this reads, so the one query serves either.
 */
function motionHoldingReceipt(db: Executor, table: "ballots" | "proxy_votes", organisationId: string, hash: string) {
  return db
    .selectFrom(`${table} as r` as "ballots as r")
    .innerJoin("motions as x", "x.id", "r.motion_id")
    .innerJoin("meetings as m", "m.id", "x.meeting_id")
    .select(["x.id", "x.kind", "x.title", "x.status", "m.title as meeting_title"])
    .where("r.organisation_id", "=", organisationId)
    .where("r.receipt_hash", "=", hash)
    .executeTakeFirst();
}

/**
 * Check a receipt: says whether a ballot with that code is in the box (and
 * counted, once closed) without ever showing the choice, so a receipt
 * cannot be used to prove to someone else how the member voted.
 */
export async function checkReceipt(db: Executor, organisationId: string, code: string): Promise<ReceiptStatus> {
  const hash = receiptHash(code);
  const ballot = await motionHoldingReceipt(db, "ballots", organisationId, hash);
  if (ballot) {
    return { found: true, motionId: ballot.id, kind: ballot.kind, motionTitle: ballot.title, meetingTitle: ballot.meeting_title, status: ballot.status === "closed" ? "counted" : "in-ballot-box" };
  }
  const proxy = await motionHoldingReceipt(db, "proxy_votes", organisationId, hash);
  if (proxy) {
    // Closed and still here (not copied into ballots): overridden by the member's own vote or revoked.
    return { found: true, motionId: proxy.id, kind: proxy.kind, motionTitle: proxy.title, meetingTitle: proxy.meeting_title, status: proxy.status === "closed" ? "not-counted" : "held-by-proxy" };
  }
  return { found: false };
}
