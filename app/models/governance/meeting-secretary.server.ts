/**
 * What the secretary does on a meeting's page: save the minutes, revoke the
 * proxy of a member who comes and votes in person, email the notice. Each
 * answers with what the secretary is told; a refusal is thrown. Run it in a
 * transaction.
 */
import type { MeetingAction } from "~/schemas/governance";
import type { Executor } from "~/utils/db.server";
import { updateMinutes } from "~/models/governance/meetings.server";
import { revokeProxy } from "~/models/governance/proxies.server";
import { emailMeetingNotice } from "~/models/governance/voting-mail.server";

const DONE: Record<MeetingAction["intent"], string> = {
  minutes: "Minutes saved.",
  "revoke-proxy": "Proxy revoked: the member votes in person.",
  "email-notice": "The notice has been emailed to the members.",
};

export async function manageMeeting(db: Executor, actorUserId: string, organisationId: string, meetingId: string, v: MeetingAction, appUrl: string, today: string): Promise<string> {
  if (v.intent === "minutes") await updateMinutes(db, actorUserId, organisationId, meetingId, v.minutes);
  else if (v.intent === "revoke-proxy") await revokeProxy(db, actorUserId, organisationId, v.appointmentId, null);
  else await emailMeetingNotice(db, actorUserId, organisationId, meetingId, appUrl, today);
  return DONE[v.intent];
}
