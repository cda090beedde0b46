import type { Kysely } from "kysely";
import { runStatements } from "./util";

/* Discussion on motions and elections, and reminders before a vote closes
 * (issue #16 point 4).
 *
 * motion_comments is append-only apart from the three hide columns: the
 * secretary can hide a comment (with a reason, in the audit trail) but the
 * words stay on the row. Replies are one level deep: parent_id points at a
 * top-level comment of the same motion.
 *
 * motions.closes_at is when voting is due to close, set by the secretary;
 * reminders and "closes in ..." read it. Closing itself stays a deliberate act.
 *
 * vote_reminders holds one row per (motion, member) reminded: its primary
 * key is what makes two runs at once send one reminder each. Members opt out
 * through their user account (users.vote_reminders); the window before
 * closing is the organisation's (vote_reminder_hours, 48 by default). */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
ALTER TABLE motions ADD COLUMN closes_at timestamptz
;
ALTER TABLE organisations ADD COLUMN vote_reminder_hours integer NOT NULL DEFAULT 48 CHECK (vote_reminder_hours BETWEEN 1 AND 720)
;
ALTER TABLE users ADD COLUMN vote_reminders boolean NOT NULL DEFAULT true
;
CREATE TABLE motion_comments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  motion_id uuid NOT NULL REFERENCES motions(id) ON DELETE CASCADE,
  parent_id uuid REFERENCES motion_comments(id),
  author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  author_name text NOT NULL CHECK (length(author_name) <= 200),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL DEFAULT now(),
  hidden_at timestamptz,
  hidden_by uuid REFERENCES users(id) ON DELETE SET NULL,
  hidden_reason text CHECK (length(hidden_reason) <= 500),
  CHECK ((hidden_at IS NULL) = (hidden_reason IS NULL))
)
;
CREATE INDEX motion_comments_by_motion ON motion_comments (organisation_id, motion_id, created_at)
;
CREATE TABLE vote_reminders (
  organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  motion_id uuid NOT NULL REFERENCES motions(id) ON DELETE CASCADE,
  member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (motion_id, member_id)
)
`);
}
