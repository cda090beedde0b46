/**
 * The loan application's page: the application with its money written as
 * strings, the offer's schedule and APR while there is one, the credit
 * committee's votes and where it stands, and the loan once paid out.
 */
import { committeeOutcome, plainRate } from "~/domain/lending/terms";
import { displayMoney as displayIn, formatMinor, parseMoney, type Minor, type MoneyStyle } from "~/domain/money";
import type { Executor } from "~/utils/db.server";
import { APPLICATION_STATUS_LABEL, loanOfApplication, offerSchedule, type Application } from "~/models/lending/applications.server";
import { committeeSize, votesFor } from "~/models/lending/committee.server";
import { getProduct } from "~/models/lending/products.server";

/** The offer is shown from approval until the pay-out (dated as if paid out today). */
const OFFER_SHOWN = ["approved", "offered", "accepted"];

export async function applicationPageData(db: Executor, organisationId: string, app: Application, today: string, style: string | MoneyStyle = "GBP") {
  const displayMoney = (v: Minor) => displayIn(v, style);
  const [product, votes, size, loan] = await Promise.all([
    getProduct(db, organisationId, app.product_id),
    votesFor(db, organisationId, app.id),
    committeeSize(db, organisationId),
    loanOfApplication(db, organisationId, app.id),
  ]);
  const offer = OFFER_SHOWN.includes(app.status) && product ? offerSchedule(product, app, today) : null;
  const income = app.monthly_income;
  const out = app.monthly_outgoings;
  const outcome = committeeOutcome(size, votes.map((v) => v.vote));
  return {
    app: {
      id: app.id, reference: app.reference, status: app.status, statusLabel: APPLICATION_STATUS_LABEL[app.status], borrower: app.legal_name, borrowerId: app.borrower_id,
      product: product?.name ?? "", amount: displayMoney(app.amount), term: app.term_periods, rate: plainRate(app.annual_rate), purpose: app.purpose,
      notes: app.officer_notes, income: income !== null ? formatMinor(income) : "", outgoings: out !== null ? formatMinor(out) : "",
      surplus: income !== null && out !== null ? displayMoney(income - out) : null, decision: app.decision_note, apr: app.offer_apr,
    },
    offer: offer
      ? {
          apr: offer.apr, fee: displayMoney(parseMoney(offer.fee)), totalInterest: displayMoney(parseMoney(offer.totalInterest)), totalRepayment: displayMoney(parseMoney(offer.totalRepayment)),
          rows: offer.installments.map((i) => ({ n: i.n, due: i.due, principal: displayMoney(parseMoney(i.principal)), interest: displayMoney(parseMoney(i.interest)), total: displayMoney(parseMoney(i.total)), balance: displayMoney(parseMoney(i.balance)) })),
        }
      : null,
    votes: votes.map((v) => ({ userId: v.user_id, name: v.name, vote: v.vote, comment: v.comment, at: v.cast_at.toISOString() })),
    committee: { size, quorum: outcome.quorum, reason: outcome.reason, status: outcome.status },
    loanId: loan?.id ?? null,
  };
}
