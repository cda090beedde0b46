import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CHOICE_LABEL } from "~/domain/voting/labels";
import { allErrors, FormErrors } from "~/components/forms";
import { PageHead } from "~/components/ui";
import { motionView } from "~/models/governance/meeting-views.server";
import { castProxyVote } from "~/models/governance/proxies.server";
import { CHOICES, ProxyVoteSchema } from "~/schemas/governance";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { idParam } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { notFoundResponse, replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "ballots:cast", action: "ballots:cast" };
export const meta: MetaFunction = () => [{ title: "Vote as proxy · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "ballots:cast");
  const view = await motionView(await getDb(), ctx.organisation.id, idParam(params, "motionId"), ctx.memberId);
  if (!view || !["ordinary", "special", "custom"].includes(view.motion.kind)) throw notFoundResponse();
  return { motion: view.motion, held: view.held };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requirePermission(request, "ballots:cast");
  const db = await getDb();
  const motionId = idParam(params, "motionId");
  if (!(await motionView(db, ctx.organisation.id, motionId, null))) throw notFoundResponse();
  const submission = parseForm(await readForm(request), { schema: ProxyVoteSchema });
  if (submission.status !== "success") return { result: submission.reply(), receipt: null, appointer: null };
  try {
    const { receipt } = await db.transaction().execute((trx) =>
      castProxyVote(trx, ctx.user.id, ctx.organisation.id, { motionId, appointmentId: submission.value.appointmentId, holderMemberId: ctx.memberId, asChair: false, choice: submission.value.choice }),
    );
    return { result: submission.reply({ resetForm: true }), receipt, appointer: submission.value.appointmentId };
  } catch (error) {
    return { result: replyRefusal(submission, error, "form"), receipt: null, appointer: null };
  }
}

export default function ProxyVotes() {
  const { motion, held } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const errors = allErrors(data?.result);
  return (
    <>
      <PageHead title={`Vote as proxy: ${motion.position}. ${motion.title}`}>
        <Link className="button secondary" to={`/motions/${motion.id}`}>Back to the motion</Link>
      </PageHead>
      <FormErrors errors={errors} />
      {data?.receipt ? (
        <section className="card" role="status">
          <p>Proxy vote recorded. Receipt code for the member: <strong className="receipt-code">{data.receipt}</strong></p>
          <p className="muted">It counts at close unless the member votes themself or revokes the proxy.</p>
        </section>
      ) : null}
      {motion.status !== "open" ? <p className="alert info">Voting is not open on this motion.</p> : null}
      {held.length === 0 ? <p>You hold no proxies for this meeting.</p> : null}
      {motion.status === "open"
        ? held.map((h) => (
            <section className="card stack" key={h.id}>
              <h2>For {h.appointer_name}</h2>
              {h.done ? (
                <p>Done: their proxy vote is recorded.</p>
              ) : (
                <Form method="post" className="stack">
                  <input type="hidden" name="appointmentId" value={h.id} />
                  {h.instruction ? <p>They instructed you to vote <strong>{CHOICE_LABEL[h.instruction]}</strong>.</p> : null}
                  <fieldset className="vote-choices">
                    <legend>Vote for {h.appointer_name}</legend>
                    {CHOICES.filter(([v]) => !h.instruction || v === h.instruction).map(([value, label]) => (
                      <label key={value}><input type="radio" name="choice" value={value} required defaultChecked={value === h.instruction} /> {label}</label>
                    ))}
                  </fieldset>
                  <button type="submit">Cast proxy vote for {h.appointer_name}</button>
                </Form>
              )}
            </section>
          ))
        : null}
    </>
  );
}
