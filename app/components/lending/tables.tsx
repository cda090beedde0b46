import { Link } from "@remix-run/react";
import { TableWrap } from "~/components/ui";
import { DateText } from "~/components/dates";

/** One installment as loaders send it: money already written for display. */
export interface ScheduleRow {
  /** Installment number, or "Prepaid" for a prepayment row (principal repaid ahead of the schedule). */
  n: number | string;
  key?: string;
  due: string;
  principal: string;
  interest: string;
  total: string;
  balance?: string;
  paid?: string;
  state?: "paid" | "part-paid" | "late" | "due" | "";
}

export function ScheduleTable({ label, rows, totals }: { label: string; rows: ScheduleRow[]; totals?: { principal: string; interest: string; total: string } }) {
  const withPaid = rows.some((r) => r.paid !== undefined);
  const withBalance = rows.some((r) => r.balance !== undefined);
  return (
    <TableWrap label={label}>
      <table>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">No.</th>
            <th scope="col">Due</th>
            <th scope="col" className="num">Principal</th>
            <th scope="col" className="num">Interest</th>
            <th scope="col" className="num">Installment</th>
            {withPaid ? <th scope="col" className="num">Paid</th> : null}
            {withBalance ? <th scope="col" className="num hide-narrow">Balance after</th> : null}
            {withPaid ? <th scope="col">State</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key ?? r.n}>
              <td className="num">{r.n}</td>
              <td><DateText iso={r.due} /></td>
              <td className="num">{r.principal}</td>
              <td className="num">{r.interest}</td>
              <td className="num">{r.total}</td>
              {withPaid ? <td className="num">{r.paid}</td> : null}
              {withBalance ? <td className="num hide-narrow">{r.balance}</td> : null}
              {withPaid ? <td>{r.state ? <span className={`badge ${r.state === "late" ? "late" : r.state}`}>{r.state}</span> : null}</td> : null}
            </tr>
          ))}
        </tbody>
        {totals ? (
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>Total</th>
              <td className="num">{totals.principal}</td>
              <td className="num">{totals.interest}</td>
              <td className="num">{totals.total}</td>
              {withPaid || withBalance ? <td colSpan={(withPaid ? 2 : 0) + (withBalance ? 1 : 0)} /> : null}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </TableWrap>
  );
}

export interface LoanListRow {
  id: string;
  reference: number;
  borrower: string;
  outstanding: string;
  nextDue: string | null;
  dpd: number;
  bucket: string;
  status: string;
}

export function LoanList({ label, rows, empty }: { label: string; rows: LoanListRow[]; empty: string }) {
  return (
    <TableWrap label={label}>
      <table>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">Loan</th>
            <th scope="col">Borrower</th>
            <th scope="col" className="num">Principal owed</th>
            <th scope="col" className="hide-narrow">Next due</th>
            <th scope="col" className="num">Days late</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr><td colSpan={6}>{empty}</td></tr>
          ) : (
            rows.map((r) => (
              <tr key={r.id}>
                <td className="num"><Link to={`/loans/${r.id}`}>{r.reference}</Link></td>
                <td>{r.borrower}</td>
                <td className="num">{r.outstanding}</td>
                <td className="hide-narrow">{r.nextDue ? <DateText iso={r.nextDue} /> : "—"}</td>
                <td className="num">{r.dpd > 0 ? `${r.dpd} (${r.bucket})` : "0"}</td>
                <td><span className={`badge ${r.status}`}>{r.status.replace("_", " ")}</span></td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableWrap>
  );
}
