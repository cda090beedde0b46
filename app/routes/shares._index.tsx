import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { KIND_LABELS, METHOD_LABELS } from "~/components/shares/labels";
import { PageHead, Stat, TableWrap } from "~/components/ui";
import { displayMoney } from "~/domain/money";
import { shareCapital } from "~/models/core/headline-figures.server";
import * as clock from "~/utils/clock.server";
import { classTotals, listShareClasses, recentTransactions } from "~/models/shares/share-classes-and-holdings.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "shares:read" };
export const meta: MetaFunction = () => [{ title: "Share capital · Co-op Register" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "shares:read");
  const db = await getDb();
  const cur = ctx.organisation;
  const today = clock.today(ctx.organisation);
  const [classes, totals, recent, capital] = await Promise.all([
    listShareClasses(db, ctx.organisation.id), classTotals(db, ctx.organisation.id), recentTransactions(db, ctx.organisation.id, 30),
    shareCapital(db, ctx.organisation.id, today),
  ]);
  return {
    // The headline total from its one source (ADR 0010); the per-class lines below are the holdings ledger.verify keeps equal to it.
    capital: displayMoney(capital.capital, cur),
    classes: classes.map((c) => {
      const t = totals.get(c.id);
      return {
        id: c.id, name: c.name, par: displayMoney(BigInt(c.par_value), cur), minHolding: c.min_holding,
        max: c.max_holding_value === null ? "No maximum" : displayMoney(BigInt(c.max_holding_value), cur),
        withdrawable: c.withdrawable, transferable: c.transferable, noticeDays: c.notice_days, rate: (c.interest_rate_bp / 100).toFixed(2),
        holders: t?.holders ?? 0, shares: String(t?.shares ?? 0n), value: displayMoney(t?.value ?? 0n, cur),
      };
    }),
    recent: recent.map((r) => ({ id: String(r.id), kind: r.kind, shares: r.shares, amount: displayMoney(BigInt(r.amount), cur), on: r.effective_on, method: r.method, reference: r.reference, className: r.class_name, member: r.member_name, memberNumber: r.member_number, memberId: r.member_id })),
    canWrite: ctx.permissions.has("shares:write"),
    canGovern: ctx.permissions.has("shares:govern"),
  };
}

export default function Shares() {
  const { capital, classes, recent, canWrite, canGovern } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title="Share capital">
        {canWrite ? <Link className="button" to="/shares/purchase">Record a purchase</Link> : null}
        {canWrite ? <Link className="button secondary" to="/shares/classes/new">Add a share class</Link> : null}
      </PageHead>
      <nav aria-label="Share capital sections" className="toolbar">
        <Link to="/register">Register of members</Link>
        <Link to="/shares/applications">Applications</Link>
        <Link to="/shares/withdrawals">Withdrawals</Link>
        <Link to="/shares/transfers">Transfers</Link>
        <Link to="/shares/interest">Interest</Link>
        {canWrite ? <Link to="/import">Import members</Link> : null}
        {canGovern ? <span className="muted">You can suspend withdrawals and approve transfers and interest runs.</span> : null}
      </nav>
      <div className="grid">
        <Stat figure="capital" label="Share capital" value={capital} />
        <Stat label="Share classes" value={classes.length} />
      </div>
      <section className="card">
        <h2>Share classes</h2>
        <TableWrap label="Share classes">
          <table>
            <thead>
              <tr>
                <th scope="col">Class</th><th scope="col" className="num">Par</th><th scope="col" className="num hide-narrow">Minimum</th>
                <th scope="col" className="num hide-narrow">Maximum</th><th scope="col" className="hide-narrow">Terms</th>
                <th scope="col" className="num">Holders</th><th scope="col" className="num">Shares</th><th scope="col" className="num">Value</th>
              </tr>
            </thead>
            <tbody>
              {classes.length === 0 ? <tr><td colSpan={8}>No share classes yet.</td></tr> : classes.map((c) => (
                <tr key={c.id}>
                  <td><Link to={`/shares/classes/${c.id}`}>{c.name}</Link></td>
                  <td className="num">{c.par}</td>
                  <td className="num hide-narrow">{c.minHolding}</td>
                  <td className="num hide-narrow">{c.max}</td>
                  <td className="hide-narrow">{c.withdrawable ? `Withdrawable, ${c.noticeDays} days' notice` : "Not withdrawable"}{c.transferable ? "; transferable" : ""}; interest {c.rate}%</td>
                  <td className="num">{c.holders}</td>
                  <td className="num">{c.shares}</td>
                  <td className="num">{c.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <section className="card">
        <h2>Latest ledger entries</h2>
        <TableWrap label="Latest ledger entries">
          <table>
            <thead><tr><th scope="col">Date</th><th scope="col">Member</th><th scope="col">Entry</th><th scope="col" className="hide-narrow">Class</th><th scope="col" className="num">Shares</th><th scope="col" className="num">Amount</th><th scope="col" className="hide-narrow">Paid by / reference</th></tr></thead>
            <tbody>
              {recent.length === 0 ? <tr><td colSpan={7}>Nothing recorded yet.</td></tr> : recent.map((r) => (
                <tr key={r.id}>
                  <td><DateText iso={r.on} /></td>
                  <td><Link to={`/shares/members/${r.memberId}`}>{r.member}</Link> <span className="muted">#{r.memberNumber}</span></td>
                  <td>{KIND_LABELS[r.kind] ?? r.kind}</td>
                  <td className="hide-narrow">{r.className}</td>
                  <td className="num">{r.shares}</td>
                  <td className="num">{r.amount}</td>
                  <td className="hide-narrow">{[METHOD_LABELS[r.method], r.reference].filter(Boolean).join(" · ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
    </>
  );
}
