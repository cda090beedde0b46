import { checkNotice } from "~/domain/voting/notice";
import type { Executor } from "~/utils/db.server";
import { dayOf } from "~/utils/clock.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { hasVoted, turnout } from "~/models/governance/ballots.server";
import { getMeeting, getMotion, getResult, listMotions, listOptions } from "~/models/governance/meetings.server";
import { listAppointments, proxiesForMember, proxyVotesCast } from "~/models/governance/proxies.server";
import { meetingNotice } from "~/models/governance/voting-mail.server";

type Meeting = NonNullable<Awaited<ReturnType<typeof getMeeting>>>;

/**
 * A meeting's page: its motions and elections, whether the notice given is
 * long enough, when the notice was emailed, and (for the secretary, who may
 * revoke them) its proxy appointments.
 */
export async function meetingPageData(db: Executor, organisation: { id: string; timeZone: string }, meeting: Meeting, canManage: boolean) {
  const [motions, org, proxies, emailed] = await Promise.all([
    listMotions(db, organisation.id, meeting.id),
    getOrganisation(db, organisation.id),
    canManage ? listAppointments(db, organisation.id, meeting.id) : [],
    meetingNotice(db, organisation.id, meeting.id),
  ]);
  return {
    meeting: { ...meeting, created_at: undefined },
    motions,
    notice: checkNotice(meeting.kind, meeting.notice_given_on, meeting.held_on, org.rules.noticeDays),
    emailed: emailed ? { on: dayOf(emailed.emailed_at, organisation), by: emailed.emailed_by_name, recipients: emailed.recipients } : null,
    proxies: proxies.map((p) => ({ id: p.id, appointer: p.appointer_name, holder: p.holder_name ?? "The chair", instructed: Object.keys(p.instructions).length, revoked: !!p.revoked_at })),
  };
}

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
          closedBeforeMeeting: ((result.outcome as { closedBeforeMeeting?: { reason: string; meetingOpens: string } } | null)?.closedBeforeMeeting ?? null),
        }
      : null,
    me,
    held,
  };
}
