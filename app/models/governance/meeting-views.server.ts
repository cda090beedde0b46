import type { Executor } from "~/utils/db.server";
import { hasVoted, turnout } from "~/models/governance/ballots.server";
import { getMotion, getResult, listOptions } from "~/models/governance/meetings.server";
import { proxiesForMember, proxyVotesCast } from "~/models/governance/proxies.server";

/**
 * Everything the page of one motion or election shows, gathered in one
 * place for the motion and election pages. Choices never leave the server
 * before close: only turnout while open, the certified outcome after.
 */
export async function motionView(db: Executor, organisationId: string, motionId: string, memberId: string | null) {
  const motion = await getMotion(db, organisationId, motionId);
  if (!motion) return null;
  const [options, live, result, me] = await Promise.all([
    listOptions(db, organisationId, motionId),
    motion.status === "draft" ? null : turnout(db, organisationId, motionId),
    motion.status === "closed" ? getResult(db, organisationId, motionId) : null,
    hasVoted(db, organisationId, motionId, memberId),
  ]);
  let held: { id: string; appointer_name: string; instruction: string | null; done: boolean }[] = [];
  if (memberId && motion.status === "open") {
    const { held: appts } = await proxiesForMember(db, organisationId, motion.meeting_id, memberId);
    const done = await proxyVotesCast(db, organisationId, motionId, appts.map((a) => a.id));
    held = appts.map((a) => ({ id: a.id, appointer_name: a.appointer_name, instruction: a.instructions[motionId] ?? null, done: done.has(a.id) }));
  }
  return {
    motion: {
      id: motion.id,
      meeting_id: motion.meeting_id,
      meeting_title: motion.meeting_title,
      meeting_kind: motion.meeting_kind,
      position: motion.position,
      kind: motion.kind,
      title: motion.title,
      body: motion.body,
      status: motion.status,
      seats: motion.seats,
      count_method: motion.count_method,
      threshold: motion.threshold_numerator ? `${motion.threshold_comparison === "more-than" ? "more than" : "at least"} ${motion.threshold_numerator}/${motion.threshold_denominator}` : null,
      special_percent: motion.special_basis_points ? motion.special_basis_points / 100 : null,
      opened_at: motion.opened_at,
      closed_at: motion.closed_at,
      record_date: motion.record_date,
    },
    options,
    turnout: live,
    result: result
      ? {
          eligible: result.eligible,
          present_in_person: result.present_in_person,
          voted_online: result.voted_online,
          voted_by_proxy: result.voted_by_proxy,
          certified_at: result.certified_at,
          certified_by_name: result.certified_by_name,
          outcome: result.outcome,
        }
      : null,
    me,
    held,
  };
}
