import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { instantFromLocal } from "~/domain/voting/closing";
import { motionHref } from "~/domain/voting/labels";
import { addComment, discussedMotion, hideComment, type DiscussionActor } from "~/models/governance/discussion.server";
import { setClosingTime } from "~/models/governance/vote-reminders.server";
import { DiscussionSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { idParam } from "~/web/params.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";
import { requirePermission } from "~/web/session.server";

/*
 * The discussion's forms on the motion and election pages post here
 * (app/components/governance/discussion.tsx), so those pages' own actions
 * stay the ballot's. Anyone who can see the vote reaches this; the model
 * decides who may comment (the electorate and the secretary) and hide.
 */
export const access: RouteAccess = { action: "meetings:read" };

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const db = await getDb();
  const org = ctx.organisation.id;
  const motion = await discussedMotion(db, org, idParam(params, "motionId"));
  if (!motion) throw notFoundResponse();
  const submission = parseForm(await readForm(request), { schema: DiscussionSchema });
  if (submission.status !== "success") return submission.reply();
  const actor: DiscussionActor = { userId: ctx.user.id, name: ctx.user.name, memberId: ctx.memberId, canManage: ctx.permissions.has("meetings:manage") };
  const v = submission.value;
  try {
    await db.transaction().execute(async (trx) => {
      if (v.intent === "comment") await addComment(trx, org, motion.id, actor, { body: v.body, parentId: v.parentId ?? null });
      else if (v.intent === "hide") await hideComment(trx, org, actor, v.commentId, v.reason);
      else {
        const at = v.closesAt ? instantFromLocal(v.closesAt, ctx.organisation.timeZone) : null;
        await setClosingTime(trx, org, actor, motion.id, at);
      }
    });
  } catch (error) {
    return replyRefusal(submission, error, "form");
  }
  return redirect(`${motionHref(motion)}#discussion`);
}
