import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FORMAT_LABEL, MEETING_KIND_LABEL, MOTION_KIND_LABEL, motionHref, STATUS_LABEL } from "~/domain/voting/labels";
import { FormErrors } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { nonEmptyLines } from "~/domain/text";
import { checkNotice } from "~/domain/voting/notice";
import { listMotions, updateMinutes } from "~/models/governance/meetings.server";
import { listAppointments, revokeProxy } from "~/models/governance/proxies.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { uuid } from "~/schemas/common";
import type { RouteAccess } from "~/utils/access";
import { emailMeetingNotice, meetingNotice } from "~/models/governance/voting-mail.server";
import { requireMeeting } from "~/web/ballot-forms.server";
import { appUrl } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "meetings:read", action: "meetings:manage" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.meeting.title ?? "Meeting"} · Co-op Register` }];

const MeetingActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("minutes"), minutes: z.string().max(100_000).optional().default("") }),
  // A member who comes to the meeting in person votes there: the secretary revokes their proxy so it is not counted too.
  z.object({ intent: z.literal("revoke-proxy"), appointmentId: uuid }),
  z.object({ intent: z.literal("email-notice") }),
]);

const SAVED: Record<z.infer<typeof MeetingActionSchema>["intent"], string> = {
  minutes: "Minutes saved.",
  "revoke-proxy": "Proxy revoked: the member votes in person.",
  "email-notice": "The notice has been emailed to the members.",
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "meetings:read");
  const meetingId = meeting.id;
  const canManage = ctx.permissions.has("meetings:manage");
  const [motions, org, proxies, emailed] = await Promise.all([
    listMotions(db, ctx.organisation.id, meetingId),
    getOrganisation(db, ctx.organisation.id),
    canManage ? listAppointments(db, ctx.organisation.id, meetingId) : [],
    meetingNotice(db, ctx.organisation.id, meetingId),
  ]);
  const notice = checkNotice(meeting.kind, meeting.notice_given_on, meeting.held_on, org.rules.noticeDays);
  return {
    meeting: { ...meeting, created_at: undefined },
    motions,
    notice,
    emailed: emailed ? { on: clock.dayOf(emailed.emailed_at, ctx.organisation), by: emailed.emailed_by_name, recipients: emailed.recipients } : null,
    canManage,
    proxies: proxies.map((p) => ({ id: p.id, appointer: p.appointer_name, holder: p.holder_name ?? "The chair", instructed: Object.keys(p.instructions).length, revoked: !!p.revoked_at })),
    canVote: ctx.permissions.has("ballots:cast") && !!ctx.memberId && meeting.kind !== "board",
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "meetings:manage");
  const meetingId = meeting.id;
  const submission = parseForm(await readForm(request), { schema: MeetingActionSchema });
  if (submission.status !== "success") return { result: submission.reply(), saved: null };
  const v = submission.value;
  try {
    await db.transaction().execute(async (trx) => {
      if (v.intent === "minutes") await updateMinutes(trx, ctx.user.id, ctx.organisation.id, meetingId, v.minutes);
      else if (v.intent === "revoke-proxy") await revokeProxy(trx, ctx.user.id, ctx.organisation.id, v.appointmentId, null);
      else await emailMeetingNotice(trx, ctx.user.id, ctx.organisation.id, meetingId, appUrl(request), clock.today(ctx.organisation));
    });
  } catch (error) {
    return { result: replyRefusal(submission, error, "form"), saved: null };
  }
  return { result: submission.reply(), saved: SAVED[v.intent] };
}

export default function MeetingPage() {
  const { meeting, motions, notice, emailed, canManage, canVote, proxies } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const documents = nonEmptyLines(meeting.documents);
  return (
    <>
      <PageHead title={meeting.title}>
        <a className="button secondary" href={`/meetings/${meeting.id}/calendar.ics`} download>Add to calendar</a>
        {canVote ? <Link className="button secondary" to={`/meetings/${meeting.id}/proxy`}>Proxies</Link> : null}
        {canManage ? <Link className="button" to={`/meetings/${meeting.id}/motions/new`}>Add a resolution</Link> : null}
        {canManage ? <Link className="button" to={`/meetings/${meeting.id}/elections/new`}>Add an election</Link> : null}
      </PageHead>
      <Flash message={data?.saved ?? null} />
      <FormErrors errors={(data?.result.error?.[""] ?? undefined) as string[] | undefined} />
      <section className="card">
        <dl className="facts">
          <dt>Kind</dt><dd>{MEETING_KIND_LABEL[meeting.kind]}</dd>
          <dt>When</dt><dd>{meeting.held_on}{meeting.starts_at ? ` at ${meeting.starts_at}` : ""}</dd>
          <dt>Held</dt><dd>{FORMAT_LABEL[meeting.format]}{meeting.place ? ` — ${meeting.place}` : ""}</dd>
          <dt>Notice</dt><dd>Given on {meeting.notice_given_on}: {notice.message}</dd>
          <dt>Record date</dt><dd>{meeting.record_date} (members admitted on this date may vote)</dd>
        </dl>
        {!notice.ok ? <p className="alert error">{notice.message}</p> : null}
        {emailed ? (
          <p>The notice was emailed to {emailed.recipients} members on {emailed.on} by {emailed.by}.</p>
        ) : canManage && meeting.kind !== "board" ? (
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="email-notice" />
            <p className="muted">Email the notice (when and where, agenda, documents, how to appoint a proxy) to every admitted member with an email address on the register. It is sent once.</p>
            <button type="submit" className="secondary">Email the notice to members</button>
          </Form>
        ) : null}
      </section>
      {meeting.agenda ? (
        <section className="card"><h2>Agenda</h2><p style={{ whiteSpace: "pre-wrap" }}>{meeting.agenda}</p></section>
      ) : null}
      {documents.length ? (
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
      ) : null}
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
      {canManage && proxies.length ? (
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
      ) : null}
      <section className="card">
        <h2>Minutes</h2>
        {canManage ? (
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="minutes" />
            <div className="field">
              <label htmlFor="minutes">Minutes of the meeting</label>
              <p className="hint" id="minutes-hint">Each certified result is added here when voting closes.</p>
              <textarea id="minutes" name="minutes" rows={8} defaultValue={meeting.minutes} aria-describedby="minutes-hint" />
            </div>
            <button type="submit">Save minutes</button>
          </Form>
        ) : meeting.minutes ? (
          <p style={{ whiteSpace: "pre-wrap" }}>{meeting.minutes}</p>
        ) : (
          <p className="muted">No minutes yet.</p>
        )}
      </section>
    </>
  );
}
