import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { motionHref } from "~/domain/voting/labels";
import { displayLongDate } from "~/domain/locale";
import { DateText } from "~/components/dates";
import { StaleFiguresNote } from "~/components/impact/stale-figures";
import { PageHead, Stat } from "~/components/ui";
import { ROLE_LABELS } from "~/domain/permissions";
import { dashboardSections } from "~/models/core/dashboard.server";
import { decisionsFor } from "~/models/core/decisions.server";
import { decisionKindsFor } from "~/domain/decisions";
import { getMember } from "~/models/shares/members.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { navFor } from "~/utils/nav";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "dashboard:view" };
export const meta: MetaFunction = () => [{ title: "Dashboard · Co-op Register" }];

/** One page, sections chosen by what the person's roles let them do. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "dashboard:view");
  const db = await getDb();
  const orgId = ctx.organisation.id;
  const today = clock.today(ctx.organisation);
  const [me, sections, decisions] = await Promise.all([
    ctx.memberId ? getMember(db, orgId, ctx.memberId) : null,
    dashboardSections(db, { organisationId: orgId, currency: ctx.organisation, timeZone: ctx.organisation.timeZone, memberId: ctx.memberId, permissions: ctx.permissions }, today),
    decisionsFor(db, { organisationId: orgId, userId: ctx.user.id, permissions: ctx.permissions }, today),
  ]);
  return {
    organisation: ctx.organisation.name,
    userName: ctx.user.name,
    roles: ctx.roles.map((r) => ROLE_LABELS[r]),
    me: me ? { memberNumber: me.member_number, status: me.status, admittedOn: me.admitted_on && displayLongDate(me.admitted_on, ctx.organisation.locale) } : null,
    ...sections,
    // Null for a person who decides nothing (a member): no panel at all.
    decisions: decisionKindsFor(ctx.permissions).length ? decisions : null,
    tasks: navFor(ctx.permissions).filter((i) => i.to !== "/dashboard"),
  };
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title={`Welcome, ${d.userName}`} />
      <p className="muted">{d.organisation} · your roles: {d.roles.join(", ") || "none"}</p>

      {d.decisions ? (
        <section className={d.decisions.length ? "alert info" : "card"} aria-labelledby="decisions-head">
          <h2 id="decisions-head">Needs your decision</h2>
          {d.decisions.length ? (
            <ul>
              {d.decisions.map((x) => (
                <li key={x.kind}><Link to={x.to}>{x.text}</Link></li>
              ))}
            </ul>
          ) : (
            <p>Nothing waits for your decision.</p>
          )}
        </section>
      ) : null}

      {d.mine && d.mine.openVotes.some((v) => !v.voted) ? (
        <section className="alert info" aria-labelledby="votes-head">
          <h2 id="votes-head">Votes open to you</h2>
          <ul>
            {d.mine.openVotes.filter((v) => !v.voted).map((v) => (
              <li key={v.id}><Link to={motionHref(v)}>{v.title}</Link> <span className="muted">({v.meeting})</span>{v.closesIn ? <> · <strong>{v.closesIn}</strong></> : null}</li>
            ))}
          </ul>
        </section>
      ) : null}

      {d.me ? (
        <section className="card">
          <h2>Your membership</h2>
          <dl className="facts">
            <dt>Member number</dt><dd>{d.me.memberNumber}</dd>
            <dt>Status</dt><dd>{d.me.status}</dd>
            <dt>Member since</dt><dd>{d.me.admittedOn ?? "not yet admitted"}</dd>
            {d.mine ? (<><dt>Your shares</dt><dd>{d.mine.holdingValue} <Link to="/my">details</Link></dd></>) : null}
          </dl>
        </section>
      ) : null}

      {d.counts ? (
        <section aria-labelledby="register-head">
          <h2 id="register-head">Register</h2>
          <div className="grid">
            <Stat figure="members" label="Members" value={d.counts.members} hint="on the register today, suspended members included" />
            <Stat figure="applied" label="Applications waiting" value={d.counts.applied} />
            <Stat figure="suspended" label="Suspended" value={d.counts.suspended} />
            <Stat figure="ceased" label="Ceased" value={d.counts.ceased} />
          </div>
        </section>
      ) : null}

      {d.shares ? (
        <section aria-labelledby="shares-head">
          <h2 id="shares-head">Share capital</h2>
          {d.shares.suspension ? <p className="alert error">Withdrawals are suspended: {d.shares.suspension}</p> : null}
          <div className="grid">
            <Stat figure="capital" label="Share capital" value={d.shares.capital} />
            <Stat label="Applications to decide" value={<Link to="/shares/applications">{d.shares.applications}</Link>} />
            <Stat label="Withdrawals due to pay" value={<Link to="/shares/withdrawals">{d.shares.withdrawalsDue}</Link>} hint={d.shares.withdrawalsDueValue ?? undefined} />
            <Stat label="Withdrawals waiting" value={d.shares.withdrawalsWaiting} hint="notice not yet run, or suspended" />
          </div>
        </section>
      ) : null}

      {d.meetings && d.meetings.length ? (
        <section className="card" aria-labelledby="motions-head">
          <h2 id="motions-head">Open votes</h2>
          <ul>
            {d.meetings.map((m) => (
              <li key={m.id}><Link to={motionHref(m)}>{m.title}</Link> — {m.voted} of {m.eligible} have voted <span className="muted">({m.meeting})</span>{m.closesIn ? <> · <strong>{m.closesIn}</strong></> : null}</li>
            ))}
          </ul>
        </section>
      ) : null}

      {d.lending ? (
        <section aria-labelledby="lending-head">
          <h2 id="lending-head">Lending{d.lending.asAt ? <span className="muted"> (as at <DateText iso={d.lending.asAt} long />)</span> : null}</h2>
          <div className="grid">
            <Stat figure="outstanding" label="Principal outstanding" value={d.lending.outstanding} />
            <Stat figure="loans" label="Loans" value={d.lending.loans} hint="with principal still owed" />
            <Stat figure="par30" label="Portfolio at risk (PAR30)" value={d.lending.par30Percent} />
            <Stat label="Applications with the committee" value={<Link to="/applications">{d.lending.awaitingCommittee}</Link>} />
          </div>
        </section>
      ) : null}

      {d.impact ? (
        <section aria-labelledby="impact-head">
          <h2 id="impact-head">Community wealth</h2>
          <StaleFiguresNote stale={d.impact.localShares.stale} what="These shares are" />
          <div className="grid">
            <Stat label="Share capital held locally" value={d.impact.capitalLocalPercent ? `${d.impact.capitalLocalPercent}%` : "—"} />
            <Stat label="Lending to local businesses" value={d.impact.lendingLocalPercent ? `${d.impact.lendingLocalPercent}%` : "—"} />
            <Stat label="Jobs created / safeguarded" value={`${d.impact.jobsCreated} / ${d.impact.jobsSafeguarded}`} />
          </div>
          <p><Link to="/impact">Open the community wealth dashboard</Link></p>
        </section>
      ) : null}

      {d.tasks.length ? (
        <section className="card">
          <h2>What you can do</h2>
          <ul>
            {d.tasks.map((t) => <li key={t.to}><Link to={t.to}>{t.label}</Link></li>)}
          </ul>
        </section>
      ) : null}
    </>
  );
}
