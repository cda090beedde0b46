import { sql } from "kysely";
import { DEFAULT_LOCALE } from "~/domain/locale";
import { conflict, forbidden, notFound, refused } from "~/domain/refusal";
import { localFromInstant } from "~/domain/voting/closing";
import { recordAudit } from "~/models/core/audit.server";
import type { Executor } from "~/utils/db.server";

/*
 * The discussion on a motion or an election (issue #16 point 4): members of
 * the vote's electorate and the staff who run meetings comment and reply
 * while the vote is announced or open; after it closes the discussion is
 * kept but takes no more comments. Comments are never edited or deleted:
 * the secretary can hide one, with a reason, which goes in the audit trail;
 * the page then shows the reason in place of the words.
 */

export const COMMENT_MAX_LENGTH = 4000;
export const HIDE_REASON_MAX_LENGTH = 500;

/** Who is commenting or hiding: from the request context. */
export interface DiscussionActor {
  userId: string;
  name: string;
  memberId: string | null;
  /** Holds meetings:manage: may comment on any vote and hide comments. */
  canManage: boolean;
}

export interface CommentView {
  id: string;
  authorName: string;
  createdAt: string;
  /** null when hidden: the words are not sent to the page. */
  body: string | null;
  hiddenReason: string | null;
  replies: Omit<CommentView, "replies">[];
}

async function motionFor(db: Executor, organisationId: string, motionId: string, lock = false) {
  let q = db
    .selectFrom("motions")
    .select(["id", "status"])
    .where("organisation_id", "=", organisationId)
    .where("id", "=", motionId);
  if (lock) q = q.forShare();
  const motion = await q.executeTakeFirst();
  if (!motion) throw notFound("That motion does not exist.");
  return motion;
}

/** Whether this person may write in the motion's discussion (not whether it is still open). */
export async function mayComment(db: Executor, organisationId: string, motionId: string, actor: Pick<DiscussionActor, "memberId" | "canManage">) {
  if (actor.canManage) return true;
  if (!actor.memberId) return false;
  const row = await db
    .selectFrom("motion_electorate")
    .select("member_id")
    .where("organisation_id", "=", organisationId)
    .where("motion_id", "=", motionId)
    .where("member_id", "=", actor.memberId)
    .executeTakeFirst();
  return Boolean(row);
}

/** The discussion, oldest first, replies under the comment they answer. */
export async function listComments(db: Executor, organisationId: string, motionId: string): Promise<CommentView[]> {
  const rows = await db
    .selectFrom("motion_comments")
    .select(["id", "parent_id", "author_name", "created_at", "body", "hidden_reason"])
    .where("organisation_id", "=", organisationId)
    .where("motion_id", "=", motionId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const view = (r: (typeof rows)[number]) => ({
    id: r.id,
    authorName: r.author_name,
    createdAt: new Date(r.created_at).toISOString(),
    body: r.hidden_reason === null ? r.body : null,
    hiddenReason: r.hidden_reason,
  });
  const top: CommentView[] = [];
  const byId = new Map<string, CommentView>();
  for (const r of rows) {
    if (r.parent_id === null) {
      const c = { ...view(r), replies: [] };
      top.push(c);
      byId.set(c.id, c);
    }
  }
  for (const r of rows) if (r.parent_id !== null) byId.get(r.parent_id)?.replies.push(view(r));
  return top;
}

/** Add a comment, or a reply to a top-level comment. Refused once voting has closed. */
export async function addComment(
  db: Executor,
  organisationId: string,
  motionId: string,
  actor: DiscussionActor,
  input: { body: string; parentId?: string | null },
) {
  const body = input.body.trim();
  if (!body) throw refused("Write something to post.", "body");
  if (body.length > COMMENT_MAX_LENGTH) throw refused(`A comment is at most ${COMMENT_MAX_LENGTH} characters.`, "body");
  // Read under a share lock so closing (which updates the row) waits for the comment, or the comment sees it closed.
  const motion = await motionFor(db, organisationId, motionId, true);
  if (!(await mayComment(db, organisationId, motionId, actor))) {
    throw forbidden("Only members eligible to vote on this, and the secretary, can take part in its discussion.");
  }
  if (motion.status === "closed") throw conflict("Voting has closed, so the discussion is closed too.");
  let parentId: string | null = null;
  if (input.parentId) {
    const parent = await db
      .selectFrom("motion_comments")
      .select(["id", "parent_id"])
      .where("organisation_id", "=", organisationId)
      .where("motion_id", "=", motionId)
      .where("id", "=", input.parentId)
      .executeTakeFirst();
    if (!parent) throw refused("The comment you are replying to is not in this discussion.", "parentId");
    // Replies are one level deep: a reply to a reply joins the same thread.
    parentId = parent.parent_id ?? parent.id;
  }
  return db
    .insertInto("motion_comments")
    .values({ organisation_id: organisationId, motion_id: motionId, parent_id: parentId, author_user_id: actor.userId, author_name: actor.name, body })
    .returning(["id", "parent_id"])
    .executeTakeFirstOrThrow();
}

/** Hide a comment (the secretary), with a reason shown in its place; recorded in the audit trail. */
export async function hideComment(db: Executor, organisationId: string, actor: DiscussionActor, commentId: string, reason: string) {
  if (!actor.canManage) throw forbidden("Only the secretary can hide a comment.");
  const why = reason.trim();
  if (!why) throw refused("Say why the comment is hidden: members see the reason in its place.", "reason");
  if (why.length > HIDE_REASON_MAX_LENGTH) throw refused(`The reason is at most ${HIDE_REASON_MAX_LENGTH} characters.`, "reason");
  const hidden = await db
    .updateTable("motion_comments")
    .set({ hidden_at: sql`now()`, hidden_by: actor.userId, hidden_reason: why })
    .where("organisation_id", "=", organisationId)
    .where("id", "=", commentId)
    .where("hidden_at", "is", null)
    .returning(["id", "motion_id", "author_name"])
    .executeTakeFirst();
  if (!hidden) {
    const exists = await db.selectFrom("motion_comments").select("id").where("organisation_id", "=", organisationId).where("id", "=", commentId).executeTakeFirst();
    if (!exists) throw notFound("That comment does not exist.");
    throw conflict("That comment is already hidden.");
  }
  await recordAudit(db, {
    organisationId,
    actorUserId: actor.userId,
    action: "motion_comment.hidden",
    entityType: "motion_comment",
    entityId: hidden.id,
    after: { motionId: hidden.motion_id, author: hidden.author_name, reason: why },
  });
  return hidden;
}

/** What the motion and election pages show of the discussion, for this person; null: no such motion here. */
export async function discussionFor(
  db: Executor,
  organisation: { id: string; timeZone: string; locale?: string },
  motionId: string,
  actor: Pick<DiscussionActor, "memberId" | "canManage">,
) {
  const [motion, comments, may] = await Promise.all([
    db.selectFrom("motions").select(["id", "status", "closes_at"]).where("organisation_id", "=", organisation.id).where("id", "=", motionId).executeTakeFirst(),
    listComments(db, organisation.id, motionId),
    mayComment(db, organisation.id, motionId, actor),
  ]);
  if (!motion) return null;
  const closed = motion.status === "closed";
  return {
    motionId,
    comments,
    closed,
    canComment: may && !closed,
    canManage: actor.canManage,
    closesAtLocal: motion.closes_at ? localFromInstant(new Date(motion.closes_at), organisation.timeZone) : "",
    timeZone: organisation.timeZone,
    locale: organisation.locale ?? DEFAULT_LOCALE,
  };
}

/** The motion a discussion form names, for the redirect back to its page; null: not this organisation's. */
export function discussedMotion(db: Executor, organisationId: string, motionId: string) {
  return db.selectFrom("motions").select(["id", "kind"]).where("organisation_id", "=", organisationId).where("id", "=", motionId).executeTakeFirst();
}
