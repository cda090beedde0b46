import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { LineChartWithTable } from "~/components/charts";
import { LoanList } from "~/components/lending/tables";
import { PageHead, Pagination, Stat, TableWrap } from "~/components/ui";
import { fromDay, toDay } from "~/domain/calendar";
import { addPeriods } from "~/domain/lending/dates";
import { basisPoints, basisPointsText } from "~/domain/percent";
import { displayMoney } from "~/domain/money";
import { portfolioHeadline, portfolioText } from "~/models/core/headline-figures.server";
import { portfolioLoansPage } from "~/models/lending/portfolio.server";
import { arrearsSnapshots, installmentsDue } from "~/models/lending/loans.server";
import { loanListRow } from "~/models/lending/loan-views.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { queryParams } from "~/web/params.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "loans:read" };
export const meta: MetaFunction = () => [{ title: "Lending · Co-op Register" }];

const parPercent = (v: number) => `${v.toFixed(2)}%`;

/** Loans per page in each list: a book of 100,000 loans is read a page at a time (the CSV has them all). */
export const LOANS_PAGE_SIZE = 50;
const pageNumber = z.coerce.number().int().min(1).max(1_000_000).catch(1);
/** Each list pages apart: `page` (all loans), `late` (in arrears), `mine` (the officer's own), `due` (due this week). */
const ListPages = z.object({ page: pageNumber, late: pageNumber, mine: pageNumber, due: pageNumber });

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "loans:read");
  const pages = queryParams(request, ListPages);
  const db = await getDb();
  const org = ctx.organisation.id;
  const today = clock.today(ctx.organisation);
  const weekEnd = fromDay(toDay(today) + 7);
  const isOfficer = ctx.permissions.has("loans:write");
  // The figures are the whole book's (portfolioHeadline, in the database); the lists are a page each.
  const [all, late, mine, portfolio, due, snaps] = await Promise.all([
    portfolioLoansPage(db, org, today, {}, pages.page, LOANS_PAGE_SIZE),
    portfolioLoansPage(db, org, today, { late: true }, pages.late, LOANS_PAGE_SIZE),
    isOfficer ? portfolioLoansPage(db, org, today, { officerUserId: ctx.user.id, active: true }, pages.mine, LOANS_PAGE_SIZE) : null,
    portfolioHeadline(db, org, today),
    installmentsDue(db, org, today, weekEnd, { limit: LOANS_PAGE_SIZE + 1, offset: (pages.due - 1) * LOANS_PAGE_SIZE }),
    arrearsSnapshots(db, org, fromDay(addPeriods(toDay(today), -24, 1, "month"))),
  ]);
  const listPage = (p: NonNullable<typeof all>) => ({ rows: p.rows.map((l) => loanListRow(l, ctx.organisation)), page: p.page, hasNext: p.hasNext });
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
    // The portfolio's headline figures from their one source (ADR 0010), as at today.
    stats: portfolioText(portfolio, ctx.organisation),
    mine: mine ? listPage(mine) : null,
    isOfficer,
    duePage: { page: pages.due, hasNext: due.length > LOANS_PAGE_SIZE },
    due: due.slice(0, LOANS_PAGE_SIZE).map((d) => ({ loanId: d.loan_id, reference: d.reference, borrower: d.legal_name, n: d.n, due: d.due_on, owed: displayMoney(BigInt(d.owed), ctx.organisation) })),
    arrears: listPage(late),
    all: listPage(all),
    trend,
  };
}

export default function Portfolio() {
  const d = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
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
      {d.mine ? (
        <section className="card stack">
          <h2>My loans</h2>
          <LoanList label="Loans I look after" rows={d.mine.rows} empty="You look after no active loans." />
          <Pagination page={d.mine.page} hasNext={d.mine.hasNext} search={search} param="mine" label="Pages of my loans" />
        </section>
      ) : null}
      <section className="card stack">
        <h2>Due this week</h2>
        <TableWrap label="Installments due in the next 7 days">
          <table>
            <caption className="visually-hidden">Installments due from <DateText iso={d.today} long /> for 7 days</caption>
            <thead>
              <tr><th scope="col">Due</th><th scope="col" className="num">Loan</th><th scope="col">Borrower</th><th scope="col" className="num">Installment</th><th scope="col" className="num">Still to pay</th></tr>
            </thead>
            <tbody>
              {d.due.length === 0 ? <tr><td colSpan={5}>Nothing falls due this week.</td></tr> : d.due.map((r) => (
                <tr key={`${r.loanId}-${r.n}`}>
                  <td><DateText iso={r.due} /></td>
                  <td className="num"><Link to={`/loans/${r.loanId}`}>{r.reference}</Link></td>
                  <td>{r.borrower}</td>
                  <td className="num">{r.n}</td>
                  <td className="num">{r.owed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <Pagination page={d.duePage.page} hasNext={d.duePage.hasNext} search={search} param="due" label="Pages of installments due this week" />
      </section>
      <section className="card stack">
        <h2>In arrears</h2>
        <LoanList label="Loans in arrears, latest first" rows={d.arrears.rows} empty="No loan is late." />
        <Pagination page={d.arrears.page} hasNext={d.arrears.hasNext} search={search} param="late" label="Pages of loans in arrears" />
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
        />
      </section>
      <section className="card stack">
        <h2>All loans</h2>
        <p className="muted">{LOANS_PAGE_SIZE} loans a page, by reference; the figures above and the CSV cover the whole book.</p>
        <LoanList label="All loans" rows={d.all.rows} empty="No loans yet." />
        <Pagination page={d.all.page} hasNext={d.all.hasNext} search={search} label="Pages of all loans" />
      </section>
    </>
  );
}
