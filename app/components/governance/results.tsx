import { TableWrap } from "~/components/ui";
import type { MotionOutcome } from "~/domain/voting/resolutions";
import { MomentText } from "~/components/dates";

/** A certified resolution's outcome as stored: the decision, and the online and show-of-hands counts when both were taken. */
export interface ResolutionOutcomeView extends MotionOutcome {
  online?: { for: number; against: number; abstain: number };
  hands?: { for: number; against: number; abstain: number } | null;
}

export interface CertifiedView {
  eligible: number;
  present_in_person: number;
  voted_online: number;
  voted_by_proxy: number;
  certified_at: string | Date;
  certified_by_name: string | null;
}

function pct(part: number, whole: number) {
  return whole ? ((part * 100) / whole).toFixed(2) : "0.00";
}

/** The certified result of a resolution: outcome first, then the counts and the reasons. */
export function ResolutionResult({ outcome, certified }: { outcome: ResolutionOutcomeView; certified: CertifiedView }) {
  return (
    <section className="card stack" aria-labelledby="result-heading">
      <h2 id="result-heading">Certified result</h2>
      <p className={`alert ${outcome.passed ? "success" : "error"}`} role="status">
        <strong>{outcome.passed ? "Carried" : "Not carried"}</strong>
        {" — "}
        {outcome.quorumMet ? "quorum met" : "quorum not met"}, {outcome.thresholdMet ? "threshold met" : "threshold not met"}.
      </p>
      <TableWrap label="Votes">
        <table>
          <thead>
            <tr><th scope="col">Vote</th><th scope="col" className="num">Online and proxy</th><th scope="col" className="num">Show of hands</th><th scope="col" className="num">Total</th><th scope="col" className="num">% of votes cast</th></tr>
          </thead>
          <tbody>
            {(["for", "against", "abstain"] as const).map((k) => (
              <tr key={k}>
                <th scope="row">{k === "for" ? "For" : k === "against" ? "Against" : "Abstain (not a vote cast)"}</th>
                <td className="num">{outcome.online?.[k] ?? outcome[k]}</td>
                <td className="num">{outcome.hands?.[k] ?? 0}</td>
                <td className="num">{outcome[k]}</td>
                <td className="num">{k === "abstain" ? "—" : `${pct(outcome[k], outcome.votesCast)}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <dl className="facts">
        <dt>Eligible to vote</dt><dd>{certified.eligible}</dd>
        <dt>Took part</dt><dd>{outcome.present} ({certified.voted_online} online, {certified.voted_by_proxy} by proxy, {certified.present_in_person} present in person)</dd>
        <dt>Quorum needed</dt><dd>{outcome.quorumRequired}</dd>
        <dt>Closed and certified</dt><dd><MomentText at={certified.certified_at} /> by {certified.certified_by_name ?? "the secretary"}</dd>
      </dl>
      <ul>
        {outcome.reasons.map((r) => <li key={r}>{r}</li>)}
      </ul>
    </section>
  );
}

export function Turnout({ turnout }: { turnout: { voted: number; eligible: number; online: number; proxy: number; percent: string } }) {
  return (
    <div className="grid" aria-live="polite">
      <div className="stat"><div className="label">Voted so far</div><div className="value">{turnout.voted}</div><div className="muted">{turnout.percent}% of {turnout.eligible} eligible</div></div>
      <div className="stat"><div className="label">Online</div><div className="value">{turnout.online}</div></div>
      <div className="stat"><div className="label">By proxy</div><div className="value">{turnout.proxy}</div></div>
    </div>
  );
}
