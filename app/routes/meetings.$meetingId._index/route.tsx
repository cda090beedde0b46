import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FORMAT_LABEL, MEETING_KIND_LABEL } from "~/domain/voting/labels";
import { FormErrors } from "~/components/forms";
import { Flash, PageHead } from "~/components/ui";
import { meetingPageData } from "~/models/governance/meeting-views.server";
import { manageMeeting } from "~/models/governance/meeting-secretary.server";
import { MeetingActionSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { requireMeeting } from "~/web/ballot-forms.server";
import { appUrl } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import * as clock from "~/utils/clock.server";
import { replyRefusal } from "~/web/refusals.server";
import { MeetingDocuments, Minutes, MotionsTable, ProxyAppointments } from "./sections";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "meetings:read", action: "meetings:manage" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.meeting.title ?? "Meeting"} · Co-op Register` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "meetings:read");
  const canManage = ctx.permissions.has("meetings:manage");
  return {
    ...(await meetingPageData(db, ctx.organisation, meeting, canManage)),
    canManage,
    canVote: ctx.permissions.has("ballots:cast") && !!ctx.memberId && meeting.kind !== "board",
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "meetings:manage");
  const submission = parseForm(await readForm(request), { schema: MeetingActionSchema });
  if (submission.status !== "success") return { result: submission.reply(), saved: null };
  const v = submission.value;
  try {
    const saved = await db.transaction().execute((trx) => manageMeeting(trx, ctx.user.id, ctx.organisation.id, meeting.id, v, appUrl(request), clock.today(ctx.organisation)));
    return { result: submission.reply(), saved };
  } catch (error) {
    return { result: replyRefusal(submission, error, "form"), saved: null };
  }
}

export default function MeetingPage() {
  const { meeting, motions, notice, emailed, canManage, canVote, proxies } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
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
          <dt>When</dt><dd><DateText iso={meeting.held_on} long />{meeting.starts_at ? ` at ${meeting.starts_at}` : ""}</dd>
          <dt>Held</dt><dd>{FORMAT_LABEL[meeting.format]}{meeting.place ? ` — ${meeting.place}` : ""}</dd>
          <dt>Notice</dt><dd>Given on <DateText iso={meeting.notice_given_on} long />: {notice.message}</dd>
          <dt>Record date</dt><dd><DateText iso={meeting.record_date} long /> (members admitted on this date may vote)</dd>
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
      <MeetingDocuments documents={meeting.documents} />
      <MotionsTable motions={motions} />
      {canManage && proxies.length ? <ProxyAppointments proxies={proxies} /> : null}
      <Minutes minutes={meeting.minutes} canManage={canManage} />
    </>
  );
}
