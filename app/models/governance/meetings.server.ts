import { sql, type Insertable } from "kysely";
import { isElection } from "~/domain/voting/kinds";
import { checkNotice } from "~/domain/voting/notice";
import { mayCloseVoting } from "~/domain/voting/closing";
import { dateInZone, timeInZone } from "~/domain/today";
import { decideMotion, resultSummary, type MotionOutcome, type ResolutionKind } from "~/domain/voting/resolutions";
import type { OrganisationRules } from "~/domain/organisation";
import type { ElectionInput, MeetingInput, MotionInput } from "~/schemas/governance";
import type { Executor } from "~/utils/db.server";
import type { DB } from "../../../db/schema";
import { recordAudit } from "~/models/core/audit.server";
import { sealBallots } from "~/models/governance/ballots.server";
import { countMotionElection } from "~/models/governance/elections.server";
import { refused } from "~/domain/refusal";
import { materialiseProxyVotes } from "~/models/governance/proxies.server";
import { getOrganisation } from "~/models/core/organisations.server";

/*
 * Meetings and motions: calling a meeting (with the notice rule), adding
 * resolutions and elections, opening voting (which freezes the electorate),
 * show-of-hands counts and closing (which certifies the result).
 */


export async function listMeetings(db: Executor, organisationId: string) {
  return db
    .selectFrom("meetings as m")
    .select([
      "m.id", "m.kind", "m.title", "m.held_on", "m.starts_at", "m.format", "m.place",
      sql<number>`(select count(*)::int from motions x where x.meeting_id = m.id and x.status = 'open')`.as("open_count"),
      sql<number>`(select count(*)::int from motions x where x.meeting_id = m.id)`.as("motion_count"),
    ])
    .where("m.organisation_id", "=", organisationId)
    .orderBy("m.held_on", "desc")
    .execute();
}

export async function getMeeting(db: Executor, organisationId: string, meetingId: string) {
  return db.selectFrom("meetings").selectAll().where("organisation_id", "=", organisationId).where("id", "=", meetingId).executeTakeFirst();
}

export async function createMeeting(db: Executor, actorUserId: string, organisationId: string, input: MeetingInput) {
  const org = await getOrganisation(db, organisationId);
  const notice = checkNotice(input.kind, input.noticeGivenOn, input.heldOn, org.rules.noticeDays);
  if (!notice.ok) throw refused(notice.message, "noticeGivenOn");
  const meeting = await db
    .insertInto("meetings")
    .values({
      organisation_id: organisationId,
      kind: input.kind,
      title: input.title,
      held_on: input.heldOn,
      starts_at: input.startsAt,
      place: input.place,
      format: input.format,
      notice_given_on: input.noticeGivenOn,
      // Unless the secretary names one, the register as at the day notice was given decides who may vote.
      record_date: input.recordDate ?? input.noticeGivenOn,
      agenda: input.agenda,
      documents: input.documents,
      created_by: actorUserId,
    })
    .returning(["id", "title"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, { organisationId, actorUserId, action: "meeting.called", entityType: "meeting", entityId: meeting.id, after: { ...input, notice: notice.message } });
  return meeting;
}

export async function listMotions(db: Executor, organisationId: string, meetingId: string) {
  return db
    .selectFrom("motions")
    .select(["id", "position", "kind", "title", "status", "seats", "opened_at", "closed_at"])
    .where("organisation_id", "=", organisationId)
    .where("meeting_id", "=", meetingId)
    .orderBy("position")
    .execute();
}

export async function getMotion(db: Executor, organisationId: string, motionId: string) {
  return db
    .selectFrom("motions as x")
    .innerJoin("meetings as m", "m.id", "x.meeting_id")
    .selectAll("x")
    .select(["m.title as meeting_title", "m.kind as meeting_kind", "m.held_on", "m.starts_at", "m.record_date", "m.format as meeting_format"])
    .where("x.organisation_id", "=", organisationId)
    .where("x.id", "=", motionId)
    .executeTakeFirst();
}
export type Motion = NonNullable<Awaited<ReturnType<typeof getMotion>>>;

export async function listOptions(db: Executor, organisationId: string, motionId: string) {
  return db
    .selectFrom("motion_options")
    .select(["position", "label", "affiliation", "statement", "nominated_by"])
    .where("organisation_id", "=", organisationId)
    .where("motion_id", "=", motionId)
    .orderBy("position")
    .execute();
}

async function nextPosition(db: Executor, meetingId: string) {
  const row = await db.selectFrom("motions").select(sql<number>`coalesce(max(position), 0)::int + 1`.as("next")).where("meeting_id", "=", meetingId).executeTakeFirstOrThrow();
  return row.next;
}

/**
 * Adds a motion or an election to the end of a meeting's agenda. The meeting is
 * locked first so two added at once do not take the same number.
 */
async function insertMotion(
  db: Executor,
  organisationId: string,
  meetingId: string,
  values: Omit<Insertable<DB["motions"]>, "organisation_id" | "meeting_id" | "position">,
) {
  await db.selectFrom("meetings").select("id").where("id", "=", meetingId).where("organisation_id", "=", organisationId).forUpdate().executeTakeFirstOrThrow();
  return db
    .insertInto("motions")
    .values({ organisation_id: organisationId, meeting_id: meetingId, position: await nextPosition(db, meetingId), ...values })
    .returning(["id"])
    .executeTakeFirstOrThrow();
}

export async function createMotion(db: Executor, actorUserId: string, organisationId: string, meetingId: string, input: MotionInput, rules: OrganisationRules) {
  const motion = await insertMotion(db, organisationId, meetingId, {
    kind: input.kind,
    title: input.title,
    body: input.body,
    threshold_numerator: input.kind === "custom" ? input.thresholdNumerator! : null,
    threshold_denominator: input.kind === "custom" ? input.thresholdDenominator! : null,
    threshold_comparison: input.kind === "custom" ? input.thresholdComparison : null,
    // The special threshold in force when the motion is put is the one it is decided by.
    special_basis_points: input.kind === "special" ? Math.round(rules.specialResolutionPercent * 100) : null,
  });
  await recordAudit(db, { organisationId, actorUserId, action: "motion.added", entityType: "motion", entityId: motion.id, after: input });
  return motion;
}

export async function createElection(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  meetingId: string,
  input: ElectionInput & { nominations?: string[] },
) {
  const motion = await insertMotion(db, organisationId, meetingId, {
    kind: input.kind,
    title: input.title,
    body: input.body,
    seats: input.seats,
    count_method: input.countMethod,
  });
  await db
    .insertInto("motion_options")
    .values(input.candidates.map((label, i) => ({ organisation_id: organisationId, motion_id: motion.id, position: i + 1, label, nominated_by: input.nominations?.[i] ?? "" })))
    .execute();
  await recordAudit(db, { organisationId, actorUserId, action: "election.added", entityType: "motion", entityId: motion.id, after: input });
  return motion;
}

/**
 * HOOK for weighted voting (share-capital area): the number of votes each
 * eligible member holds at the record date. Until share classes say
 * otherwise every member has one vote, so this returns SQL for 1. When a
 * share class carries weighted voting, replace this expression (e.g. a
 * subquery over share_transactions as at the record date), keeping it a
 * whole number >= 1.
 */
/**
 * A member's vote weight, frozen with the electorate when voting opens
 * (SQL over the `members m` row being frozen). One member, one vote, unless
 * a share class's voting rule is "weighted" (a bank or multi-stakeholder
 * set-up): then the weight is the number of shares the member held in
 * weighted classes on the record date, from the ledger, and never less than
 * 1, because every admitted member keeps a vote.
 */
export function votingWeightSql(organisationId: string, recordDate: string) {
  return sql<number>`GREATEST(1, COALESCE((
    SELECT sum(t.shares
               * CASE WHEN coalesce(o.kind, t.kind) IN ('purchase','transfer_in','interest_shares','bonus') THEN 1 ELSE -1 END
               * CASE WHEN t.kind = 'reversal' THEN -1 ELSE 1 END)
      FROM share_transactions t
      JOIN share_classes c ON c.organisation_id = t.organisation_id AND c.id = t.class_id AND c.voting = 'weighted'
      LEFT JOIN share_transactions o ON o.organisation_id = t.organisation_id AND o.id = t.reverses_id
     WHERE t.organisation_id = ${organisationId}::uuid AND t.member_id = m.id AND t.effective_on <= ${recordDate}::date
  ), 0))::int`;
}

/**
 * Open voting: freeze the electorate (members admitted and not suspended or
 * ceased at the meeting's record date, each with their weight). Later
 * changes to the register do not change who may vote on this motion.
 */
export async function openMotion(db: Executor, actorUserId: string, organisationId: string, motionId: string, now = new Date()) {
  const motion = await db
    .selectFrom("motions as x")
    .innerJoin("meetings as m", "m.id", "x.meeting_id")
    .select(["x.id", "x.status", "x.kind", "m.record_date", "m.kind as meeting_kind", "m.held_on"])
    .where("x.organisation_id", "=", organisationId)
    .where("x.id", "=", motionId)
    .forUpdate("x")
    .executeTakeFirst();
  if (!motion) throw refused("That motion does not exist.");
  if (motion.status !== "draft") throw refused(motion.status === "open" ? "Voting is already open." : "Voting has closed on this motion.");
  const weight = votingWeightSql(organisationId, motion.record_date);
  // Board meetings are decided by the directors present (show of hands), not the membership.
  if (motion.meeting_kind !== "board") {
    await sql`
      INSERT INTO motion_electorate (organisation_id, motion_id, member_id, weight)
      SELECT m.organisation_id, ${motionId}::uuid, m.id, ${weight}
      FROM members m
      WHERE m.organisation_id = ${organisationId}::uuid
        AND (SELECT h.status FROM member_status_history h
             WHERE h.organisation_id = m.organisation_id AND h.member_id = m.id AND h.effective_on <= ${motion.record_date}::date
             ORDER BY h.effective_on DESC, h.id DESC LIMIT 1) = 'admitted'
    `.execute(db);
  }
  const { count } = await db
    .selectFrom("motion_electorate")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("motion_id", "=", motionId)
    .executeTakeFirstOrThrow();
  await db
    .updateTable("motions")
    .set({ status: "open", opened_at: now, opened_by: actorUserId, eligible_count: count })
    .where("id", "=", motionId)
    .where("organisation_id", "=", organisationId)
    .execute();
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "motion.voting_opened",
    entityType: "motion",
    entityId: motionId,
    after: { eligible: count, recordDate: motion.record_date },
    at: now,
  });
  return { eligible: count };
}

export async function recordHandCount(
  db: Executor,
  actorUserId: string,
  organisationId: string,
  motionId: string,
  input: { present: number; votesFor: number; votesAgainst: number; votesAbstain: number },
) {
  const motion = await db.selectFrom("motions").select(["status", "kind"]).where("organisation_id", "=", organisationId).where("id", "=", motionId).forUpdate().executeTakeFirst();
  if (!motion) throw refused("That motion does not exist.");
  if (motion.status !== "open") throw refused("Counts can be recorded only while voting is open.");
  if (isElection(motion.kind)) throw refused("Elections are decided by ballot, not by a show of hands.");
  if (input.votesFor + input.votesAgainst + input.votesAbstain > input.present) {
    throw refused("More hands were counted than members present.", "present");
  }
  const before = await db.selectFrom("hand_counts").selectAll().where("motion_id", "=", motionId).executeTakeFirst();
  const row = {
    present: input.present,
    votes_for: input.votesFor,
    votes_against: input.votesAgainst,
    votes_abstain: input.votesAbstain,
    recorded_by: actorUserId,
    recorded_at: new Date(),
  };
  await db
    .insertInto("hand_counts")
    .values({ organisation_id: organisationId, motion_id: motionId, ...row })
    .onConflict((oc) => oc.column("motion_id").doUpdateSet(row))
    .execute();
  await recordAudit(db, { organisationId, actorUserId, action: "motion.hands_counted", entityType: "motion", entityId: motionId, before: before ?? null, after: input });
}

export async function getHandCount(db: Executor, organisationId: string, motionId: string) {
  return db.selectFrom("hand_counts").selectAll().where("organisation_id", "=", organisationId).where("motion_id", "=", motionId).executeTakeFirst();
}

/** Totals of the secret ballots, by choice. Only called at close: choices stay unseen while voting is open. */
export async function tallyChoices(db: Executor, motionId: string) {
  const rows = await db
    .selectFrom("ballots")
    .select(["choice", sql<string>`sum(weight)::text`.as("votes")])
    .where("motion_id", "=", motionId)
    .where("choice", "is not", null)
    .groupBy("choice")
    .execute();
  const totals = { for: 0, against: 0, abstain: 0 };
  for (const r of rows) if (r.choice) totals[r.choice] = Number(r.votes);
  return totals;
}

export interface CertifiedResult {
  kind: "resolution" | "election";
  outcome: MotionOutcome | Record<string, unknown>;
  eligible: number;
  presentInPerson: number;
  votedOnline: number;
  votedByProxy: number;
  handCount?: { for: number; against: number; abstain: number } | null;
}

/**
 * Close voting and certify the result, in one transaction: proxy votes
 * still standing become ballots (a member who voted themself overrides
 * their proxy; a revoked proxy counts for nothing), the ballots are moved
 * into fresh rows in a random order (sealBallots) and counted, the outcome
 * is decided by the rules in domain/voting, and the result is written once
 * (append-only), minuted and audited.
 */
/**
 * Closes voting and certifies the result. Before its meeting opens (its day and start time on the co-op's clock)
 * it is refused unless `earlyReason` says why; the reason goes in the minutes, the audit trail and the result.
 */
export async function closeMotion(db: Executor, actorUserId: string, organisationId: string, motionId: string, now = new Date(), earlyReason = "") {
  const motion = await db.selectFrom("motions").selectAll().where("organisation_id", "=", organisationId).where("id", "=", motionId).forUpdate().executeTakeFirst();
  if (!motion) throw refused("That motion does not exist.");
  if (motion.status !== "open") throw refused(motion.status === "draft" ? "Voting has not been opened on this motion." : "Voting has already closed.");
  const org = await getOrganisation(db, organisationId);
  const meeting = await db.selectFrom("meetings").select(["kind", "held_on", "starts_at"]).where("id", "=", motion.meeting_id).where("organisation_id", "=", organisationId).executeTakeFirstOrThrow();
  const closing = mayCloseVoting({ heldOn: meeting.held_on, startsAt: meeting.starts_at, localDate: dateInZone(now, org.timeZone), localTime: timeInZone(now, org.timeZone), earlyReason });
  if (!closing.ok) throw refused(closing.reason);
  const closedEarly = closing.early ? { reason: closing.reason, meetingOpens: `${meeting.held_on}${meeting.starts_at ? ` ${meeting.starts_at}` : ""}` } : null;
  await materialiseProxyVotes(db, organisationId, motion.id, motion.meeting_id, motion.kind);
  // From here on nothing pairs a ballot with its participation (ADR 0014).
  await sealBallots(db, organisationId, motion.id);

  const byChannel = await db
    .selectFrom("participations")
    .select(["channel", sql<number>`count(*)::int`.as("n")])
    .where("motion_id", "=", motionId)
    .groupBy("channel")
    .execute();
  const votedOnline = byChannel.find((r) => r.channel === "online")?.n ?? 0;
  const votedByProxy = byChannel.find((r) => r.channel === "proxy")?.n ?? 0;
  const hands = await getHandCount(db, organisationId, motionId);
  const presentInPerson = hands?.present ?? 0;
  // Board meetings: the directors present are the body deciding.
  const eligible = meeting.kind === "board" ? Math.max(presentInPerson, motion.eligible_count ?? 0) : (motion.eligible_count ?? 0);

  let outcome: MotionOutcome | Record<string, unknown>;
  let summary: string;
  if (isElection(motion.kind)) {
    const counted = await countMotionElection(db, organisationId, motion);
    outcome = counted as unknown as Record<string, unknown>;
    summary = resultSummary(motion.title, counted);
  } else {
    const online = await tallyChoices(db, motionId);
    const totals = {
      for: online.for + (hands?.votes_for ?? 0),
      against: online.against + (hands?.votes_against ?? 0),
      abstain: online.abstain + (hands?.votes_abstain ?? 0),
    };
    const decided = decideMotion({
      kind: motion.kind as ResolutionKind,
      thresholdBasisPoints: motion.special_basis_points ?? Math.round(org.rules.specialResolutionPercent * 100),
      threshold:
        motion.kind === "custom"
          ? { numerator: motion.threshold_numerator!, denominator: motion.threshold_denominator!, comparison: motion.threshold_comparison! }
          : undefined,
      eligibleMembers: eligible,
      quorum: { minimumMembers: org.rules.quorumMembers, percentOfEligibleBasisPoints: Math.round(org.rules.quorumPercent * 100) },
      attendance: { inPerson: presentInPerson, online: votedOnline, proxy: votedByProxy },
      votes: totals,
    });
    outcome = { ...decided, online, hands: hands ? { for: hands.votes_for, against: hands.votes_against, abstain: hands.votes_abstain } : null };
    summary = resultSummary(motion.title, decided);
  }
  // Kept with the certified result, so the result page says the vote closed early and why.
  if (closedEarly) outcome = { ...outcome, closedBeforeMeeting: closedEarly };
  await db
    .insertInto("motion_results")
    .values({
      organisation_id: organisationId,
      motion_id: motionId,
      eligible,
      present_in_person: presentInPerson,
      voted_online: votedOnline,
      voted_by_proxy: votedByProxy,
      outcome: JSON.stringify(outcome),
      certified_at: now,
      certified_by: actorUserId,
    })
    .execute();
  await db.updateTable("motions").set({ status: "closed", closed_at: now, closed_by: actorUserId }).where("id", "=", motionId).execute();
  // The minutes record each result as it is declared.
  const stamp = `${now.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const early = closedEarly ? `${stamp}, voting on motion ${motion.position} closed before the meeting opened (${closedEarly.meetingOpens}). Reason recorded by the secretary: ${closedEarly.reason}\n` : "";
  const line = `${early}${stamp}, motion ${motion.position}. ${summary}`;
  await sql`UPDATE meetings SET minutes = CASE WHEN minutes = '' THEN ${line} ELSE minutes || E'\n' || ${line} END WHERE id = ${motion.meeting_id}::uuid`.execute(db);
  await recordAudit(db, {
    organisationId,
    actorUserId,
    action: "motion.result_certified",
    entityType: "motion",
    entityId: motionId,
    after: { eligible, presentInPerson, votedOnline, votedByProxy, outcome, closedBeforeMeeting: closedEarly },
    at: now,
  });
  return outcome;
}

export async function getResult(db: Executor, organisationId: string, motionId: string) {
  const row = await db
    .selectFrom("motion_results as r")
    .leftJoin("users as u", "u.id", "r.certified_by")
    .selectAll("r")
    .select("u.name as certified_by_name")
    .where("r.organisation_id", "=", organisationId)
    .where("r.motion_id", "=", motionId)
    .executeTakeFirst();
  return row ?? null;
}

export async function updateMinutes(db: Executor, actorUserId: string, organisationId: string, meetingId: string, minutes: string) {
  const before = await getMeeting(db, organisationId, meetingId);
  if (!before) throw refused("That meeting does not exist.");
  await db.updateTable("meetings").set({ minutes }).where("id", "=", meetingId).where("organisation_id", "=", organisationId).execute();
  await recordAudit(db, { organisationId, actorUserId, action: "meeting.minutes_changed", entityType: "meeting", entityId: meetingId, before: before.minutes, after: minutes });
}
