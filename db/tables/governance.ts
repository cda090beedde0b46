import type { Generated } from "kysely";
import type { CreatedAt, DateOnly, Json, Timestamp } from "./columns";

export type MeetingKind = "agm" | "sgm" | "board";
export type MeetingFormat = "electronic" | "in-person" | "hybrid";
export type MotionKind = "ordinary" | "special" | "custom" | "stv" | "plurality" | "approval";
export type MotionStatus = "draft" | "open" | "closed";
export type BallotChoice = "for" | "against" | "abstain";

export interface MeetingsTable {
  id: Generated<string>;
  organisation_id: string;
  kind: MeetingKind;
  title: string;
  held_on: DateOnly;
  starts_at: Generated<string>;
  place: Generated<string>;
  format: MeetingFormat;
  notice_given_on: DateOnly;
  record_date: DateOnly;
  agenda: Generated<string>;
  documents: Generated<string>;
  minutes: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface MeetingNoticesTable {
  meeting_id: string;
  organisation_id: string;
  emailed_at: Timestamp;
  emailed_by: string;
  recipients: number;
}

export interface MotionsTable {
  id: Generated<string>;
  organisation_id: string;
  meeting_id: string;
  position: number;
  kind: MotionKind;
  title: string;
  body: Generated<string>;
  threshold_numerator: number | null;
  threshold_denominator: number | null;
  threshold_comparison: "at-least" | "more-than" | null;
  special_basis_points: number | null;
  seats: Generated<number>;
  count_method: Generated<"scottish" | "meek">;
  status: Generated<MotionStatus>;
  eligible_count: number | null;
  opened_at: Timestamp | null;
  opened_by: string | null;
  closed_at: Timestamp | null;
  closed_by: string | null;
  /** When voting is due to close (0031); reminders and "closes in ..." read it. */
  closes_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface MotionOptionsTable {
  organisation_id: string;
  motion_id: string;
  position: number;
  label: string;
  statement: Generated<string>;
  nominated_by: Generated<string>;
  affiliation: Generated<string>;
}

export interface MotionElectorateTable {
  organisation_id: string;
  motion_id: string;
  member_id: string;
  weight: Generated<number>;
}

export interface ParticipationsTable {
  organisation_id: string;
  motion_id: string;
  member_id: string;
  channel: "online" | "proxy";
  proxy_appointment_id: string | null;
  voted_at: CreatedAt;
}

export interface BallotsTable {
  id: Generated<string>;
  organisation_id: string;
  motion_id: string;
  choice: BallotChoice | null;
  ranking: number[] | null;
  weight: Generated<number>;
  receipt_hash: string;
}

export interface HandCountsTable {
  organisation_id: string;
  motion_id: string;
  present: number;
  votes_for: number;
  votes_against: number;
  votes_abstain: number;
  recorded_by: string | null;
  recorded_at: Timestamp;
}

export interface ProxyAppointmentsTable {
  id: Generated<string>;
  organisation_id: string;
  meeting_id: string;
  appointer_member_id: string;
  /** null: the chair of the meeting. */
  holder_member_id: string | null;
  /** motionId -> "for" | "against" | "abstain"; motions not named are at the proxy's discretion. */
  instructions: Json<Record<string, BallotChoice>>;
  appointed_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface ProxyVotesTable {
  organisation_id: string;
  motion_id: string;
  appointment_id: string;
  choice: BallotChoice | null;
  ranking: number[] | null;
  receipt_hash: string;
  recorded_by: string | null;
  recorded_at: CreatedAt;
}

export interface MotionResultsTable {
  organisation_id: string;
  motion_id: string;
  eligible: number;
  present_in_person: number;
  voted_online: number;
  voted_by_proxy: number;
  outcome: Json<Record<string, unknown>>;
  certified_at: Timestamp;
  certified_by: string | null;
}

/** Table types for the governance tables (see db/migrations/0003_governance.ts). */
export interface CalendarFeedsTable {
  user_id: string;
  token_hash: string;
  created_at: CreatedAt;
}

/** A comment in a motion's or election's discussion; append-only apart from the hide columns. */
export interface MotionCommentsTable {
  id: Generated<string>;
  organisation_id: string;
  motion_id: string;
  /** null: a top-level comment; otherwise the top-level comment it replies to. */
  parent_id: string | null;
  author_user_id: string | null;
  author_name: string;
  body: string;
  created_at: CreatedAt;
  hidden_at: Timestamp | null;
  hidden_by: string | null;
  hidden_reason: string | null;
}

/** One row per member reminded about a motion: the key makes the reminder once only. */
export interface VoteRemindersTable {
  organisation_id: string;
  motion_id: string;
  member_id: string;
  sent_at: CreatedAt;
}

export interface GovernanceTables {
  motion_comments: MotionCommentsTable;
  vote_reminders: VoteRemindersTable;
  calendar_feeds: CalendarFeedsTable;
  meetings: MeetingsTable;
  meeting_notices: MeetingNoticesTable;
  motions: MotionsTable;
  motion_options: MotionOptionsTable;
  motion_electorate: MotionElectorateTable;
  participations: ParticipationsTable;
  ballots: BallotsTable;
  hand_counts: HandCountsTable;
  proxy_appointments: ProxyAppointmentsTable;
  proxy_votes: ProxyVotesTable;
  motion_results: MotionResultsTable;
}
