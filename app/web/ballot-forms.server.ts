import { redirect } from "@remix-run/node";
import type { z } from "zod";
import { castSessionBallots, castVote, type BallotInput, type SessionBallot } from "~/models/governance/ballots.server";
import { getMeeting } from "~/models/governance/meetings.server";
import { motionView } from "~/models/governance/meeting-views.server";
import { rolesWith, type Permission } from "~/domain/permissions";
import { RankingSchema, VoteSchema } from "~/schemas/governance";
import { getDb, type Database } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { createBatcher } from "~/utils/batcher.server";
import { faultPoint } from "~/utils/fault-markers.server";
import { parseForm } from "~/utils/forms.server";
import { readForm } from "~/utils/forms.server";
import { Refusal } from "~/domain/refusal";
import { orNotFound, replyRefusal } from "~/web/refusals.server";

/**
 * For a meeting's pages: the signed-in user (who must have `permission`), the
 * database and the meeting named by the route's `meetingId` (404 when it is
 * malformed or not this organisation's).
 */
export async function requireMeeting(request: Request, params: Readonly<Record<string, string | undefined>>, permission: Permission) {
  const ctx = await requirePermission(request, permission);
  const db = await getDb();
  const meeting = await getMeeting(db, ctx.organisation.id, idParam(params, "meetingId"));
  return { ctx, db, meeting: orNotFound(meeting) };
}

/** A ballot form: the section of the site its page is in, the schema of its post, and the ballot made of it. */
export interface BallotForm<Schema extends z.ZodTypeAny = z.ZodTypeAny> {
  section: "motions" | "elections";
  schema: Schema;
  toBallot: (value: z.output<Schema>) => Pick<BallotInput, "choice" | "ranking">;
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
 * Who casts a ballot form: the signed-in member as the page's action knows
 * them, or (the ballot box) a session token not yet looked up, which the
 * vote's own statement resolves (castSessionBallots).
 */
export type FormVoter = { organisation: { id: string }; memberId: string | null } | { sessionToken: string };

/*
 * Ballots with session tokens are cast in batches: those that arrive while
 * a batch is in the database go together in the next one (one round trip
 * and one commit for all). Two batches at a time keep the database busy
 * while the server prepares the next; 64 bounds a batch's statement. The
 * bench's vote limit sends the same statement with these same settings.
 */
export const SESSION_BALLOT_BATCHES = { concurrency: 2, maxBatch: 64 } as const;

/** The roles whose sessions the ballot box casts for (the rest go to the page's action). */
export const SESSION_BALLOT_ROLES = rolesWith("ballots:cast");

const sessionBallotQueues = new WeakMap<Database, (ballot: SessionBallot) => Promise<{ receipt: string } | null>>();

function castSessionBallot(db: Database, ballot: SessionBallot) {
  let queue = sessionBallotQueues.get(db);
  if (!queue) {
    queue = createBatcher(async (ballots: SessionBallot[]) => {
      const cast = await castSessionBallots(db, ballots, SESSION_BALLOT_ROLES);
      // Committed (one statement), not yet answered.
      await faultPoint("ballots.cast", { ballots: ballots.length, cast: cast.filter(Boolean).length });
      return cast;
    }, SESSION_BALLOT_BATCHES);
    sessionBallotQueues.set(db, queue);
  }
  return queue(ballot);
}

/**
 * Parse a ballot form's post and cast it: where the voter goes next (the
 * page with the receipt, so a reload cannot cast again), or the submission
 * that did not parse, or the refusal. The pages' actions and the ballot box
 * (ballot-box.server.ts) both cast through here. For a session token a
 * ballot that is not cast has no refusal: the page's action says why.
 */
export async function castFormBallot(db: Database, voter: FormVoter, motionId: string, form: BallotForm, payload: FormData | URLSearchParams) {
  const submission = parseForm(payload, { schema: form.schema });
  if (submission.status !== "success") return { submission, receiptPage: null, refusal: null };
  const ballot = { motionId, ...form.toBallot(submission.value) };
  const receiptPage = (cast: { receipt: string } | null) => (cast ? `/${form.section}/${motionId}?receipt=${cast.receipt}` : null);
  if ("sessionToken" in voter) {
    const cast = await castSessionBallot(db, { sessionToken: voter.sessionToken, ...ballot });
    return { submission, receiptPage: receiptPage(cast), refusal: null };
  }
  try {
    return { submission, receiptPage: receiptPage(await castVote(db, { organisationId: voter.organisation.id, memberId: voter.memberId, ...ballot })), refusal: null };
  } catch (error) {
    if (error instanceof Refusal) return { submission, receiptPage: null, refusal: error };
    throw error;
  }
}

/**
 * The action behind a ballot form. A motion that does not exist (or is not
 * this organisation's) is a 404 (the refusal's code says so); any other refusal goes back to the form as
 * its error. The ballot box answers the accepted ballots before this runs.
 */
export async function castVoteFromForm(
  request: Request,
  ctx: { organisation: { id: string }; memberId: string | null },
  motionId: string,
  form: BallotForm,
) {
  const db = await getDb();
  const cast = await castFormBallot(db, ctx, motionId, form, await readForm(request));
  if (cast.receiptPage) return redirect(cast.receiptPage);
  if (cast.refusal) return replyRefusal(cast.submission, cast.refusal, "form");
  orNotFound(await motionView(db, ctx.organisation.id, motionId, null));
  return cast.submission.reply();
}
