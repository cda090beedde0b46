import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { MOTION_KIND_LABEL, STATUS_LABEL } from "~/components/governance/labels";
import { useLiveTurnout } from "~/components/governance/live";
import { ResolutionResult, Turnout, type ResolutionOutcomeView } from "~/components/governance/results";
import { FormErrors } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { castVote } from "~/models/ballots.server";
import { GovernanceError } from "~/models/meetings.errors.server";
import { motionView } from "~/models/meetings.view.server";
import { CHOICES, idParam, VoteSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/utils/session.server";

export const access: RouteAccess = { loader: "meetings:read", action: "ballots:cast" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.motion.title ?? "Motion"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const view = await motionView(await getDb(), ctx.organisation.id, idParam(params.motionId), ctx.memberId);
  if (!view || ["stv", "plurality", "approval"].includes(view.motion.kind)) throw new Response("Not found", { status: 404 });
  return { ...view, canVote: ctx.permissions.has("ballots:cast"), canManage: ctx.permissions.has("meetings:manage") };
}

/**
 * Casting a vote: the hot path. One session query (requirePermission), then
 * one transaction of three statements (lock the motion for share, claim the
 * member's participation, insert the ballot). The receipt goes back in the
 * redirect so a reload cannot cast again.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "ballots:cast");
  const motionId = idParam(params.motionId);
  const db = await getDb();
  const submission = parseWithZod(await request.formData(), { schema: VoteSchema });
  if (submission.status !== "success") {
    if (!(await motionView(db, ctx.organisation.id, motionId, null))) throw new Response("Not found", { status: 404 });
    return submission.reply();
  }
  try {
    // castVote is one SQL statement: atomic on its own, so no BEGIN/COMMIT round trips on the hot path.
    const { receipt } = await castVote(db, { organisationId: ctx.organisation.id, motionId, memberId: ctx.memberId, choice: submission.value.choice });
    return redirect(`/motions/${motionId}?receipt=${receipt}`);
  } catch (error) {
    if (error instanceof GovernanceError) {
      if (error.message === "That motion does not exist.") throw new Response("Not found", { status: 404 });
      return submission.reply({ formErrors: [error.message] });
    }
    throw error;
  }
}

export default function MotionPage() {
  const { motion, turnout, result, me, held, canVote, canManage } = useLoaderData<typeof loader>();
  useLiveTurnout(motion.status === "open");
  const lastResult = useActionData<typeof action>();
  const [search] = useSearchParams();
  const receipt = search.get("receipt");
  const errors = lastResult?.error ? Object.values(lastResult.error).flat().filter((e): e is string => typeof e === "string") : [];
  const needs =
    motion.kind === "ordinary" ? "more than half of the votes cast" : motion.kind === "special" ? `at least ${motion.special_percent}% of the votes cast` : `${motion.threshold} of the votes cast`;
  return (
    <>
      <PageHead title={`${motion.position}. ${motion.title}`}>
        {canManage ? <Link className="button" to={`/motions/${motion.id}/manage`}>Manage voting</Link> : null}
        <Link className="button secondary" to={`/meetings/${motion.meeting_id}`}>Back to the meeting</Link>
      </PageHead>
      <section className="card stack">
        <p>
          <span className={`badge ${motion.status}`}>{STATUS_LABEL[motion.status]}</span> {MOTION_KIND_LABEL[motion.kind]} at {motion.meeting_title}: passes with {needs}. Abstentions are not votes cast.
        </p>
        {motion.body ? <p style={{ whiteSpace: "pre-wrap" }}>{motion.body}</p> : null}
      </section>
      {receipt ? (
        <section className="card stack" aria-labelledby="receipt-heading">
          <h2 id="receipt-heading">Your vote has been recorded</h2>
          <p>Your receipt code is <strong className="receipt-code">{receipt}</strong></p>
          <p>Keep it to check later, on the <Link to={`/receipts?code=${receipt}`}>receipt check page</Link>, that your ballot was counted. The code does not show how you voted, to you or anyone else.</p>
        </section>
      ) : null}
      {motion.status === "open" && turnout ? (
        <section className="card"><h2>Turnout so far</h2><Turnout turnout={turnout} /><p className="muted">How people voted stays sealed until voting closes.</p></section>
      ) : null}
      {motion.status === "open" && canVote ? (
        <section className="card stack" aria-labelledby="vote-heading">
          <h2 id="vote-heading">Your vote</h2>
          {me.voted ? (
            <p className="alert info">You have voted on this motion{me.channel === "proxy" ? " (by proxy)" : ""}. Each member votes once.</p>
          ) : !me.eligible ? (
            <p className="alert info">You are not on the list of members eligible to vote on this motion (members admitted on {motion.record_date}).</p>
          ) : (
            <Form method="post" className="stack">
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
          <ResolutionResult outcome={result.outcome as unknown as ResolutionOutcomeView} certified={result} />
          <p className="toolbar">
            <a className="button secondary" href={`/motions/${motion.id}/result.csv`}>Download the result (CSV)</a>
            <a className="button secondary" href={`/motions/${motion.id}/result.pdf`}>Download the certified result (PDF)</a>
          </p>
        </>
      ) : null}
    </>
  );
}
