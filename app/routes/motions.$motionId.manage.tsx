import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { isElection } from "~/domain/voting/kinds";
import { meetingHasOpened } from "~/domain/voting/closing";
import { dateInZone, timeInZone } from "~/domain/today";
import { MOTION_KIND_LABEL, motionHref, STATUS_LABEL } from "~/domain/voting/labels";
import { useLiveTurnout } from "~/components/governance/live";
import { Turnout } from "~/components/governance/results";
import { Field, FormErrors } from "~/components/forms";
import { ConfirmButton } from "~/components/confirm";
import { PageHead } from "~/components/ui";
import { closeMotion, getHandCount, getMotion, openMotion, recordHandCount } from "~/models/governance/meetings.server";
import { turnout } from "~/models/governance/ballots.server";
import { queueResultMail, queueVotingOpenedMail } from "~/models/governance/voting-mail.server";
import { ManageMotionSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { appUrl, requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";
import { displayLongDate } from "~/domain/locale";

export const access: RouteAccess = { loader: "meetings:manage", action: "meetings:manage" };
export const meta: MetaFunction = () => [{ title: "Manage voting · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:manage");
  const db = await getDb();
  const motion = await getMotion(db, ctx.organisation.id, idParam(params, "motionId"));
  if (!motion) throw notFoundResponse();
  const [live, hands] = await Promise.all([turnout(db, ctx.organisation.id, motion.id), getHandCount(db, ctx.organisation.id, motion.id)]);
  const now = new Date();
  const tz = ctx.organisation.timeZone;
  return {
    // Before the meeting opens the close form asks why voting closes early (the reason is minuted).
    meetingOpened: meetingHasOpened({ heldOn: motion.held_on, startsAt: motion.starts_at, localDate: dateInZone(now, tz), localTime: timeInZone(now, tz) }),
    meetingOpens: `${displayLongDate(motion.held_on, ctx.organisation.locale)}${motion.starts_at ? ` at ${motion.starts_at}` : ""}`,
    motion: { id: motion.id, kind: motion.kind, title: motion.title, status: motion.status, position: motion.position, meeting_id: motion.meeting_id, record_date: motion.record_date },
    turnout: motion.status === "draft" ? null : live,
    hands: hands ? { present: hands.present, votesFor: hands.votes_for, votesAgainst: hands.votes_against, votesAbstain: hands.votes_abstain } : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "meetings:manage");
  const db = await getDb();
  const motion = await getMotion(db, ctx.organisation.id, idParam(params, "motionId"));
  if (!motion) throw notFoundResponse();
  const submission = parseForm(await readForm(request), { schema: ManageMotionSchema });
  if (submission.status !== "success") return submission.reply();
  const org = ctx.organisation.id;
  try {
    await db.transaction().execute(async (trx) => {
      const v = submission.value;
      // The electorate hears of the opening and of the result by email, queued with the change itself.
      if (v.intent === "open") {
        await openMotion(trx, ctx.user.id, org, motion.id);
        await queueVotingOpenedMail(trx, org, motion.id, appUrl(request));
      } else if (v.intent === "close") {
        await closeMotion(trx, ctx.user.id, org, motion.id, new Date(), v.earlyReason);
        await queueResultMail(trx, org, motion.id, appUrl(request));
      } else await recordHandCount(trx, ctx.user.id, org, motion.id, v);
    });
  } catch (error) {
    return replyRefusal(submission, error, "form");
  }
  return submission.value.intent === "hands" ? redirect(`/motions/${motion.id}/manage?saved=hands`) : redirect(motionHref(motion));
}

export default function ManageMotion() {
  const { motion, turnout, hands, meetingOpened, meetingOpens } = useLoaderData<typeof loader>();
  useLiveTurnout(motion.status === "open");
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: hands ?? { present: "", votesFor: "", votesAgainst: "", votesAbstain: "" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ManageMotionSchema }),
  });
  return (
    <>
      <PageHead title={`Manage voting: ${motion.position}. ${motion.title}`}>
        <Link className="button secondary" to={motionHref(motion)}>Back to the motion</Link>
      </PageHead>
      <FormErrors errors={form.errors} />
      <section className="card stack">
        <p><span className={`badge ${motion.status}`}>{STATUS_LABEL[motion.status]}</span> {MOTION_KIND_LABEL[motion.kind]}</p>
        {motion.status === "draft" ? (
          <Form method="post" className="stack">
            <p>Opening voting freezes the list of eligible members: those admitted, and not suspended or ceased, on the record date ({motion.record_date}). Each of them with an email address on the register is sent the link to vote.</p>
            <input type="hidden" name="intent" value="open" />
            <button type="submit">Open voting</button>
          </Form>
        ) : null}
        {motion.status === "open" ? (
          <Form method="post" className="stack">
            <p>Closing counts the ballots, the show of hands and the proxies still standing, and certifies the result. It cannot be undone. The members who could vote are emailed the result.</p>
            <input type="hidden" name="intent" value="close" />
            {meetingOpened ? null : (
              <div className="field">
                <label htmlFor="earlyReason">Why voting closes before the meeting opens ({meetingOpens})</label>
                <p className="hint" id="earlyReason-hint">Voting normally closes once the meeting opens. To close it now, give the reason: it is recorded in the minutes and shown with the result.</p>
                <textarea id="earlyReason" name="earlyReason" rows={2} maxLength={2000} required aria-describedby="earlyReason-hint" />
              </div>
            )}
            <ConfirmButton question={`Close voting on “${motion.title}” and certify the result? This cannot be undone: no more votes are taken and the members are emailed the result.`} yes="Yes, close voting">Close voting and certify the result</ConfirmButton>
          </Form>
        ) : null}
        {turnout ? <Turnout turnout={turnout} /> : null}
      </section>
      {motion.status === "open" && !isElection(motion.kind) ? (
        <section className="card">
          <h2>Show of hands in the room</h2>
          <p className="muted">Members present in person who have not voted online or by proxy. Recording again replaces the counts.</p>
          {hands ? <p role="status">Recorded: {hands.present} present, {hands.votesFor} for, {hands.votesAgainst} against, {hands.votesAbstain} abstaining.</p> : null}
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="hands" />
            <Field meta={fields.present} label="Members present in person" type="number" inputMode="numeric" />
            <Field meta={fields.votesFor} label="Hands for" type="number" inputMode="numeric" />
            <Field meta={fields.votesAgainst} label="Hands against" type="number" inputMode="numeric" />
            <Field meta={fields.votesAbstain} label="Abstaining" type="number" inputMode="numeric" />
            <button type="submit">Record the show of hands</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
