import { isElection } from "~/domain/voting/kinds";
import { ClosedEarlyNote } from "~/components/governance/closed-early";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { candidateLabel, labelByName, MOTION_KIND_LABEL } from "~/domain/voting/labels";
import { RankedBallot } from "~/components/governance/ranked-ballot";
import { useLiveTurnout } from "~/components/governance/live";
import { MotionHead, OpenTurnout, VoteReceipt } from "~/components/governance/motion-page";
import { FormErrors } from "~/components/forms";
import { TableWrap } from "~/components/ui";
import { motionView } from "~/models/governance/meeting-views.server";
import { discussionFor } from "~/models/governance/discussion.server";
import { Discussion } from "~/components/governance/discussion";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { BALLOT_FORMS, castVoteFromForm } from "~/web/ballot-forms.server";
import { notFoundResponse } from "~/web/refusals.server";
import { MomentText } from "~/components/dates";

export const access: RouteAccess = { loader: "meetings:read", action: "ballots:cast" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.motion.title ?? "Election"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const db = await getDb();
  const id = idParam(params, "electionId");
  const canManage = ctx.permissions.has("meetings:manage");
  const [view, discussion] = await Promise.all([
    motionView(db, ctx.organisation.id, id, ctx.memberId),
    discussionFor(db, ctx.organisation, id, { memberId: ctx.memberId, canManage })
  ]);
  if (!view || !isElection(view.motion.kind)) throw notFoundResponse();
  const outcome = view.result?.outcome as { elected?: string[]; ballots?: number; tally?: { counts: { option: string; votes: number }[]; decided: boolean; tied: string[] }; stv?: { quota: number } } | undefined;
  return {
    motion: view.motion,
    options: view.options,
    turnout: view.turnout,
    me: view.me,
    result: view.result ? { certified_at: view.result.certified_at, certified_by_name: view.result.certified_by_name, eligible: view.result.eligible, voted_online: view.result.voted_online, voted_by_proxy: view.result.voted_by_proxy, closedBeforeMeeting: view.result.closedBeforeMeeting } : null,
    elected: outcome?.elected ?? [],
    ballots: outcome?.ballots ?? 0,
    tally: outcome?.tally ?? null,
    quota: outcome?.stv?.quota ?? null,
    canVote: ctx.permissions.has("ballots:cast"),
    canManage,
    discussion,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "ballots:cast");
  const motionId = idParam(params, "electionId");
  return castVoteFromForm(request, ctx, motionId, BALLOT_FORMS.election);
}

export default function ElectionPage() {
  const { motion, options, turnout, me, result, elected, ballots, tally, quota, canVote, canManage, discussion } = useLoaderData<typeof loader>();
  useLiveTurnout(motion.status === "open");
  const lastResult = useActionData<typeof action>();
  const [search] = useSearchParams();
  const receipt = search.get("receipt");
  const formErrors = (lastResult?.error?.[""] ?? []) as string[];
  const rankingErrors = Object.entries(lastResult?.error ?? {}).filter(([k]) => k.startsWith("ranking")).flatMap(([, v]) => v ?? []) as string[];
  const mode = motion.kind === "stv" ? "rank" : motion.kind === "plurality" ? "single" : "approve";
  const named = labelByName(options);
  return (
    <>
      <MotionHead motion={motion} canManage={canManage}>
        {MOTION_KIND_LABEL[motion.kind]} for {motion.seats} {motion.seats === 1 ? "place" : "places"}
        {motion.kind === "stv" ? ` — counted by ${motion.count_method === "meek" ? "Meek's method" : "the Scottish STV rules"}` : ""}.
      </MotionHead>
      {receipt ? (
        <VoteReceipt receipt={receipt} heading="Your ballot has been recorded" />
      ) : null}
      {motion.status === "open" && turnout ? (
        <OpenTurnout turnout={turnout} sealed="Ballots stay sealed until voting closes." />
      ) : null}
      {motion.status === "open" && canVote ? (
        <section className="card stack" aria-labelledby="ballot-heading">
          <h2 id="ballot-heading">Your ballot</h2>
          {me.voted ? (
            <p className="alert info">You have voted in this election. Each member votes once.</p>
          ) : !me.eligible ? (
            <p className="alert info">You are not on the list of members eligible to vote in this election.</p>
          ) : (
            <Form method="post" className="stack" reloadDocument>
              {/* A full-page post, so the ballot box answers it (server/ballot-box.ts); the receipt page is a fresh load. */}
              <FormErrors errors={formErrors} />
              <p>
                {mode === "rank"
                  ? "Rank as many candidates as you like: 1 for your first choice, then 2, and so on. Use Rank next to add, Up and Down (or drag) to reorder."
                  : mode === "single"
                    ? "Choose one option."
                    : "Choose every option you approve of."}
              </p>
              <RankedBallot candidates={options.map((o) => ({ position: o.position, label: candidateLabel(o), statement: o.statement || o.nominated_by }))} mode={mode} error={rankingErrors} />
              <button type="submit">Cast my ballot</button>
            </Form>
          )}
        </section>
      ) : null}
      {motion.status === "draft" ? (
        <section className="card">
          <h2>Candidates</h2>
          <ul>{options.map((o) => <li key={o.position}>{candidateLabel(o)}{o.nominated_by ? <span className="muted"> — {o.nominated_by}</span> : null}</li>)}</ul>
          <p className="alert info">Voting has not opened yet.</p>
        </section>
      ) : null}
      {motion.status === "closed" && result ? (
        <section className="card stack" aria-labelledby="result-heading">
          <h2 id="result-heading">Certified result</h2>
          <ClosedEarlyNote closedEarly={result.closedBeforeMeeting} />
          <p role="status"><strong>Elected:</strong> {elected.length ? elected.map(named).join(", ") : "nobody (no ballots)"}</p>
          {tally && !tally.decided ? <p className="alert error">Tied for the last place: {tally.tied.join(", ")}. The rules decide how this is settled.</p> : null}
          <dl className="facts">
            <dt>Ballots counted</dt><dd>{ballots}</dd>
            {quota !== null ? <><dt>Quota</dt><dd>{quota}</dd></> : null}
            <dt>Eligible to vote</dt><dd>{result.eligible}</dd>
            <dt>Closed and certified</dt><dd><MomentText at={result.certified_at} /> by {result.certified_by_name ?? "the secretary"}</dd>
          </dl>
          {tally ? (
            <TableWrap label="Votes for each option">
              <table>
                <thead><tr><th scope="col">Option</th><th scope="col" className="num">Votes</th></tr></thead>
                <tbody>{tally.counts.map((c) => <tr key={c.option}><td>{named(c.option)}</td><td className="num">{c.votes}</td></tr>)}</tbody>
              </table>
            </TableWrap>
          ) : null}
          <p className="toolbar">
            {motion.kind === "stv" && ballots > 0 ? <Link className="button secondary" to={`/elections/${motion.id}/count-sheet`}>Round-by-round count sheet</Link> : null}
            <a className="button secondary" href={`/motions/${motion.id}/result.pdf`} download>Certified result (PDF)</a>
            <a className="button secondary" href={`/motions/${motion.id}/result.csv`} download>Certified result (CSV)</a>
            <a className="button secondary" href={`/elections/${motion.id}/ballots.blt`} download>Ballots (BLT)</a>
          </p>
        </section>
      ) : null}
      {discussion ? <Discussion {...discussion} /> : null}
    </>
  );
}
