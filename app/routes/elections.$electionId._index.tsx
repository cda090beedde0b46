import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { MOTION_KIND_LABEL, STATUS_LABEL } from "~/components/governance/labels";
import { RankedBallot } from "~/components/governance/ranked-ballot";
import { useLiveTurnout } from "~/components/governance/live";
import { Turnout } from "~/components/governance/results";
import { FormErrors } from "~/components/forms";
import { PageHead, TableWrap } from "~/components/ui";
import { castVote } from "~/models/ballots.server";
import { GovernanceError } from "~/models/meetings.errors.server";
import { motionView } from "~/models/meetings.view.server";
import { idParam, RankingSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/utils/session.server";

export const access: RouteAccess = { loader: "meetings:read", action: "ballots:cast" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.motion.title ?? "Election"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:read");
  const view = await motionView(await getDb(), ctx.organisation.id, idParam(params.electionId), ctx.memberId);
  if (!view || !["stv", "plurality", "approval"].includes(view.motion.kind)) throw new Response("Not found", { status: 404 });
  const outcome = view.result?.outcome as { elected?: string[]; ballots?: number; tally?: { counts: { option: string; votes: number }[]; decided: boolean; tied: string[] }; stv?: { quota: number } } | undefined;
  return {
    motion: view.motion,
    options: view.options,
    turnout: view.turnout,
    me: view.me,
    result: view.result ? { certified_at: view.result.certified_at, certified_by_name: view.result.certified_by_name, eligible: view.result.eligible, voted_online: view.result.voted_online, voted_by_proxy: view.result.voted_by_proxy } : null,
    elected: outcome?.elected ?? [],
    ballots: outcome?.ballots ?? 0,
    tally: outcome?.tally ?? null,
    quota: outcome?.stv?.quota ?? null,
    canVote: ctx.permissions.has("ballots:cast"),
    canManage: ctx.permissions.has("meetings:manage"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "ballots:cast");
  const motionId = idParam(params.electionId);
  const db = await getDb();
  const submission = parseWithZod(await request.formData(), { schema: RankingSchema });
  if (submission.status !== "success") {
    if (!(await motionView(db, ctx.organisation.id, motionId, null))) throw new Response("Not found", { status: 404 });
    return submission.reply();
  }
  try {
    // castVote is one SQL statement: atomic on its own, so no BEGIN/COMMIT round trips on the hot path.
    const { receipt } = await castVote(db, { organisationId: ctx.organisation.id, motionId, memberId: ctx.memberId, ranking: submission.value.ranking });
    return redirect(`/elections/${motionId}?receipt=${receipt}`);
  } catch (error) {
    if (error instanceof GovernanceError) {
      if (error.message === "That motion does not exist.") throw new Response("Not found", { status: 404 });
      return submission.reply({ formErrors: [error.message] });
    }
    throw error;
  }
}

export default function ElectionPage() {
  const { motion, options, turnout, me, result, elected, ballots, tally, quota, canVote, canManage } = useLoaderData<typeof loader>();
  useLiveTurnout(motion.status === "open");
  const lastResult = useActionData<typeof action>();
  const [search] = useSearchParams();
  const receipt = search.get("receipt");
  const formErrors = (lastResult?.error?.[""] ?? []) as string[];
  const rankingErrors = Object.entries(lastResult?.error ?? {}).filter(([k]) => k.startsWith("ranking")).flatMap(([, v]) => v ?? []) as string[];
  const mode = motion.kind === "stv" ? "rank" : motion.kind === "plurality" ? "single" : "approve";
  return (
    <>
      <PageHead title={`${motion.position}. ${motion.title}`}>
        {canManage ? <Link className="button" to={`/motions/${motion.id}/manage`}>Manage voting</Link> : null}
        <Link className="button secondary" to={`/meetings/${motion.meeting_id}`}>Back to the meeting</Link>
      </PageHead>
      <section className="card stack">
        <p>
          <span className={`badge ${motion.status}`}>{STATUS_LABEL[motion.status]}</span> {MOTION_KIND_LABEL[motion.kind]} for {motion.seats} {motion.seats === 1 ? "place" : "places"}
          {motion.kind === "stv" ? ` — counted by ${motion.count_method === "meek" ? "Meek's method" : "the Scottish STV rules"}` : ""}.
        </p>
        {motion.body ? <p style={{ whiteSpace: "pre-wrap" }}>{motion.body}</p> : null}
      </section>
      {receipt ? (
        <section className="card stack" aria-labelledby="receipt-heading">
          <h2 id="receipt-heading">Your ballot has been recorded</h2>
          <p>Your receipt code is <strong className="receipt-code">{receipt}</strong></p>
          <p>Keep it to check later, on the <Link to={`/receipts?code=${receipt}`}>receipt check page</Link>, that your ballot was counted.</p>
        </section>
      ) : null}
      {motion.status === "open" && turnout ? (
        <section className="card"><h2>Turnout so far</h2><Turnout turnout={turnout} /><p className="muted">Ballots stay sealed until voting closes.</p></section>
      ) : null}
      {motion.status === "open" && canVote ? (
        <section className="card stack" aria-labelledby="ballot-heading">
          <h2 id="ballot-heading">Your ballot</h2>
          {me.voted ? (
            <p className="alert info">You have voted in this election. Each member votes once.</p>
          ) : !me.eligible ? (
            <p className="alert info">You are not on the list of members eligible to vote in this election.</p>
          ) : (
            <Form method="post" className="stack">
              <FormErrors errors={formErrors} />
              <p>
                {mode === "rank"
                  ? "Rank as many candidates as you like: 1 for your first choice, then 2, and so on. Use Rank next to add, Up and Down (or drag) to reorder."
                  : mode === "single"
                    ? "Choose one option."
                    : "Choose every option you approve of."}
              </p>
              <RankedBallot candidates={options.map((o) => ({ position: o.position, label: o.label, statement: o.statement || o.nominated_by }))} mode={mode} error={rankingErrors} />
              <button type="submit">Cast my ballot</button>
            </Form>
          )}
        </section>
      ) : null}
      {motion.status === "draft" ? (
        <section className="card">
          <h2>Candidates</h2>
          <ul>{options.map((o) => <li key={o.position}>{o.label}{o.nominated_by ? <span className="muted"> — {o.nominated_by}</span> : null}</li>)}</ul>
          <p className="alert info">Voting has not opened yet.</p>
        </section>
      ) : null}
      {motion.status === "closed" && result ? (
        <section className="card stack" aria-labelledby="result-heading">
          <h2 id="result-heading">Certified result</h2>
          <p role="status"><strong>Elected:</strong> {elected.length ? elected.join(", ") : "nobody (no ballots)"}</p>
          {tally && !tally.decided ? <p className="alert error">Tied for the last place: {tally.tied.join(", ")}. The rules decide how this is settled.</p> : null}
          <dl className="facts">
            <dt>Ballots counted</dt><dd>{ballots}</dd>
            {quota !== null ? <><dt>Quota</dt><dd>{quota}</dd></> : null}
            <dt>Eligible to vote</dt><dd>{result.eligible}</dd>
            <dt>Closed and certified</dt><dd>{new Date(result.certified_at).toISOString().slice(0, 16).replace("T", " ")} UTC by {result.certified_by_name ?? "the secretary"}</dd>
          </dl>
          {tally ? (
            <TableWrap label="Votes for each option">
              <table>
                <thead><tr><th scope="col">Option</th><th scope="col" className="num">Votes</th></tr></thead>
                <tbody>{tally.counts.map((c) => <tr key={c.option}><td>{c.option}</td><td className="num">{c.votes}</td></tr>)}</tbody>
              </table>
            </TableWrap>
          ) : null}
          <p className="toolbar">
            {motion.kind === "stv" && ballots > 0 ? <Link className="button secondary" to={`/elections/${motion.id}/count-sheet`}>Round-by-round count sheet</Link> : null}
            <a className="button secondary" href={`/motions/${motion.id}/result.pdf`}>Certified result (PDF)</a>
            <a className="button secondary" href={`/motions/${motion.id}/result.csv`}>Certified result (CSV)</a>
            <a className="button secondary" href={`/elections/${motion.id}/ballots.blt`}>Ballots (BLT)</a>
          </p>
        </section>
      ) : null}
    </>
  );
}
