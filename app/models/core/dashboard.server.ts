import { sql } from "kysely";
import { displayMoney, type MoneyStyle } from "~/domain/money";
import type { Permission } from "~/domain/permissions";
import { closesInLabel } from "~/domain/voting/closing";
import type { Executor } from "~/utils/db.server";
import { headlineText, membersByStatus, portfolioHeadline, portfolioText, shareCapital } from "~/models/core/headline-figures.server";
import { impactHeadlines } from "~/models/impact/impact-figures.server";
import { listShareApplications } from "~/models/shares/share-applications.server";
import { memberHoldings } from "~/models/shares/share-classes-and-holdings.server";
import { withdrawalQueue } from "~/models/shares/withdrawals.server";

/**
 * What each person needs first when they log in, chosen by what their
 * roles allow: one query set per section, each scoped to the organisation.
 * The sections do not depend on one another, so they are asked for
 * together: on PostgreSQL they run on several connections at once and the
 * page waits for the slowest, not the sum. Each section asks only for the
 * headline figure it shows.
 */
export async function dashboardSections(
  db: Executor,
  who: { organisationId: string; currency: string | MoneyStyle; timeZone?: string; memberId: string | null; permissions: Set<Permission> },
  today: string,
  now: Date = new Date(),
) {
  const { organisationId: org, currency, memberId, permissions } = who;
  // "closes in 2 days" beside an open vote that has a closing time (issue #16 point 4).
  const closesIn = (at: Date | string | null) => (at ? closesInLabel(new Date(at), now, who.timeZone ?? "UTC") : null);
  const money = (v: bigint) => displayMoney(v, currency);
  // Headline figures from the one source every page reads (ADR 0010), as at today: each section's own.
  // Each figure is asked for once per request: the impact headlines show all three again.
  const impact = permissions.has("impact:read");
  const membersFigure = permissions.has("register:read") || impact ? membersByStatus(db, org, today) : null;
  const capitalFigure = permissions.has("shares:read") || impact ? shareCapital(db, org, today) : null;
  const portfolioFigure = permissions.has("loans:read") || impact ? portfolioHeadline(db, org, today) : null;
  const countsReady = permissions.has("register:read") ? membersFigure : null;

  const mineReady = memberId
    ? (async () => {
        const [holdings, openVotes] = await Promise.all([
          memberHoldings(db, org, memberId),
          db
          .selectFrom("motion_electorate as e")
          .innerJoin("motions as m", (j) => j.onRef("m.id", "=", "e.motion_id").onRef("m.organisation_id", "=", "e.organisation_id"))
          .innerJoin("meetings as g", (j) => j.onRef("g.id", "=", "m.meeting_id").onRef("g.organisation_id", "=", "m.organisation_id"))
          .leftJoin("participations as p", (j) => j.onRef("p.motion_id", "=", "m.id").onRef("p.member_id", "=", "e.member_id"))
          .select(["m.id", "m.title", "m.kind", "m.closes_at", "g.title as meeting", sql<boolean>`p.member_id is not null`.as("voted")])
          .where("e.organisation_id", "=", org)
          .where("e.member_id", "=", memberId)
          .where("m.status", "=", "open")
          .orderBy("g.held_on")
          .execute(),
        ]);
        return {
          holdingValue: money(holdings.reduce((t, h) => t + BigInt(h.value), 0n)),
          openVotes: openVotes.map((v) => ({ id: v.id, title: v.title, kind: v.kind, meeting: v.meeting, voted: v.voted, closesIn: closesIn(v.closes_at) })),
        };
      })()
    : null;

  const sharesReady = permissions.has("shares:read")
    ? (async () => {
        const [applications, queue, capital] = await Promise.all([listShareApplications(db, org, "pending"), withdrawalQueue(db, org, today), capitalFigure!]);
        const dueValue = queue.payable.reduce((t, r) => t + BigInt(r.amount), 0n);
        const inForce = queue.suspensions.filter((s) => s.from_on <= today && (!s.until_on || s.until_on >= today));
        return {
          capital: money(capital.capital),
          applications: applications.length,
          withdrawalsDue: queue.payable.length,
          withdrawalsDueValue: dueValue > 0n ? money(dueValue) : null,
          withdrawalsWaiting: queue.waiting.length,
          suspension: inForce[0]?.reason ?? null,
        };
      })()
    : null;

  const meetingsReady = permissions.has("meetings:manage")
    ? db
          .selectFrom("motions as m")
          .innerJoin("meetings as g", (j) => j.onRef("g.id", "=", "m.meeting_id").onRef("g.organisation_id", "=", "m.organisation_id"))
          .select([
            "m.id", "m.title", "m.kind", "m.closes_at", "g.title as meeting", "m.eligible_count",
            sql<string>`(select count(*) from participations p where p.organisation_id = m.organisation_id and p.motion_id = m.id)`.as("voted"),
          ])
          .where("m.organisation_id", "=", org)
          .where("m.status", "=", "open")
          .execute()
          .then((rows) => rows.map((m) => ({ id: m.id, title: m.title, kind: m.kind, meeting: m.meeting, voted: Number(m.voted), eligible: m.eligible_count ?? 0, closesIn: closesIn(m.closes_at) })))
    : null;

  const lendingReady = permissions.has("loans:read")
    ? (async () => {
        const [committee, portfolio] = await Promise.all([
          db
            .selectFrom("loan_applications")
            .select(sql<string>`count(*)`.as("n"))
            .where("organisation_id", "=", org)
            .where("status", "=", "committee")
            .executeTakeFirstOrThrow(),
          portfolioFigure!.then((p) => portfolioText(p, currency)),
        ]);
        return {
          asAt: today,
          loans: portfolio.loans,
          outstanding: portfolio.outstanding,
          par30Percent: portfolio.par30,
          awaitingCommittee: Number(committee.n),
        };
      })()
    : null;

  // The impact headlines show the same headline figures: asked for once.
  const impactReady = impact
    ? impactHeadlines(db, org, today, currency, Promise.all([portfolioFigure!, membersFigure!, capitalFigure!]).then(([portfolio, members, capital]) => headlineText({ asAt: today, portfolio, members, capital }, currency)))
    : null;

  const [members, mine, shares, meetings, lending, impactFigures] = await Promise.all([countsReady, mineReady, sharesReady, meetingsReady, lendingReady, impactReady]);

  const counts = members ? { members: members.members, suspended: members.suspended, applied: members.applied, ceased: members.ceased } : null;

  return { counts, mine, shares, meetings, lending, impact: impactFigures };
}
