import { isElection } from "~/domain/voting/kinds";
import { ClosedEarlyNote } from "~/components/governance/closed-early";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { MOTION_KIND_LABEL } from "~/domain/voting/labels";
import { useLiveTurnout } from "~/components/governance/live";
import { MotionHead, OpenTurnout, VoteReceipt } from "~/components/governance/motion-page";
import { ResolutionResult, type ResolutionOutcomeView } from "~/components/governance/results";
import { allErrors, FormErrors } from "~/components/forms";
import { motionView } from "~/models/governance/meeting-views.server";
import { discussionFor } from "~/models/governance/discussion.server";
import { Discussion } from "~/components/governance/discussion";
import { CHOICES } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { BALLOT_FORMS, castVoteFromForm } from "~/web/ballot-forms.server";
import { notFoundResponse } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:read", action: "ballots:cast" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.motion.title ?? "Motion"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const db = await getDb();
  const id = idParam(params, "motionId");
  const canManage = ctx.permissions.has("meetings:manage");
  const [view, discussion] = await Promise.all([
    motionView(db, ctx.organisation.id, id, ctx.memberId),
    discussionFor(db, ctx.organisation, id, { memberId: ctx.memberId, canManage })
  ]);
  if (!view || isElection(view.motion.kind)) throw notFoundResponse();
  return { ...view, canVote: ctx.permissions.has("ballots:cast"), canManage, discussion };
}

/**
 * Casting a vote. Accepted votes are answered before Remix by the ballot box
 * (server/ballot-box.ts), which checks and casts exactly as this
 * does; this action answers the rest on the page (not allowed, refused,
 * invalid) and serves any caller that does not go through the server.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "ballots:cast");
  const motionId = idParam(params, "motionId");
  return castVoteFromForm(request, ctx, motionId, BALLOT_FORMS.motion);
}

export default function MotionPage() {
  const { motion, turnout, result, me, held, canVote, canManage, discussion } = useLoaderData<typeof loader>();
  useLiveTurnout(motion.status === "open");
  const lastResult = useActionData<typeof action>();
  const [search] = useSearchParams();
  const receipt = search.get("receipt");
  const errors = allErrors(lastResult);
  const needs =
    motion.kind === "ordinary" ? "more than half of the votes cast" : motion.kind === "special" ? `at least ${motion.special_percent}% of the votes cast` : `${motion.threshold} of the votes cast`;
  return (
    <>
      <MotionHead motion={motion} canManage={canManage}>
        {MOTION_KIND_LABEL[motion.kind]} at {motion.meeting_title}: passes with {needs}. Abstentions are not votes cast.
      </MotionHead>
      {receipt ? (
        <VoteReceipt receipt={receipt} heading="Your vote has been recorded"> The code does not show how you voted, to you or anyone else.</VoteReceipt>
      ) : null}
      {motion.status === "open" && turnout ? (
        <OpenTurnout turnout={turnout} sealed="How people voted stays sealed until voting closes." />
      ) : null}
      {motion.status === "open" && canVote ? (
        <section className="card stack" aria-labelledby="vote-heading">
          <h2 id="vote-heading">Your vote</h2>
          {me.voted ? (
            <p className="alert info">You have voted on this motion{me.channel === "proxy" ? " (by proxy)" : ""}. Each member votes once.</p>
          ) : !me.eligible ? (
            <p className="alert info">You are not on the list of members eligible to vote on this motion (members admitted on {motion.record_date}).</p>
          ) : (
            <Form method="post" className="stack" reloadDocument>
              {/* A full-page post, so the ballot box answers it (server/ballot-box.ts); the receipt page is a fresh load. */}
              <FormErrors errors={errors} />
              <fieldset className="vote-choices">
                <legend>How do you vote on this resolution?</legend>
                {CHOICES.map(([value, label]) => (
                  <label key={value}><input type="radio" name="choice" value={value} required /> {label}</label>
                ))}
              </fieldset>
              <p className="muted">Your ballot is secret: it is stored without your name, and your vote cannot be changed once cast.</p>
              <button type="submit">Cast my vote</button>
            </Form>
          )}
          {me.voted && errors.length ? <FormErrors errors={errors} /> : null}
          {held.length ? (
            <p><Link to={`/motions/${motion.id}/proxy-votes`}>Vote as proxy for {held.length} {held.length === 1 ? "member" : "members"}</Link></p>
          ) : null}
        </section>
      ) : null}
      {motion.status === "draft" ? <p className="alert info">Voting has not opened yet.</p> : null}
      {motion.status === "closed" && result ? (
        <>
          <ClosedEarlyNote closedEarly={result.closedBeforeMeeting} />
          <ResolutionResult outcome={result.outcome as unknown as ResolutionOutcomeView} certified={result} />
          <p className="toolbar">
            <a className="button secondary" href={`/motions/${motion.id}/result.csv`} download>Download the result (CSV)</a>
            <a className="button secondary" href={`/motions/${motion.id}/result.pdf`} download>Download the certified result (PDF)</a>
          </p>
        </>
      ) : null}
      {discussion ? <Discussion {...discussion} /> : null}
    </>
  );
}
