import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { BarChartWithTable, FigureHead, pct, useMoneyTicks } from "~/components/impact/chart";
import { LineChartWithTable } from "~/components/charts";
import { displayMoney, parseMoney } from "~/domain/money";
import { Flash, PageHead, Stat, TableWrap } from "~/components/ui";
import { impactDashboard } from "~/models/impact/impact-figures.server";
import { AsAtSchema } from "~/schemas/impact";
import { resolveAsAt } from "~/domain/as-at";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { Refusal } from "~/domain/refusal";
import { DateText, useDateWords } from "~/components/dates";
import { StaleFiguresNote } from "~/components/impact/stale-figures";

export const access: RouteAccess = { loader: "impact:read" };
export const meta: MetaFunction = () => [{ title: "Community wealth · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "impact:read");
  const parsed = AsAtSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const today = clock.today(ctx.organisation);
  const { asAt, notice } = resolveAsAt(parsed.success ? parsed.data.asAt : undefined, today);
  const badDate = !parsed.success;
  try {
    const dashboard = await impactDashboard(await getDb(), ctx.organisation.id, asAt, ctx.organisation);
    return { dashboard, error: null, badDate, notice, today, canManage: ctx.permissions.has("organisation:manage"), money: { currency: ctx.organisation.currency, locale: ctx.organisation.locale } };
  } catch (error) {
    if (error instanceof Refusal) return { dashboard: null, error: error.message, badDate, notice, today, canManage: false, money: { currency: ctx.organisation.currency, locale: ctx.organisation.locale } };
    throw error;
  }
}

/** No share of nothing: a gap in the line, not a fall to zero. */
const num = (p: string | null) => (p === null ? null : Number(p));

export default function ImpactDashboard() {
  const { dashboard: d, error, badDate, notice, today, canManage, money: style } = useLoaderData<typeof loader>();
  const dates = useDateWords();
  const { tick: moneyTick } = useMoneyTicks();
  if (!d) return (<><PageHead title="Community wealth" /><Flash tone="error" message={error} /></>);
  const csv = (figure: string) => `/impact/csv?figure=${figure}&asAt=${d.asAt}`;
  const trend = d.trends;
  const money = (plain: string) => displayMoney(parseMoney(plain), style);
  const asAtWords = dates.long(d.asAt);
  return (
    <>
      <PageHead title="Community wealth">
        <Link to="/procurement">Anchor procurement</Link>
        <Link to="/lm3">LM3 calculator</Link>
        <Link to="/reports/annual">Annual return figures</Link>
        {canManage ? <Link to="/impact/settings">Impact settings</Link> : null}
      </PageHead>
      {badDate ? <Flash tone="error" message="That date could not be read, so the figures are as at today." /> : null}
      <Flash tone="info" message={notice} />
      <StaleFiguresNote stale={d.stale} what={`The local shares, breakdowns and trends below are${d.figuresAsAt === d.asAt ? "" : ` as at ${dates.long(d.figuresAsAt)},`}`} />
      <section className="card">
        <Form method="get" className="toolbar">
          <div className="field">
            <label htmlFor="asAt">As at</label>
            <input id="asAt" name="asAt" type="date" defaultValue={d.asAt} max={today} />
          </div>
          <button type="submit">Show figures</button>
        </Form>
        <p className="muted">Figures at the end of <DateText iso={d.asAt} long />; trends over the 24 month ends up to it. Local area: {d.localArea || "not set"}.</p>
      </section>

      <section className="grid" aria-label="Headline figures">
        <Stat figure="members" label="Members" value={d.headline.members} hint={`${d.members.localMembers} local (${pct(d.members.localPercent)})`} />
        <Stat figure="capital" label="Share capital" value={d.headline.capital} />
        <Stat figure="outstanding" label="Lending outstanding" value={d.headline.outstanding} />
        <Stat figure="loans" label="Loans" value={d.headline.loans} hint="with principal still owed" />
        <Stat label="Share capital held by local members" value={d.capital.local} hint={`${pct(d.capital.localPercent)} of ${d.capital.total}${d.capital.hasUnknown ? `; ${d.capital.unknown} held by members without a valid postcode` : ""}`} />
        <Stat label="Lending to local businesses" value={d.lending.local} hint={`${pct(d.lending.localPercent)} of ${d.lending.total} outstanding, ${d.lending.localHolders} of ${d.lending.holders} loans`} />
        <Stat label="Jobs created and safeguarded" value={d.jobs.total} hint={`${d.jobs.created} created, ${d.jobs.safeguarded} safeguarded by businesses we lend to`} />
      </section>

      <section className="card">
        <FigureHead title="Share capital held by local members" csv={csv("capital")} />
        <LineChartWithTable
          label="Share capital in total and held by local members at each month end over 24 months"
          caption="Share capital at each month end"
          xLabel="Month end"
          series={[
            { key: "total", label: "All share capital", colour: "#2b59c3" },
            { key: "local", label: "Held by local members", colour: "#1f6f43" },
          ]}
          points={trend.map((t) => ({
            x: t.monthEnd,
            values: { total: Number(t.capitalTotal), local: Number(t.capitalLocal) },
            cells: { total: money(t.capitalTotal), local: `${money(t.capitalLocal)} (${pct(t.capitalLocalPercent)})` },
          }))}
          tick={moneyTick}
        />
      </section>

      <section className="card">
        <FigureHead title="Lending to local businesses" csv={csv("lending")} />
        <LineChartWithTable
          label="Loan principal outstanding in total and to local businesses at each month end over 24 months"
          caption="Lending outstanding at each month end"
          xLabel="Month end"
          series={[
            { key: "total", label: "All lending", colour: "#2b59c3" },
            { key: "local", label: "To local businesses", colour: "#1f6f43" },
          ]}
          points={trend.map((t) => ({
            x: t.monthEnd,
            values: { total: Number(t.lendingTotal), local: Number(t.lendingLocal) },
            cells: { total: money(t.lendingTotal), local: `${money(t.lendingLocal)} (${pct(t.lendingLocalPercent)})` },
          }))}
          tick={moneyTick}
        />
      </section>

      <section className="card">
        <FigureHead title="Local share of capital and lending" csv={csv("capital")} />
        <LineChartWithTable
          label="Local share of share capital and of lending, percent, at each month end"
          caption="Local share at each month end"
          xLabel="Month end"
          series={[
            { key: "capital", label: "Capital held locally", colour: "#1f6f43" },
            { key: "lending", label: "Lending to local businesses", colour: "#b4541a" },
          ]}
          points={trend.map((t) => ({
            x: t.monthEnd,
            values: { capital: num(t.capitalLocalPercent), lending: num(t.lendingLocalPercent) },
            cells: { capital: pct(t.capitalLocalPercent), lending: pct(t.lendingLocalPercent) },
          }))}
          tick={(v) => `${v}%`}
        />
      </section>

      <section className="card">
        <FigureHead title="Jobs created and safeguarded" csv={csv("jobs")} />
        <LineChartWithTable
          label="Jobs created and safeguarded by the businesses lent to, at each month end"
          caption="Jobs at each month end"
          xLabel="Month end"
          series={[
            { key: "created", label: "Created", colour: "#1f6f43" },
            { key: "safeguarded", label: "Safeguarded", colour: "#2b59c3" },
          ]}
          points={trend.map((t) => ({
            x: t.monthEnd,
            values: { created: t.jobsCreated, safeguarded: t.jobsSafeguarded },
            cells: { created: String(t.jobsCreated), safeguarded: String(t.jobsSafeguarded) },
          }))}
        />
      </section>

      <section className="card">
        <FigureHead title="Lending by sector" csv={csv("sector")} />
        <BarChartWithTable label={`Loan principal outstanding by the borrower's sector at ${asAtWords}`} caption="Lending by sector" keyLabel="Sector" countLabel="Loans" rows={d.bySector} />
      </section>

      <section className="card">
        <FigureHead title="Lending by ownership" csv={csv("ownership")} />
        <BarChartWithTable
          label={`Loan principal outstanding by the borrower's ownership (worker co-operatives, social enterprises and others) at ${asAtWords}`}
          caption="Lending by ownership"
          keyLabel="Ownership"
          countLabel="Loans"
          colour="#2b59c3"
          rows={d.byOwnership}
        />
      </section>

      <section className="card">
        <FigureHead title="Lending to women-led and minority-ethnic-led businesses" csv={csv("leadership")} />
        <p className="muted">Loans with principal still owed at <DateText iso={d.asAt} long />, by how the borrower is recorded. A business both women-led and minority-ethnic-led counts in both lines.</p>
        <TableWrap label="Lending to women-led and minority-ethnic-led businesses">
          <table>
            <caption className="visually-hidden">Lending to women-led and minority-ethnic-led businesses at <DateText iso={d.asAt} long /></caption>
            <thead><tr><th scope="col">Businesses</th><th scope="col" className="num">Loans</th><th scope="col" className="num">Principal outstanding</th><th scope="col" className="num">Share of all lending</th></tr></thead>
            <tbody>
              {d.byLeadership.map((l) => (
                <tr key={l.group}><th scope="row">{l.label}</th><td className="num">{l.loans}</td><td className="num">{l.amount}</td><td className="num">{l.percent === null ? "–" : `${l.percent}%`}</td></tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>

      <section className="card">
        <FigureHead title="Member growth" csv={csv("members")} />
        <LineChartWithTable
          label="Members and local members at each month end over 24 months"
          caption="Members at each month end"
          xLabel="Month end"
          series={[
            { key: "members", label: "Members", colour: "#2b59c3" },
            { key: "local", label: "Local members", colour: "#1f6f43" },
            { key: "joined", label: "Joined in month", colour: "#6b4fa0" },
            { key: "left", label: "Left in month", colour: "#b4541a" },
          ]}
          points={trend.map((t) => ({
            x: t.monthEnd,
            values: { members: t.members, local: t.localMembers, joined: t.joined, left: t.left },
            cells: { members: String(t.members), local: String(t.localMembers), joined: String(t.joined), left: String(t.left) },
          }))}
        />
      </section>
    </>
  );
}
