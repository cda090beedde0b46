import { Link } from "@remix-run/react";
import { StatusBadge, TableWrap } from "~/components/ui";
import { KIND_LABELS, METHOD_LABELS } from "./labels";
import { DateText } from "~/components/dates";

interface View {
  holdings: { classId: string; className: string; shares: string; value: string; par: string }[];
  transactions: { id: string; kind: string; className: string; shares: number; amount: string; on: string; method: string; reference: string }[];
  certificates: { id: string; number: number; className: string; shares: string; issuedOn: string; cancelledOn: string | null; replacedBy: number | null }[];
  withdrawals: { id: string; className: string; shares: number; amount: string; leaving: boolean; requestedOn: string; dueOn: string; status: string; paidOn: string | null; waiting: string | null }[];
  total: string;
}

/** Holdings, ledger, certificates and withdrawal notices of one member: the same on /my and the secretary's page. */
export function MemberShares({ view, certificateHref }: { view: View; certificateHref: (id: string) => string }) {
  return (
    <>
      <section className="card">
        <h2>Holdings</h2>
        <TableWrap label="Holdings by share class">
          <table>
            <thead><tr><th scope="col">Share class</th><th scope="col" className="num">Shares</th><th scope="col" className="num">Value</th><th scope="col" className="num hide-narrow">Par value</th></tr></thead>
            <tbody>
              {view.holdings.length === 0 ? <tr><td colSpan={4}>No shares held.</td></tr> : view.holdings.map((h) => (
                <tr key={h.classId}><td>{h.className}</td><td className="num">{h.shares}</td><td className="num">{h.value}</td><td className="num hide-narrow">{h.par}</td></tr>
              ))}
            </tbody>
            <tfoot><tr><th scope="row">Total</th><td /><td className="num">{view.total}</td><td className="hide-narrow" /></tr></tfoot>
          </table>
        </TableWrap>
      </section>
      {view.withdrawals.length ? (
        <section className="card">
          <h2>Withdrawal notices</h2>
          <TableWrap label="Withdrawal notices">
            <table>
              <thead><tr><th scope="col">Given</th><th scope="col">Class</th><th scope="col" className="num">Shares</th><th scope="col" className="num">Amount</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead>
              <tbody>
                {view.withdrawals.map((w) => (
                  <tr key={w.id}>
                    <td><DateText iso={w.requestedOn} /></td><td>{w.className}{w.leaving ? " (leaving)" : ""}</td><td className="num">{w.shares}</td><td className="num">{w.amount}</td><td><DateText iso={w.dueOn} /></td>
                    <td><StatusBadge status={w.status} />{w.paidOn ? <> <DateText iso={w.paidOn} /></> : ""}{w.waiting ? <div className="muted">{w.waiting}</div> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
      <section className="card">
        <h2>Share certificates</h2>
        <TableWrap label="Share certificates">
          <table>
            <thead><tr><th scope="col" className="num">No.</th><th scope="col">Class</th><th scope="col" className="num">Shares</th><th scope="col">Issued</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {view.certificates.length === 0 ? <tr><td colSpan={5}>No certificates.</td></tr> : view.certificates.map((c) => (
                <tr key={c.id}>
                  <td className="num"><a href={certificateHref(c.id)}>{c.number}<span className="visually-hidden"> (PDF)</span></a></td>
                  <td>{c.className}</td><td className="num">{c.shares}</td><td><DateText iso={c.issuedOn} /></td>
                  <td>{c.cancelledOn ? <>Cancelled <DateText iso={c.cancelledOn} />{c.replacedBy ? `, replaced by no. ${c.replacedBy}` : ""}</> : "Current"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <section className="card">
        <h2>Transactions</h2>
        <TableWrap label="Share transactions">
          <table>
            <thead><tr><th scope="col">Date</th><th scope="col">Entry</th><th scope="col" className="hide-narrow">Class</th><th scope="col" className="num">Shares</th><th scope="col" className="num">Amount</th><th scope="col" className="hide-narrow">Paid by / reference</th></tr></thead>
            <tbody>
              {view.transactions.length === 0 ? <tr><td colSpan={6}>No transactions.</td></tr> : view.transactions.map((t) => (
                <tr key={t.id}>
                  <td><DateText iso={t.on} /></td><td>{KIND_LABELS[t.kind] ?? t.kind}</td><td className="hide-narrow">{t.className}</td><td className="num">{t.shares}</td><td className="num">{t.amount}</td>
                  <td className="hide-narrow">{[METHOD_LABELS[t.method], t.reference].filter(Boolean).join(" · ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
    </>
  );
}

export function BackToShares() {
  return <Link to="/shares">Back to share capital</Link>;
}
