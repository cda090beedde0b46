import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ScheduleTable } from "~/components/lending/tables";
import { PageHead, Stat, TableWrap } from "~/components/ui";
import { borrowersOfMember } from "~/models/borrowers.server";
import { getLoan, portfolioLoans } from "~/models/loans.server";
import { loanPageData } from "~/models/loans-view.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/utils/session.server";

export const access: RouteAccess = { loader: "self:read" };
export const meta: MetaFunction = () => [{ title: "My loans · Co-op Register" }];

/** A member sees the loans of the borrowers linked to their own register entry, and nothing else. */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:read");
  const db = await getDb();
  const today = new Date().toISOString().slice(0, 10);
  const borrowers = ctx.memberId ? await borrowersOfMember(db, ctx.organisation.id, ctx.memberId) : [];
  const list = await portfolioLoans(db, ctx.organisation.id, today, { borrowerIds: borrowers.map((b) => b.id) });
  const loans = [];
  for (const l of list) {
    const loan = await getLoan(db, ctx.organisation.id, l.id);
    if (!loan) continue;
    const d = await loanPageData(db, ctx.organisation.id, loan, today);
    loans.push({ loan: d.loan, owed: d.owed, arrears: d.arrears, schedule: d.schedule, payments: d.transactions.filter((t) => t.rawKind === "repayment" || t.rawKind === "reversal").map((t) => ({ id: t.id, onDate: t.onDate, kind: t.kind, amount: t.amount })) });
  }
  return { linked: !!ctx.memberId, loans };
}

export default function MyLoans() {
  const { linked, loans } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHead title="My loans" />
      {!linked || loans.length === 0 ? <p>You have no loans with us. If your business borrows from us and you expected to see it here, ask your loan officer to link it to your membership.</p> : null}
      {loans.map(({ loan, owed, arrears, schedule, payments }) => (
        <section key={loan.id} className="card stack" aria-labelledby={`loan-${loan.id}`}>
          <h2 id={`loan-${loan.id}`}>Loan {loan.reference} to {loan.borrower}</h2>
          <div className="grid">
            <Stat label="Still to repay" value={owed.total} hint={`of which principal ${owed.principal}`} />
            <Stat label="Lent" value={loan.principal} hint={`${loan.rate}% a year, APR ${loan.apr}%`} />
            <Stat label="Payments" value={arrears.dpd > 0 ? `${arrears.dpd} days late` : loan.status === "active" ? "Up to date" : loan.status.replace("_", " ")} hint={arrears.dpd > 0 ? `${arrears.overdue} overdue: please talk to us if things are hard.` : undefined} />
          </div>
          <h3>Schedule</h3>
          <ScheduleTable label={`Schedule of loan ${loan.reference}`} rows={schedule} />
          <h3>Payments received</h3>
          <TableWrap label={`Payments on loan ${loan.reference}`}>
            <table>
              <caption className="visually-hidden">Payments received</caption>
              <thead><tr><th scope="col">Date</th><th scope="col">Kind</th><th scope="col" className="num">Amount</th></tr></thead>
              <tbody>
                {payments.length === 0 ? <tr><td colSpan={3}>No payments yet.</td></tr> : payments.map((p) => <tr key={p.id}><td>{p.onDate}</td><td>{p.kind}</td><td className="num">{p.amount}</td></tr>)}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ))}
    </>
  );
}
