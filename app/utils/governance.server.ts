import { redirect } from "@remix-run/node";
import type { z } from "zod";
import { castVote, type VoteInput } from "~/models/ballots.server";
import { GovernanceError } from "~/models/meetings.errors.server";
import { getMeeting } from "~/models/meetings.server";
import { motionView } from "~/models/meetings.view.server";
import type { Permission } from "~/domain/permissions";
import { RankingSchema, VoteSchema } from "~/schemas/governance";
import { getDb, type Database } from "~/utils/db.server";
import { idParam } from "~/utils/params.server";
import { requirePermission } from "~/utils/session.server";
import { parseForm } from "./forms.server";

/**
 * For a meeting's pages: the signed-in user (who must have `permission`), the
 * database and the meeting named by the route's `meetingId` (404 when it is
 * malformed or not this organisation's).
 */
export async function requireMeeting(request: Request, params: Readonly<Record<string, string | undefined>>, permission: Permission) {
  const ctx = await requirePermission(request, permission);
  const db = await getDb();
  const meeting = await getMeeting(db, ctx.organisation.id, idParam(params, "meetingId"));
  if (!meeting) throw new Response("Not found", { status: 404 });
  return { ctx, db, meeting };
}

/** A ballot form: the section of the site its page is in, the schema of its post, and the ballot made of it. */
export interface BallotForm<Schema extends z.ZodTypeAny = z.ZodTypeAny> {
  section: "motions" | "elections";
  schema: Schema;
  toBallot: (value: z.output<Schema>) => Pick<VoteInput, "choice" | "ranking">;
}

function ballotForm<Schema extends z.ZodTypeAny>(form: BallotForm<Schema>): BallotForm {
  return form as unknown as BallotForm;
}

/** The two ballot forms: a motion's vote and an election's ranking. Used by their pages' actions and by the ballot box. */
export const BALLOT_FORMS = {
  motion: ballotForm({ section: "motions", schema: VoteSchema, toBallot: (v) => ({ choice: v.choice }) }),
  election: ballotForm({ section: "elections", schema: RankingSchema, toBallot: (v) => ({ ranking: v.ranking }) }),
};

/**
 * Parse a ballot form's post and cast it: where the voter goes next (the
 * page with the receipt, so a reload cannot cast again), or the submission
 * that did not parse, or the refusal. The pages' actions and the ballot box
 * (ballot-box.server.ts) both cast through here.
 */
export async function castFormBallot(
  db: Database,
  ctx: { organisation: { id: string }; memberId: string | null },
  motionId: string,
  form: BallotForm,
  payload: FormData | URLSearchParams,
) {
  const submission = parseForm(payload, { schema: form.schema });
  if (submission.status !== "success") return { submission, receiptPage: null, refusal: null };
  try {
    // castVote is one SQL statement: atomic on its own, so no BEGIN/COMMIT round trips on the hot path.
    const { receipt } = await castVote(db, { organisationId: ctx.organisation.id, motionId, memberId: ctx.memberId, ...form.toBallot(submission.value) });
    return { submission, receiptPage: `/${form.section}/${motionId}?receipt=${receipt}`, refusal: null };
  } catch (error) {
    if (error instanceof GovernanceError) return { submission, receiptPage: null, refusal: error };
    throw error;
  }
}

/**
 * The action behind a ballot form. A motion that does not exist (or is not
 * this organisation's) is a 404; any other refusal goes back to the form as
 * its error. The ballot box answers the accepted ballots before this runs.
 */
export async function castVoteFromForm(
  request: Request,
  ctx: { organisation: { id: string }; memberId: string | null },
  motionId: string,
  form: BallotForm,
) {
  const db = await getDb();
  const cast = await castFormBallot(db, ctx, motionId, form, await request.formData());
  if (cast.receiptPage) return redirect(cast.receiptPage);
  if (cast.refusal) {
    if (cast.refusal.message === "That motion does not exist.") throw new Response("Not found", { status: 404 });
    return cast.submission.reply({ formErrors: [cast.refusal.message] });
  }
  if (!(await motionView(db, ctx.organisation.id, motionId, null))) throw new Response("Not found", { status: 404 });
  return cast.submission.reply();
}
