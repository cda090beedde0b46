import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MemberShares } from "~/components/shares/member-shares";
import { Flash, PageHead, StatusBadge, TableWrap } from "~/components/ui";
import { HowToPay } from "~/components/treasury/how-to-pay";
import { describeCardPayment } from "~/domain/card-payments";
import { displayMoney } from "~/domain/money";
import { displayLongDate } from "~/domain/locale";
import { getMember } from "~/models/shares/members.server";
import { memberPayments } from "~/models/payments/share-checkout.server";
import { listTransfers } from "~/models/shares/transfers.server";
import { suspensionsForMember } from "~/models/shares/withdrawals.server";
import { SuspensionNotice } from "~/components/shares/suspension-notice";
import { memberSharesView } from "~/models/shares/share-views.server";
import { memberPaymentReference, memberReceipts, payingDetails } from "~/models/treasury/payments-in.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { requirePermission } from "~/web/session.server";
import * as clock from "~/utils/clock.server";
import { DateText } from "~/components/dates";

export const access: RouteAccess = { loader: "self:read" };
export const meta: MetaFunction = () => [{ title: "My membership · Co-op Register" }];

/** What the pages that send a member back here say, by the parameter they add. */
const FLASHES = {
  paid: "Thank you. Your shares appear here as soon as the card payment is confirmed.",
  notice: "Your notice of withdrawal has been recorded.",
  transfer: "Your transfer has been sent to the board; it takes effect when they approve it.",
};

const RECEIVED_BY: Record<string, string> = { bank_transfer: "Bank transfer", card: "Card", direct_debit: "Direct Debit", cash: "Cash", cheque: "Cheque", import: "Brought in from earlier records", admission: "On joining" };

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requirePermission(request, "self:read");
  const url = new URL(request.url);
  const flash = Object.entries(FLASHES).find(([param]) => url.searchParams.has(param))?.[1] ?? null;
  if (!ctx.memberId) return { member: null, view: null, payments: [], transfers: [], flash, canWrite: false, paying: null, received: [], suspensions: [] };
  const db = await getDb();
  const member = await getMember(db, ctx.organisation.id, ctx.memberId);
  if (!member) return { member: null, view: null, payments: [], transfers: [], flash, canWrite: false, paying: null, received: [], suspensions: [] };
  const today = clock.today(ctx.organisation);
  return {
    member: { name: member.name, number: member.member_number, status: member.status, admittedOn: member.admitted_on && displayLongDate(member.admitted_on, ctx.organisation.locale), ceasedOn: member.ceased_on && displayLongDate(member.ceased_on, ctx.organisation.locale) },
    view: await memberSharesView(db, ctx.organisation.id, member.id, ctx.organisation, today),
    suspensions: await suspensionsForMember(db, ctx.organisation.id, member.id, today),
    payments: (await memberPayments(db, ctx.organisation.id, member.id)).map((p) => ({
      id: p.id,
      on: clock.dayOf(p.created_at, ctx.organisation),
      shares: p.shares,
      amount: displayMoney(BigInt(p.amount), ctx.organisation),
      state: describeCardPayment(p),
    })),
    transfers: (await listTransfers(db, ctx.organisation.id, member.id)).map((t) => ({
      id: t.id,
      on: t.requested_on,
      what: t.from_number === member.member_number ? `${t.shares} ${t.class_name} to ${t.to_name} (no. ${t.to_number})` : `${t.shares} ${t.class_name} from ${t.from_name} (no. ${t.from_number})`,
      state: t.status === "pending" ? "Waiting for the board" : t.status === "approved" ? `Approved on ${t.decided_on ? displayLongDate(t.decided_on, ctx.organisation.locale) : "—"}` : `Not approved${t.note ? `: ${t.note}` : ""}`,
    })),
    flash,
    canWrite: ctx.permissions.has("self:write") && member.status !== "ceased",
    paying: { details: await payingDetails(db, ctx.organisation.id), reference: memberPaymentReference(member.member_number) },
    received: (await memberReceipts(db, ctx.organisation.id, member.id)).map((r) => ({ id: r.id, on: r.on, amount: displayMoney(r.amount, ctx.organisation), how: RECEIVED_BY[r.method] ?? "", reversed: r.reversed })),
  };
}

export default function MyMembership() {
  const { member, view, payments, transfers, flash, canWrite, paying, received, suspensions } = useLoaderData<typeof loader>();
  if (!member || !view) {
    return (
      <>
        <PageHead title="My membership" />
        <p>Your log-in is not linked to an entry in this society&apos;s register. If you are a member, ask the secretary to link it.</p>
      </>
    );
  }
  const year = new Date().getFullYear() - 1;
  return (
    <>
      <PageHead title="My membership">
        {canWrite ? <Link className="button" to="/my/buy">Buy shares</Link> : null}
        {canWrite ? <Link className="button secondary" to="/my/direct-debit">Buy monthly by Direct Debit</Link> : null}
        {canWrite ? <Link className="button secondary" to="/my/withdraw">Withdraw shares</Link> : null}
        {canWrite ? <Link className="button secondary" to="/my/transfer">Transfer shares</Link> : null}
        <a href={`/my/statement?year=${year}`}>Statement for {year} (PDF)</a>
      </PageHead>
      <Flash message={flash} />
      <p>{member.name} · member no. {member.number} · <StatusBadge status={member.status} />{member.admittedOn ? ` · member since ${member.admittedOn}` : ""}{member.ceasedOn ? ` · ceased ${member.ceasedOn}` : ""}</p>
      <SuspensionNotice suspensions={suspensions} />
      <MemberShares view={view} certificateHref={(id) => `/my/certificates/${id}`} />
      {paying ? <HowToPay details={paying.details} reference={paying.reference} what="for shares" /> : null}
      <section className="stack" aria-labelledby="received-heading">
        <h2 id="received-heading">Payments received for shares</h2>
        {received.length ? (
          <TableWrap label="Payments received for your shares">
            <table>
              <thead><tr><th scope="col">Date</th><th scope="col" className="num">Amount</th><th scope="col">How</th></tr></thead>
              <tbody>{received.map((r) => <tr key={r.id}><td><DateText iso={r.on} /></td><td className="num">{r.amount}</td><td>{r.how}{r.reversed ? " (reversed)" : ""}</td></tr>)}</tbody>
            </table>
          </TableWrap>
        ) : <p>No payments for shares have been recorded yet.</p>}
      </section>
      {transfers.length ? (
        <section className="stack" aria-labelledby="transfers-heading">
          <h2 id="transfers-heading">Transfers</h2>
          <TableWrap label="Your share transfers">
            <table>
              <thead>
                <tr><th scope="col">Asked on</th><th scope="col">Shares</th><th scope="col">Where it stands</th></tr>
              </thead>
              <tbody>
                {transfers.map((t) => (
                  <tr key={t.id}><td><DateText iso={t.on} /></td><td>{t.what}</td><td>{t.state}</td></tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
      {payments.length ? (
        <section className="stack" aria-labelledby="card-payments-heading">
          <h2 id="card-payments-heading">Card payments</h2>
          <TableWrap label="Your card payments for shares">
            <table>
              <thead>
                <tr><th scope="col">Started</th><th scope="col" className="num">Shares</th><th scope="col" className="num">Amount</th><th scope="col">Where it stands</th></tr>
              </thead>
              <tbody>
                {payments.map((p) => (
                  <tr key={p.id}><td><DateText iso={p.on} /></td><td className="num">{p.shares}</td><td className="num">{p.amount}</td><td>{p.state}</td></tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
    </>
  );
}
