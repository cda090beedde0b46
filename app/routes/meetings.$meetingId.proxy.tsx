import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CHOICE_LABEL } from "~/domain/voting/labels";
import { allErrors, FormErrors } from "~/components/forms";
import { Flash, PageHead, TableWrap } from "~/components/ui";
import { listMotions } from "~/models/governance/meetings.server";
import { getOrganisation } from "~/models/core/organisations.server";
import { appointProxy, proxiesForMember, proxyCandidates, revokeProxy } from "~/models/governance/proxies.server";
import { ProxySchema, ProxySearchSchema } from "~/schemas/governance";
import { ProxyPicker } from "~/components/governance/proxy-picker";
import { queryParams } from "~/web/params.server";
import { useEffect, useState } from "react";
import type { RouteAccess } from "~/utils/access";
import { requireMeeting } from "~/web/ballot-forms.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { refused } from "~/domain/refusal";
import { replyRefusal } from "~/web/refusals.server";

export const access: RouteAccess = { loader: "ballots:cast", action: "ballots:cast" };
export const meta: MetaFunction = () => [{ title: "Proxies · Co-op Register" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "ballots:cast");
  const [motions, org, mine] = await Promise.all([
    listMotions(db, ctx.organisation.id, meeting.id),
    getOrganisation(db, ctx.organisation.id),
    ctx.memberId ? proxiesForMember(db, ctx.organisation.id, meeting.id, ctx.memberId) : { mine: [], held: [] },
  ]);
  // Without JavaScript, the member searches first (?q=) and chooses from at most 20 matches; with it, the picker asks
  // /meetings/:id/proxy-candidates as they type. Never the whole register: members see only names and numbers they search for.
  const { q } = queryParams(request, ProxySearchSchema);
  const candidates = await proxyCandidates(db, ctx.organisation.id, { q, excludeMemberId: ctx.memberId });
  return {
    meeting: { id: meeting.id, title: meeting.title, kind: meeting.kind },
    resolutions: motions.filter((m) => ["ordinary", "special", "custom"].includes(m.kind) && m.status !== "closed"),
    votingOver: motions.length > 0 && motions.every((m) => m.status === "closed"),
    active: mine.mine.find((a) => !a.revoked_at) ?? null,
    held: mine.held.map((a) => ({ id: a.id, appointer_name: a.appointer_name })),
    candidates,
    q,
    maxPerHolder: org.rules.maxProxiesPerHolder,
    linked: !!ctx.memberId,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { ctx, db, meeting } = await requireMeeting(request, params, "ballots:cast");
  const form = await readForm(request);
  // Instructions arrive as instruction.<motionId>; gather them into the schema's record.
  const submission = parseForm(form, { schema: ProxySchema });
  if (submission.status !== "success") return submission.reply();
  if (!ctx.memberId) return submission.reply({ formErrors: ["This login is not linked to a member on the register, so it cannot appoint a proxy."] });
  const memberId = ctx.memberId;
  try {
    await db.transaction().execute(async (trx) => {
      const v = submission.value;
      if (v.intent === "revoke") return revokeProxy(trx, ctx.user.id, ctx.organisation.id, v.appointmentId, memberId);
      const instructions = v.instructions;
      const holder = v.holder === "chair" ? null : idOrNull(v.holder);
      if (v.holder !== "chair" && !holder) throw refused("Choose a member or the chair.", "holder");
      await appointProxy(trx, ctx.user.id, ctx.organisation.id, { meetingId: meeting.id, appointerMemberId: memberId, holderMemberId: holder, instructions });
    });
  } catch (error) {
    return replyRefusal(submission, error, "form");
  }
  return redirect(`/meetings/${meeting.id}/proxy?done=${submission.value.intent}`);
}

function idOrNull(v: string) {
  return /^[0-9a-f-]{36}$/i.test(v) ? v : null;
}

export default function ProxyPage() {
  const { meeting, resolutions, votingOver, active, held, candidates, q, maxPerHolder, linked } = useLoaderData<typeof loader>();
  // The type-ahead picker needs JavaScript; until it runs (or without it) the page is a search-then-choose form.
  const [scripted, setScripted] = useState(false);
  useEffect(() => setScripted(true), []);
  const lastResult = useActionData<typeof action>();
  const [search] = useSearchParams();
  const done = search.get("done");
  const errors = allErrors(lastResult);
  return (
    <>
      <PageHead title={`Proxies for ${meeting.title}`}>
        <Link className="button secondary" to={`/meetings/${meeting.id}`}>Back to the meeting</Link>
      </PageHead>
      <Flash message={done === "appoint" ? "Your proxy has been appointed." : done === "revoke" ? "Your proxy has been revoked." : null} />
      <FormErrors errors={errors} />
      {!linked ? <p className="alert info">This login is not linked to a member on the register.</p> : null}
      <section className="card stack">
        <h2>Your proxy</h2>
        {active ? (
          <>
            <p>
              <strong>{active.holder_name ?? "The chair of the meeting"}</strong> holds your proxy.
              {Object.keys(active.instructions).length ? ` You gave instructions on ${Object.keys(active.instructions).length} resolution(s).` : " They vote as they judge best."}
            </p>
            <p className="muted">If you vote yourself, your own vote counts instead of the proxy&apos;s.</p>
            {!votingOver ? (
              <Form method="post">
                <input type="hidden" name="intent" value="revoke" />
                <input type="hidden" name="appointmentId" value={active.id} />
                <button type="submit" className="danger">Revoke my proxy</button>
              </Form>
            ) : null}
          </>
        ) : votingOver ? (
          <p>Voting has closed.</p>
        ) : meeting.kind === "board" ? (
          <p>Proxies are for general meetings.</p>
        ) : (
          <>
            {!scripted ? (
              <Form method="get" className="toolbar" role="search" aria-label="Find the member who will vote for you">
                <div className="field">
                  <label htmlFor="proxy-q">Find a member by name or member number</label>
                  <input id="proxy-q" name="q" type="search" defaultValue={q} />
                </div>
                <button type="submit" className="secondary">Find</button>
              </Form>
            ) : null}
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="appoint" />
            <p className="hint" id="holder-hint">A member may hold at most {maxPerHolder} proxies for a meeting.</p>
            {scripted ? (
              <ProxyPicker searchUrl={`/meetings/${meeting.id}/proxy-candidates`} describedBy="holder-hint" error={lastResult?.error?.holder?.[0]} />
            ) : (
              <fieldset aria-describedby="holder-hint">
                <legend>Who will vote for you</legend>
                <div className="choice">
                  <input type="radio" id="holder-chair" name="holder" value="chair" required />
                  <label htmlFor="holder-chair">The chair of the meeting</label>
                </div>
                {candidates.map((c) => (
                  <div className="choice" key={c.id}>
                    <input type="radio" id={`holder-${c.id}`} name="holder" value={c.id} />
                    <label htmlFor={`holder-${c.id}`}>{c.name} (no. {c.member_number})</label>
                  </div>
                ))}
                <p className="muted">
                  {!q ? "To choose a member, find them by name or number above." : candidates.length === 0 ? `No member matches “${q}”.` : candidates.length === 20 ? "The first 20 matches: search again to narrow them." : null}
                </p>
              </fieldset>
            )}
            {resolutions.length ? (
              <fieldset>
                <legend>Instructions (optional)</legend>
                {resolutions.map((m) => (
                  <div className="field" key={m.id}>
                    <label htmlFor={`instr-${m.id}`}>{m.position}. {m.title}</label>
                    <select id={`instr-${m.id}`} name={`instructions.${m.id}`} defaultValue="">
                      <option value="">Proxy decides</option>
                      {Object.entries(CHOICE_LABEL).map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                    </select>
                  </div>
                ))}
              </fieldset>
            ) : null}
            <button type="submit">Appoint my proxy</button>
          </Form>
          </>
        )}
      </section>
      <section className="card">
        <h2>Proxies you hold</h2>
        {held.length ? (
          <TableWrap label="Proxies you hold">
            <table>
              <thead><tr><th scope="col">Member</th></tr></thead>
              <tbody>{held.map((h) => <tr key={h.id}><td>{h.appointer_name}</td></tr>)}</tbody>
            </table>
          </TableWrap>
        ) : (
          <p>Nobody has appointed you as their proxy for this meeting.</p>
        )}
        <p className="muted">To vote for them, open each resolution while voting is open.</p>
      </section>
    </>
  );
}
