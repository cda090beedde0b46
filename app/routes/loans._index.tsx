import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LineChartWithTable } from "~/components/charts";
import { LoanList } from "~/components/lending/tables";
import { PageHead, Stat, TableWrap } from "~/components/ui";
import { addPeriods, fromDay, toDay } from "~/domain/lending/dates";
import { basisPoints, basisPointsText } from "~/domain/percent";
import { displayMoney } from "~/domain/money";
import { headlineFigures, headlineText } from "~/models/core/headline-figures.server";
import { arrearsSnapshots, installmentsDue, portfolioLoans } from "~/models/lending/loans.server";
import { loanListRow } from "~/models/lending/loan-views.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";

export const access: RouteAccess = { loader: "loans:read" };
export const meta: MetaFunction = () => [{ title: "Lending · Co-op Register" }];

const parPercent = (v: number) => `${v.toFixed(2)}%`;

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const db = await getDb();
  const org = ctx.organisation.id;
  const today = clock.today(ctx.organisation);
  const weekEnd = fromDay(toDay(today) + 7);
  const [loans, headlines, due, snaps] = await Promise.all([
    portfolioLoans(db, org, today),
    headlineFigures(db, org, today),
    installmentsDue(db, org, today, weekEnd),
    arrearsSnapshots(db, org, fromDay(addPeriods(toDay(today), -24, 1, "month"))),
  ]);
  const mine = loans.filter((l) => l.officer_user_id === ctx.user.id && l.status === "active");
  // One point a month (the last snapshot of each month) keeps the trend readable over two years.
  const monthly = new Map<string, (typeof snaps)[number]>();
  for (const s of snaps) monthly.set(s.as_at.slice(0, 7), s);
  // Chart heights as numbers; the table beside the chart writes them by the one rounding rule (basis points, half-even).
  const bp = (part: bigint, total: bigint) => basisPoints(BigInt(part), BigInt(total));
  const trend = [...monthly.entries()].map(([month, s]) => ({
    month,
    par30: bp(s.par30, s.total_outstanding).toString(),
    par60: bp(s.par60, s.total_outstanding).toString(),
    par90: bp(s.par90, s.total_outstanding).toString(),
  }));
  return {
    today,
    // The headline figures from their one source (ADR 0010), as at today.
    stats: headlineText(headlines, ctx.organisation.currency),
    mine: mine.map(loanListRow),
    isOfficer: ctx.permissions.has("loans:write"),
    due: due.map((d) => ({ loanId: d.loan_id, reference: d.reference, borrower: d.legal_name, n: d.n, due: d.due_on, owed: displayMoney(BigInt(d.owed)) })),
    arrears: loans.filter((l) => l.status === "active" && l.dpd > 0).sort((a, b) => b.dpd - a.dpd).map(loanListRow),
    all: loans.map(loanListRow),
    trend,
  };
}

export default function Portfolio() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title="Lending">
        <Link className="button secondary" to="/applications">Applications</Link>
        <Link className="button secondary" to="/borrowers">Borrowers</Link>
        <Link className="button secondary" to="/products">Loan products</Link>
        <a className="button secondary" href="/loans/portfolio.csv" download>Portfolio (CSV)</a>
      </PageHead>
      <section className="grid" aria-label="Portfolio figures">
        <Stat figure="loans" label="Loans" value={d.stats.loans} hint="with principal still owed" />
        <Stat figure="outstanding" label="Principal outstanding" value={d.stats.outstanding} />
        <Stat figure="par30" label="PAR30" value={d.stats.par30} hint="Principal of loans more than 30 days late, as a share of all principal owed" />
        <Stat figure="par60" label="PAR60" value={d.stats.par60} />
        <Stat figure="par90" label="PAR90" value={d.stats.par90} />
      </section>
      {d.isOfficer ? (
        <section className="card stack">
          <h2>My loans</h2>
          <LoanList label="Loans I look after" rows={d.mine} empty="You look after no active loans." />
        </section>
      ) : null}
      <section className="card stack">
        <h2>Due this week</h2>
        <TableWrap label="Installments due in the next 7 days">
          <table>
            <caption className="visually-hidden">Installments due from {d.today} for 7 days</caption>
            <thead>
              <tr><th scope="col">Due</th><th scope="col" className="num">Loan</th><th scope="col">Borrower</th><th scope="col" className="num">Installment</th><th scope="col" className="num">Still to pay</th></tr>
            </thead>
            <tbody>
              {d.due.length === 0 ? <tr><td colSpan={5}>Nothing falls due this week.</td></tr> : d.due.map((r) => (
                <tr key={`${r.loanId}-${r.n}`}>
                  <td>{r.due}</td>
                  <td className="num"><Link to={`/loans/${r.loanId}`}>{r.reference}</Link></td>
                  <td>{r.borrower}</td>
                  <td className="num">{r.n}</td>
                  <td className="num">{r.owed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <section className="card stack">
        <h2>In arrears</h2>
        <LoanList label="Loans in arrears, latest first" rows={d.arrears} empty="No loan is late." />
        <TableWrap label="Ageing buckets">
          <table>
            <caption>Ageing of the active portfolio by days past due</caption>
            <thead><tr><th scope="col">Days late</th><th scope="col" className="num">Loans</th><th scope="col" className="num">Principal</th></tr></thead>
            <tbody>{d.stats.buckets.map((b) => <tr key={b.name}><th scope="row">{b.name}</th><td className="num">{b.loans}</td><td className="num">{b.principal}</td></tr>)}</tbody>
          </table>
        </TableWrap>
      </section>
      <section className="card stack">
        <h2>Portfolio at risk, month by month</h2>
        <LineChartWithTable
          label={`Portfolio at risk over the last ${d.trend.length} months: PAR30, PAR60 and PAR90 in percent. The same figures are in the table beside the chart.`}
          caption="PAR by month (last snapshot of each month)"
          xLabel="Month"
          series={[
            { key: "par30", label: "PAR30", colour: "#b45309" },
            { key: "par60", label: "PAR60", colour: "#b91c1c" },
            { key: "par90", label: "PAR90", colour: "#4c1d95" },
          ]}
          points={d.trend.map(({ month, ...bps }) => ({
            x: month,
            values: { par30: Number(bps.par30) / 100, par60: Number(bps.par60) / 100, par90: Number(bps.par90) / 100 },
            cells: { par30: basisPointsText(BigInt(bps.par30)), par60: basisPointsText(BigInt(bps.par60)), par90: basisPointsText(BigInt(bps.par90)) },
          }))}
          tick={parPercent}
          responsive
        />
      </section>
      <section className="card stack">
        <h2>All loans</h2>
        <LoanList label="All loans" rows={d.all} empty="No loans yet." />
      </section>
    </>
  );
}
