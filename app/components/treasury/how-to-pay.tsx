import type { PayingDetails } from "~/domain/treasury/payments-in";

/** How to pay by bank transfer: the organisation's account for payments in and the payer's own reference. */
export function HowToPay({ details, reference, what, headingLevel = 2 }: { details: PayingDetails | null; reference: string; what: string; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const id = `how-to-pay-${reference}`;
  return (
    <section className="card stack" aria-labelledby={id}>
      <Heading id={id}>How to pay by bank transfer</Heading>
      {details ? (
        <>
          <p>Pay {what} by bank transfer or standing order to:</p>
          <dl className="facts">
            <dt>Account name</dt><dd>{details.accountName}</dd>
            {details.bank ? <><dt>Bank</dt><dd>{details.bank}</dd></> : null}
            {details.sortCode ? <><dt>Sort code</dt><dd>{details.sortCode}</dd><dt>Account number</dt><dd>{details.accountNumber}</dd></> : null}
            {details.iban ? <><dt>IBAN</dt><dd>{details.iban}</dd></> : null}
            {details.bic ? <><dt>BIC</dt><dd>{details.bic}</dd></> : null}
            <dt>Reference</dt><dd><strong>{reference}</strong></dd>
          </dl>
          <p>Always give the reference <strong>{reference}</strong>: it is how your payment is recognised.</p>
        </>
      ) : (
        <p>Your reference for payments is <strong>{reference}</strong>. The bank details to pay to have not been set up yet: ask the secretary.</p>
      )}
    </section>
  );
}
