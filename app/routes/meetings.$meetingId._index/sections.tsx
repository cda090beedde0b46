import { Form, Link } from "@remix-run/react";
import { TableWrap } from "~/components/ui";
import { nonEmptyLines } from "~/domain/text";
import { MOTION_KIND_LABEL, motionHref, STATUS_LABEL } from "~/domain/voting/labels";
import type { MotionKind, MotionStatus } from "../../../db/tables/governance";

/** The meeting's documents, one a line: a line with an address links to it. */
export function MeetingDocuments({ documents: lines }: { documents: string }) {
  const documents = nonEmptyLines(lines);
  if (!documents.length) return null;
  return (
    <section className="card">
      <h2>Documents</h2>
      <ul>
        {documents.map((d) => {
          const url = d.match(/https?:\/\/\S+/)?.[0];
          const text = url ? d.replace(url, "").trim() || url : d;
          return <li key={d}>{url ? <a href={url} rel="noreferrer noopener">{text}</a> : text}</li>;
        })}
      </ul>
    </section>
  );
}

/** What is put to the vote at the meeting, in order. */
export function MotionsTable({ motions }: { motions: { id: string; position: number; title: string; kind: MotionKind; seats: number | null; status: MotionStatus }[] }) {
  return (
    <section className="card">
      <h2>Motions and elections</h2>
      {motions.length === 0 ? (
        <p>Nothing on the agenda for voting yet.</p>
      ) : (
        <TableWrap label="Motions and elections">
          <table>
            <thead><tr><th scope="col" className="num">No.</th><th scope="col">Motion</th><th scope="col" className="hide-narrow">Kind</th><th scope="col">Voting</th></tr></thead>
            <tbody>
              {motions.map((m) => (
                <tr key={m.id}>
                  <td className="num">{m.position}</td>
                  <td><Link to={motionHref(m)}>{m.title}</Link></td>
                  <td className="hide-narrow">{MOTION_KIND_LABEL[m.kind]}{m.kind === "stv" ? ` (${m.seats} seats)` : ""}</td>
                  <td><span className={`badge ${m.status}`}>{STATUS_LABEL[m.status]}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

/** The secretary's list of proxy appointments, each one that stands with a button to revoke it. */
export function ProxyAppointments({ proxies }: { proxies: { id: string; appointer: string; holder: string; instructed: number; revoked: boolean }[] }) {
  return (
    <section className="card">
      <h2>Proxy appointments</h2>
      <p className="muted">If a member who appointed a proxy comes to the meeting and votes in person, revoke their proxy here so it is not counted as well.</p>
      <TableWrap label="Proxy appointments">
        <table>
          <thead><tr><th scope="col">Member</th><th scope="col">Proxy</th><th scope="col" className="num">Instructions</th><th scope="col">Status</th></tr></thead>
          <tbody>
            {proxies.map((p) => (
              <tr key={p.id}>
                <td>{p.appointer}</td>
                <td>{p.holder}</td>
                <td className="num">{p.instructed}</td>
                <td>
                  {p.revoked ? (
                    "Revoked"
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke-proxy" />
                      <input type="hidden" name="appointmentId" value={p.id} />
                      <button type="submit" className="secondary" aria-label={`Revoke the proxy of ${p.appointer}: votes in person`}>Revoke the proxy</button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

/** The minutes: a form for the secretary, the text for everyone else. */
export function Minutes({ minutes, canManage }: { minutes: string; canManage: boolean }) {
  return (
    <section className="card">
      <h2>Minutes</h2>
      {canManage ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="minutes" />
          <div className="field">
            <label htmlFor="minutes">Minutes of the meeting</label>
            <p className="hint" id="minutes-hint">Each certified result is added here when voting closes.</p>
            <textarea id="minutes" name="minutes" rows={8} defaultValue={minutes} aria-describedby="minutes-hint" />
          </div>
          <button type="submit">Save minutes</button>
        </Form>
      ) : minutes ? (
        <p style={{ whiteSpace: "pre-wrap" }}>{minutes}</p>
      ) : (
        <p className="muted">No minutes yet.</p>
      )}
    </section>
  );
}
