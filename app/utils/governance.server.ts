import { redirect } from "@remix-run/node";
import type { z } from "zod";
import { castVote, type VoteInput } from "~/models/ballots.server";
import { GovernanceError } from "~/models/meetings.errors.server";
import { getMeeting } from "~/models/meetings.server";
import { motionView } from "~/models/meetings.view.server";
import type { Permission } from "~/domain/permissions";
import { RankingSchema, VoteSchema } from "~/schemas/governance";
import { getDb } from "~/utils/db.server";
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

/** A ballot form: the page it is on, the schema of its post, and the ballot made of it. */
export interface BallotForm<Schema extends z.ZodTypeAny = z.ZodTypeAny> {
  page: (motionId: string) => string;
  schema: Schema;
  toBallot: (value: z.output<Schema>) => Pick<VoteInput, "choice" | "ranking">;
}

function ballotForm<Schema extends z.ZodTypeAny>(form: BallotForm<Schema>): BallotForm {
  return form as unknown as BallotForm;
}

/** The two ballot forms: a motion's vote and an election's ranking. Used by their routes and by the ballot box. */
export const BALLOT_FORMS = {
  motion: ballotForm({ page: (id) => `/motions/${id}`, schema: VoteSchema, toBallot: (v) => ({ choice: v.choice }) }),
  election: ballotForm({ page: (id) => `/elections/${id}`, schema: RankingSchema, toBallot: (v) => ({ ranking: v.ranking }) }),
};

/**
 * The action behind a ballot form: parse the form with its schema, cast the
 * ballot and redirect to the page with the receipt (so a reload cannot cast
 * again). A motion that does not exist (or is not this organisation's) is a
 * 404; any other refusal goes back to the form as its error. The ballot box
 * (ballot-box.server.ts) answers the accepted ballots before this runs.
 */
export async function castVoteFromForm(
  request: Request,
  ctx: { organisation: { id: string }; memberId: string | null },
  motionId: string,
  form: BallotForm,
) {
  const db = await getDb();
  const submission = parseForm(await request.formData(), { schema: form.schema });
  if (submission.status !== "success") {
    if (!(await motionView(db, ctx.organisation.id, motionId, null))) throw new Response("Not found", { status: 404 });
    return submission.reply();
  }
  try {
    // castVote is one SQL statement: atomic on its own, so no BEGIN/COMMIT round trips on the hot path.
    const { receipt } = await castVote(db, { organisationId: ctx.organisation.id, motionId, memberId: ctx.memberId, ...form.toBallot(submission.value) });
    return redirect(`${form.page(motionId)}?receipt=${receipt}`);
  } catch (error) {
    if (error instanceof GovernanceError) {
      if (error.message === "That motion does not exist.") throw new Response("Not found", { status: 404 });
      return submission.reply({ formErrors: [error.message] });
    }
    throw error;
  }
}
