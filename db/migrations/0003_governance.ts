import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Governance: meetings, motions (resolutions and elections share one table,
 * so the electorate, secret ballot, participation and proxy machinery is
 * written once), the frozen electorate, secret ballots, participation,
 * proxies, show-of-hands counts and certified results.
 *
 * Secrecy is a property of the schema: `ballots` has no member id and no
 * timestamp; `participations` says who voted but not how. The UNIQUE
 * primary key on participations is what refuses a second vote, also under
 * concurrent requests; the FK to motion_electorate refuses anyone who was
 * not eligible when voting opened.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE meetings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  kind text NOT NULL CHECK (kind IN ('agm','sgm','board')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  held_on date NOT NULL,
  starts_at text NOT NULL DEFAULT '' CHECK (length(starts_at) <= 20),
  place text NOT NULL DEFAULT '' CHECK (length(place) <= 300),
  format text NOT NULL CHECK (format IN ('electronic','in-person','hybrid')),
  notice_given_on date NOT NULL,
  record_date date NOT NULL,
  agenda text NOT NULL DEFAULT '',
  documents text NOT NULL DEFAULT '',
  minutes text NOT NULL DEFAULT '',
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (notice_given_on <= held_on),
  CHECK (record_date <= held_on),
  UNIQUE (organisation_id, id)
)
;
CREATE INDEX meetings_org_idx ON meetings (organisation_id, held_on DESC)
;
CREATE TABLE motions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  meeting_id uuid NOT NULL,
  position integer NOT NULL CHECK (position > 0),
  kind text NOT NULL CHECK (kind IN ('ordinary','special','custom','stv','plurality','approval')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body text NOT NULL DEFAULT '',
  threshold_numerator integer CHECK (threshold_numerator >= 0),
  threshold_denominator integer CHECK (threshold_denominator > 0),
  threshold_comparison text CHECK (threshold_comparison IN ('at-least','more-than')),
  special_basis_points integer CHECK (special_basis_points BETWEEN 1 AND 10000),
  seats integer NOT NULL DEFAULT 1 CHECK (seats >= 1),
  count_method text NOT NULL DEFAULT 'scottish' CHECK (count_method IN ('scottish','meek')),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','open','closed')),
  eligible_count integer,
  opened_at timestamptz,
  opened_by uuid REFERENCES users(id),
  closed_at timestamptz,
  closed_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (organisation_id, meeting_id) REFERENCES meetings(organisation_id, id),
  UNIQUE (organisation_id, id),
  UNIQUE (meeting_id, position),
  CHECK (kind <> 'custom' OR (threshold_numerator IS NOT NULL AND threshold_denominator IS NOT NULL AND threshold_comparison IS NOT NULL AND threshold_numerator <= threshold_denominator)),
  CHECK (status = 'draft' OR (opened_at IS NOT NULL AND eligible_count IS NOT NULL)),
  CHECK (status <> 'closed' OR closed_at IS NOT NULL)
)
;
CREATE INDEX motions_meeting_idx ON motions (organisation_id, meeting_id, position)
;
CREATE TABLE motion_options (
  organisation_id uuid NOT NULL,
  motion_id uuid NOT NULL,
  position smallint NOT NULL CHECK (position BETWEEN 1 AND 200),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  statement text NOT NULL DEFAULT '',
  nominated_by text NOT NULL DEFAULT '',
  PRIMARY KEY (motion_id, position),
  UNIQUE (motion_id, label),
  FOREIGN KEY (organisation_id, motion_id) REFERENCES motions(organisation_id, id)
)
;
CREATE TABLE motion_electorate (
  organisation_id uuid NOT NULL,
  motion_id uuid NOT NULL,
  member_id uuid NOT NULL,
  weight integer NOT NULL DEFAULT 1 CHECK (weight >= 1),
  PRIMARY KEY (motion_id, member_id),
  FOREIGN KEY (organisation_id, motion_id) REFERENCES motions(organisation_id, id),
  FOREIGN KEY (organisation_id, member_id) REFERENCES members(organisation_id, id)
)
;
CREATE TABLE participations (
  organisation_id uuid NOT NULL,
  motion_id uuid NOT NULL,
  member_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('online','proxy')),
  proxy_appointment_id uuid,
  voted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (motion_id, member_id),
  FOREIGN KEY (motion_id, member_id) REFERENCES motion_electorate(motion_id, member_id),
  CHECK ((channel = 'proxy') = (proxy_appointment_id IS NOT NULL))
)
;
CREATE TABLE ballots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  motion_id uuid NOT NULL,
  choice text CHECK (choice IN ('for','against','abstain')),
  ranking smallint[],
  weight integer NOT NULL DEFAULT 1 CHECK (weight >= 1),
  receipt_hash text NOT NULL UNIQUE,
  FOREIGN KEY (organisation_id, motion_id) REFERENCES motions(organisation_id, id),
  CHECK ((choice IS NULL) <> (ranking IS NULL))
)
;
CREATE INDEX ballots_motion_idx ON ballots (motion_id)
;
CREATE TRIGGER ballots_append_only BEFORE UPDATE OR DELETE ON ballots
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TRIGGER participations_append_only BEFORE UPDATE OR DELETE ON participations
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TABLE hand_counts (
  organisation_id uuid NOT NULL,
  motion_id uuid NOT NULL PRIMARY KEY,
  present integer NOT NULL CHECK (present >= 0),
  votes_for integer NOT NULL CHECK (votes_for >= 0),
  votes_against integer NOT NULL CHECK (votes_against >= 0),
  votes_abstain integer NOT NULL CHECK (votes_abstain >= 0),
  recorded_by uuid REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (organisation_id, motion_id) REFERENCES motions(organisation_id, id),
  CHECK (votes_for + votes_against + votes_abstain <= present)
)
;
CREATE TABLE proxy_appointments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  meeting_id uuid NOT NULL,
  appointer_member_id uuid NOT NULL,
  holder_member_id uuid,
  instructions jsonb NOT NULL DEFAULT '{}',
  appointed_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  FOREIGN KEY (organisation_id, meeting_id) REFERENCES meetings(organisation_id, id),
  FOREIGN KEY (organisation_id, appointer_member_id) REFERENCES members(organisation_id, id),
  FOREIGN KEY (organisation_id, holder_member_id) REFERENCES members(organisation_id, id),
  CHECK (holder_member_id IS NULL OR holder_member_id <> appointer_member_id),
  UNIQUE (organisation_id, id)
)
;
CREATE UNIQUE INDEX proxy_one_active_per_member ON proxy_appointments (meeting_id, appointer_member_id) WHERE revoked_at IS NULL
;
CREATE INDEX proxy_holder_idx ON proxy_appointments (meeting_id, holder_member_id) WHERE revoked_at IS NULL
;
CREATE TABLE proxy_votes (
  organisation_id uuid NOT NULL,
  motion_id uuid NOT NULL,
  appointment_id uuid NOT NULL,
  choice text CHECK (choice IN ('for','against','abstain')),
  ranking smallint[],
  receipt_hash text NOT NULL UNIQUE,
  recorded_by uuid REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (motion_id, appointment_id),
  FOREIGN KEY (organisation_id, motion_id) REFERENCES motions(organisation_id, id),
  FOREIGN KEY (organisation_id, appointment_id) REFERENCES proxy_appointments(organisation_id, id),
  CHECK ((choice IS NULL) <> (ranking IS NULL))
)
;
CREATE TABLE motion_results (
  organisation_id uuid NOT NULL,
  motion_id uuid NOT NULL PRIMARY KEY,
  eligible integer NOT NULL,
  present_in_person integer NOT NULL,
  voted_online integer NOT NULL,
  voted_by_proxy integer NOT NULL,
  outcome jsonb NOT NULL,
  certified_at timestamptz NOT NULL,
  certified_by uuid REFERENCES users(id),
  FOREIGN KEY (organisation_id, motion_id) REFERENCES motions(organisation_id, id)
)
;
CREATE TRIGGER motion_results_append_only BEFORE UPDATE OR DELETE ON motion_results
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
`);
}
