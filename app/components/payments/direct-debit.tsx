import { Link } from "@remix-run/react";
import { TableWrap } from "~/components/ui";

/** What the pages get from the Direct Debit models (display-ready: amounts are text). */
export interface MandateView {
  id: string;
  status: string;
  words: string;
  live: boolean;
  providerId: string | null;
  authorisationUrl: string | null;
  failure: string;
}
export interface CollectionView {
  id: string;
  installment: number | null;
  amount: string;
  chargeDate: string;
  status: string;
  words: string;
  paymentId: string | null;
  failure: string;
}

/** The mandate in a sentence, with the payer's authorisation page while it waits for them. */
export function MandateFacts({ mandate }: { mandate: MandateView | null }) {
  if (!mandate) return <p>No Direct Debit has been set up for this loan.</p>;
  return (
    <dl className="facts">
      <dt>Mandate</dt>
      <dd>{mandate.words}{mandate.providerId ? <span className="muted"> (GoCardless {mandate.providerId})</span> : null}</dd>
      {mandate.authorisationUrl ? (<><dt>Authorisation page</dt><dd><a href={mandate.authorisationUrl} rel="noreferrer">{mandate.authorisationUrl}</a> <span className="muted">(emailed to the borrower)</span></dd></>) : null}
      {mandate.failure ? (<><dt>Note</dt><dd>{mandate.failure}</dd></>) : null}
    </dl>
  );
}

export function CollectionsTable({ collections, label = "Direct Debit collections" }: { collections: readonly CollectionView[]; label?: string }) {
  if (collections.length === 0) return <p className="muted">No collections yet: they are asked for a couple of weeks before each installment falls due, once the mandate is in place.</p>;
  return (
    <TableWrap label={label}>
      <table>
        <caption className="visually-hidden">{label}, latest first</caption>
        <thead>
          <tr><th scope="col">Charge date</th><th scope="col">Installment</th><th scope="col" className="num">Amount</th><th scope="col">Where it stands</th></tr>
        </thead>
        <tbody>
          {collections.map((c) => (
            <tr key={c.id}>
              <td>{c.chargeDate}</td>
              <td>{c.installment ?? "—"}</td>
              <td className="num">{c.amount}</td>
              <td>{c.words}{c.failure ? <span className="muted">. {c.failure}</span> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The loan page's Direct Debit section: where the mandate stands, the latest collections, and the way to manage it. */
export function LoanDirectDebitSection({ loanId, mandate, collections, canWrite }: { loanId: string; mandate: MandateView | null; collections: readonly CollectionView[]; canWrite: boolean }) {
  return (
    <section className="card stack" aria-labelledby="direct-debit-heading">
      <h2 id="direct-debit-heading">Direct Debit</h2>
      <MandateFacts mandate={mandate} />
      <CollectionsTable collections={collections.slice(0, 6)} />
      {canWrite ? <p><Link to={`/loans/${loanId}/direct-debit`}>{mandate?.live ? "Manage or cancel the Direct Debit" : "Set up a Direct Debit"}</Link></p> : null}
    </section>
  );
}

export interface ShareMandatesView {
  mandates: { id: string; status: string; words: string; live: boolean; className: string; sharesPerMonth: number; day: number; monthly: string; authorisationUrl: string | null }[];
  collections: { id: string; period: string | null; shares: number | null; amount: string; chargeDate: string; words: string; failure: string }[];
}

/** A member's share instalments: each mandate (with a cancel button while it is live) and the latest collections. */
export function ShareMandatesList({ view, submissionKey }: { view: ShareMandatesView; submissionKey: string }) {
  if (view.mandates.length === 0) return null;
  return (
    <section className="card stack" aria-labelledby="instalments-heading">
      <h2 id="instalments-heading">Your monthly instalments</h2>
      <ul className="stack">
        {view.mandates.map((m) => (
          <li key={m.id}>
            {m.sharesPerMonth} {m.className} share{m.sharesPerMonth === 1 ? "" : "s"} ({m.monthly}) on day {m.day} of each month: {m.words}.
            {m.authorisationUrl ? <> <a href={m.authorisationUrl} rel="noreferrer">Finish setting it up with GoCardless</a>.</> : null}
            {m.live ? (
              <form method="post" className="inline">
                <input type="hidden" name="intent" value="cancel" />
                <input type="hidden" name="mandateId" value={m.id} />
                <input type="hidden" name="submissionKey" value={submissionKey} />
                <button type="submit" className="secondary">Cancel this instalment</button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      {view.collections.length ? (
        <TableWrap label="Direct Debit payments for shares">
          <table>
            <caption className="visually-hidden">Direct Debit payments for shares, latest first</caption>
            <thead><tr><th scope="col">Month</th><th scope="col">Charge date</th><th scope="col" className="num">Shares</th><th scope="col" className="num">Amount</th><th scope="col">Where it stands</th></tr></thead>
            <tbody>
              {view.collections.map((c) => (
                <tr key={c.id}><td>{c.period}</td><td>{c.chargeDate}</td><td className="num">{c.shares}</td><td className="num">{c.amount}</td><td>{c.words}{c.failure ? <span className="muted">. {c.failure}</span> : null}</td></tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </section>
  );
}
