import { isElection } from "~/domain/voting/kinds";
import { sql } from "kysely";
import type { BallotChoice, MotionKind } from "../../../db/tables/governance";
import type { Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { checkBallot, motionForVoting, newReceiptCode, receiptHash } from "~/models/governance/ballots.server";
import { refused } from "~/domain/refusal";
import { getOrganisation } from "~/models/core/organisations.server";
import { memberNameKey, nameSearchCondition } from "~/models/shares/members.server";

export const PROXY_CANDIDATES_LIMIT = 20;

/**
 * Members who may hold a proxy (admitted, not the appointer), found by member
 * number or name as the register search finds them (case and accents aside),
 * at most 20 in name order. Only names and numbers: the register is otherwise
 * not open to members.
 */
export async function proxyCandidates(db: Executor, organisationId: string, opts: { q: string; excludeMemberId: string | null; limit?: number }) {
  const q = opts.q.trim();
  if (!q) return [];
  let query = db
    .selectFrom("members")
    .select(["id", "name", "member_number"])
    .where("organisation_id", "=", organisationId)
    .where("status", "=", "admitted");
  if (opts.excludeMemberId) query = query.where("id", "!=", opts.excludeMemberId);
  query = /^\d{1,9}$/.test(q) ? query.where("member_number", "=", Number(q)) : query.where(nameSearchCondition(await memberNameKey(db, q)));
  // Sorted after matching ("|| ''"), so the name index finds the matches rather than walking every name in order.
  return query.orderBy(sql`(name_key || '') collate "C"`).orderBy("member_number").limit(Math.min(opts.limit ?? PROXY_CANDIDATES_LIMIT, PROXY_CANDIDATES_LIMIT)).execute();
}

/*
 * Proxies. A member appoints another member, or the chair, to vote for them
 * at one meeting, with or without instructions per motion. The holder's
 * votes are held (proxy_votes) until the motion closes; then, for each
 * appointment still standing whose appointer has not voted themself, one
 * ballot and one participation (channel "proxy") are written. So the
 * member's own vote always overrides the proxy, revoking removes it, and
 * each proxy vote is counted once.
 */

async function meetingStillVoting(db: Executor, organisationId: string, meetingId: string) {
  const meeting = await db
    .selectFrom("meetings")
    .select(["id", "kind", sql<number>`(select count(*)::int from motions x where x.meeting_id = meetings.id and x.status <> 'closed')`.as("unclosed")])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", meetingId)
    .forUpdate()
    .executeTakeFirst();
  if (!meeting) throw refused("That meeting does not exist.");
  if (meeting.kind === "board") throw refused("Proxies are for general meetings.");
  return meeting;
}

export async function appointProxy(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  input: { meetingId: string; appointerMemberId: string; holderMemberId: string | null; instructions: Record<string, BallotChoice> },
) {
  // The meeting row lock serialises appointments, so the per-holder limit holds under concurrent requests.
  const meeting = await meetingStillVoting(db, organisationId, input.meetingId);
  if (meeting.unclosed === 0) throw refused("Voting has closed on every motion of this meeting.");
  if (input.holderMemberId === input.appointerMemberId) throw refused("You cannot appoint yourself as your own proxy.", "holder");
  if (input.holderMemberId) {
    const holder = await db
      .selectFrom("members")
      .select(["status"])
      .where("organisation_id", "=", organisationId)
      .where("id", "=", input.holderMemberId)
      .executeTakeFirst();
    if (!holder || holder.status !== "admitted") throw refused("A proxy must be an admitted member of the society.", "holder");
    const org = await getOrganisation(db, organisationId);
    const { held } = await db
      .selectFrom("proxy_appointments")
      .select(sql<number>`count(*)::int`.as("held"))
      .where("meeting_id", "=", input.meetingId)
      .where("holder_member_id", "=", input.holderMemberId)
      .where("revoked_at", "is", null)
      .executeTakeFirstOrThrow();
    if (held >= org.rules.maxProxiesPerHolder) {
      throw refused(`That member already holds ${held} proxies, the most the rules allow (${org.rules.maxProxiesPerHolder}). Choose someone else or the chair.`, "holder");
    }
  }
  const motionIds = Object.keys(input.instructions);
  if (motionIds.length) {
    const found = await db.selectFrom("motions").select(["id", "kind"]).where("meeting_id", "=", input.meetingId).where("id", "in", motionIds).execute();
    if (found.length !== motionIds.length || found.some((m) => !["ordinary", "special", "custom"].includes(m.kind))) {
      throw refused("Instructions can be given only for resolutions of this meeting.");
    }
  }
  const existing = await db
    .selectFrom("proxy_appointments")
    .select("id")
    .where("meeting_id", "=", input.meetingId)
    .where("appointer_member_id", "=", input.appointerMemberId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (existing) throw refused("You already have a proxy for this meeting: revoke it first to appoint someone else.");
  const row = await db
    .insertInto("proxy_appointments")
    .values({
      organisation_id: organisationId,
      meeting_id: input.meetingId,
      appointer_member_id: input.appointerMemberId,
      holder_member_id: input.holderMemberId,
      instructions: JSON.stringify(input.instructions),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "proxy.appointed",
    entityType: "proxy_appointment",
    entityId: row.id,
    // Instructions are how the member wants to vote: the audit keeps who and which motions, not the choices.
    after: { meetingId: input.meetingId, appointer: input.appointerMemberId, holder: input.holderMemberId ?? "chair", instructedMotions: motionIds.length },
  });
  return row;
}

export async function revokeProxy(db: Executor, actorUserId: string, organisationId: string, appointmentId: string, appointerMemberId: string | null) {
  const appt = await db
    .selectFrom("proxy_appointments")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("id", "=", appointmentId)
    .executeTakeFirst();
  if (!appt || (appointerMemberId && appt.appointer_member_id !== appointerMemberId)) throw refused("That proxy appointment does not exist.");
  if (appt.revoked_at) throw refused("That proxy has already been revoked.");
  const meeting = await meetingStillVoting(db, organisationId, appt.meeting_id);
  if (meeting.unclosed === 0) throw refused("Voting has closed: the proxy can no longer be revoked.");
  await db.updateTable("proxy_appointments").set({ revoked_at: new Date() }).where("id", "=", appointmentId).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "proxy.revoked", entityType: "proxy_appointment", entityId: appointmentId, before: { revoked: false }, after: { revoked: true } });
}

/** The member's own appointment for a meeting, and the appointments they hold for others. */
export async function proxiesForMember(db: Executor, organisationId: string, meetingId: string, memberId: string) {
  const base = db
    .selectFrom("proxy_appointments as a")
    .innerJoin("members as ap", "ap.id", "a.appointer_member_id")
    .leftJoin("members as h", "h.id", "a.holder_member_id")
    .select(["a.id", "a.holder_member_id", "a.appointer_member_id", "a.instructions", "a.appointed_at", "a.revoked_at", "ap.name as appointer_name", "h.name as holder_name"])
    .where("a.organisation_id", "=", organisationId)
    .where("a.meeting_id", "=", meetingId);
  const [mine, held] = await Promise.all([
    base.where("a.appointer_member_id", "=", memberId).orderBy("a.appointed_at", "desc").execute(),
    base.where("a.holder_member_id", "=", memberId).where("a.revoked_at", "is", null).orderBy("ap.name").execute(),
  ]);
  return { mine, held };
}

/** Appointments of the chair (recorded by the secretary) and every appointment, for the secretary's view. */
export async function listAppointments(db: Executor, organisationId: string, meetingId: string) {
  return db
    .selectFrom("proxy_appointments as a")
    .innerJoin("members as ap", "ap.id", "a.appointer_member_id")
    .leftJoin("members as h", "h.id", "a.holder_member_id")
    .select(["a.id", "a.holder_member_id", "a.appointer_member_id", "a.instructions", "a.appointed_at", "a.revoked_at", "ap.name as appointer_name", "h.name as holder_name"])
    .where("a.organisation_id", "=", organisationId)
    .where("a.meeting_id", "=", meetingId)
    .orderBy("a.appointed_at")
    .execute();
}

/**
 * The holder (or, for the chair, the secretary) records a vote for one
 * appointer on one motion. An instruction, if given, must be followed.
 */
export async function castProxyVote(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  input: { motionId: string; appointmentId: string; holderMemberId: string | null; asChair: boolean; choice?: BallotChoice; ranking?: number[] },
) {
  const motion = await motionForVoting(db, organisationId, input.motionId);
  const ballot = checkBallot(motion as { kind: MotionKind; option_count: number }, input);
  const appt = await db
    .selectFrom("proxy_appointments as a")
    .innerJoin("motions as x", "x.meeting_id", "a.meeting_id")
    .select(["a.id", "a.holder_member_id", "a.appointer_member_id", "a.instructions", "a.revoked_at"])
    .where("a.organisation_id", "=", organisationId)
    .where("a.id", "=", input.appointmentId)
    .where("x.id", "=", input.motionId)
    .executeTakeFirst();
  const holds = appt && (input.asChair ? appt.holder_member_id === null : appt.holder_member_id === input.holderMemberId && input.holderMemberId !== null);
  if (!appt || !holds) throw refused("You do not hold that proxy for this meeting.");
  if (appt.revoked_at) throw refused("That member has revoked the proxy.");
  const instructed = appt.instructions[input.motionId];
  if (instructed && ballot.choice !== instructed) throw refused(`The member instructed their proxy to vote "${instructed}" on this motion.`);
  const eligible = await db.selectFrom("motion_electorate").select("member_id").where("motion_id", "=", input.motionId).where("member_id", "=", appt.appointer_member_id).executeTakeFirst();
  if (!eligible) throw refused("The member who appointed you was not eligible to vote on this motion.");
  const voted = await db.selectFrom("participations").select("channel").where("motion_id", "=", input.motionId).where("member_id", "=", appt.appointer_member_id).executeTakeFirst();
  if (voted) throw refused("That member has voted themself, which overrides the proxy.");
  const receipt = newReceiptCode();
  const inserted = await db
    .insertInto("proxy_votes")
    .values({
      organisation_id: organisationId,
      motion_id: input.motionId,
      appointment_id: input.appointmentId,
      choice: ballot.choice,
      ranking: ballot.ranking,
      receipt_hash: receiptHash(receipt),
      recorded_by: actorUserId,
    })
    .onConflict((oc) => oc.columns(["motion_id", "appointment_id"]).doNothing())
    .returning("appointment_id")
    .executeTakeFirst();
  if (!inserted) throw refused("The proxy vote for that member has already been cast.");
  await recordAudit(db, { organisationId, actorUserId, action: "proxy.vote_recorded", entityType: "proxy_appointment", entityId: input.appointmentId, after: { motionId: input.motionId } });
  return { receipt };
}

/** Proxy votes already held on a motion, by appointment (for the holder's page: which are done). */
export async function proxyVotesCast(db: Executor, organisationId: string, motionId: string, appointmentIds: string[]) {
  if (!appointmentIds.length) return new Set<string>();
  const rows = await db
    .selectFrom("proxy_votes")
    .select("appointment_id")
    .where("organisation_id", "=", organisationId)
    .where("motion_id", "=", motionId)
    .where("appointment_id", "in", appointmentIds)
    .execute();
  return new Set(rows.map((r) => r.appointment_id));
}

/**
 * At close: turn standing proxy votes into ballots and participations (and
 * delete the held votes so turned). Also the chair's instructed
 * appointments nobody recorded: the chair votes as instructed. Set-based
 * SQL, so a meeting with many proxies closes quickly.
 */
export async function materialiseProxyVotes(db: Executor, organisationId: string, motionId: string, meetingId: string, kind: MotionKind) {
  await sql`
    WITH standing AS (
      SELECT v.appointment_id, a.appointer_member_id, v.choice, v.ranking, v.receipt_hash, e.weight
      FROM proxy_votes v
      JOIN proxy_appointments a ON a.id = v.appointment_id AND a.revoked_at IS NULL
      JOIN motion_electorate e ON e.motion_id = v.motion_id AND e.member_id = a.appointer_member_id
      WHERE v.motion_id = ${motionId}::uuid AND v.organisation_id = ${organisationId}::uuid
        AND NOT EXISTS (SELECT 1 FROM participations p WHERE p.motion_id = v.motion_id AND p.member_id = a.appointer_member_id)
    ), claimed AS (
      INSERT INTO participations (organisation_id, motion_id, member_id, channel, proxy_appointment_id)
      SELECT ${organisationId}::uuid, ${motionId}::uuid, appointer_member_id, 'proxy', appointment_id FROM standing
      RETURNING member_id
    )
    INSERT INTO ballots (organisation_id, motion_id, choice, ranking, weight, receipt_hash)
    SELECT ${organisationId}::uuid, ${motionId}::uuid, choice, ranking, weight, receipt_hash FROM standing
    ORDER BY receipt_hash
  `.execute(db);
  // A held vote that became a ballot goes: the ballot, under the same receipt, is now the record, and the held
  // row would pair the appointment (so the member) with that ballot by its receipt hash (ADR 0014). Held votes
  // that did not count (the member voted themself, or revoked) stay, so their receipts say "not counted".
  await sql`
    DELETE FROM proxy_votes v
    WHERE v.motion_id = ${motionId}::uuid AND v.organisation_id = ${organisationId}::uuid
      AND EXISTS (SELECT 1 FROM ballots b WHERE b.receipt_hash = v.receipt_hash)
  `.execute(db);
  if (isElection(kind)) return;
  const chair = await sql<{ appointment_id: string; member_id: string; choice: BallotChoice; weight: number }>`
    SELECT a.id AS appointment_id, a.appointer_member_id AS member_id, a.instructions ->> ${motionId} AS choice, e.weight
    FROM proxy_appointments a
    JOIN motion_electorate e ON e.motion_id = ${motionId}::uuid AND e.member_id = a.appointer_member_id
    WHERE a.meeting_id = ${meetingId}::uuid AND a.organisation_id = ${organisationId}::uuid
      AND a.revoked_at IS NULL AND a.holder_member_id IS NULL
      AND a.instructions ? ${motionId}
      AND NOT EXISTS (SELECT 1 FROM proxy_votes v WHERE v.motion_id = ${motionId}::uuid AND v.appointment_id = a.id)
      AND NOT EXISTS (SELECT 1 FROM participations p WHERE p.motion_id = ${motionId}::uuid AND p.member_id = a.appointer_member_id)
  `.execute(db);
  for (const c of chair.rows) {
    await db
      .insertInto("participations")
      .values({ organisation_id: organisationId, motion_id: motionId, member_id: c.member_id, channel: "proxy", proxy_appointment_id: c.appointment_id })
      .execute();
    await db
      .insertInto("ballots")
      .values({ organisation_id: organisationId, motion_id: motionId, choice: c.choice, ranking: null, weight: c.weight, receipt_hash: receiptHash(newReceiptCode()) })
      .execute();
  }
}
