import type Stripe from "stripe";
import { refundNeeded } from "~/domain/card-payments";
import { displayLongDate } from "~/domain/locale";
import { displayMoney } from "~/domain/money";
import type { Database, Executor } from "~/utils/db.server";
import { recordAudit } from "~/models/core/audit.server";
import { borrowersOfMember } from "~/models/lending/borrowers.server";
import { queueEmail } from "~/models/core/outbox.server";
import { organisationMoneyStyle, organisationToday } from "~/models/core/organisations.server";
import { getLoan, recordRepayment } from "~/models/lending/loans.server";
import { paymentIntentOf, queueCardRefund } from "~/models/payments/card-refunds.server";
import { lockPendingPayment, notPaidInFull, startCheckout } from "~/models/payments/checkout.server";
import type { WebhookOutcome } from "~/domain/card-payments";
import { Refusal, type Refused } from "~/domain/refusal";

/*
 * A borrower repays by card through Stripe Checkout. As with shares (the
 * skeleton both share: checkout.server.ts), the page only records a pending
 * payment and sends the borrower to Stripe; the repayment is recorded when Stripe's signed checkout.session.completed
 * arrives (processed once: see handleStripeEvent in payments/stripe-webhooks.server.ts),
 * allocated like any other repayment, with the card as its method.
 */
export const LOAN_REPAYMENT_KIND = "loan-repayment";

export async function startCardRepayment(
  db: Database,
  stripe: Stripe,
  input: { organisationId: string; currency: string; actorUserId: string; memberId: string | null; loanId: string; amount: bigint; idempotencyKey: string; appUrl: string },
): Promise<Refused | { ok: true; url: string }> {
  return startCheckout(db, stripe, {
    table: "loan_card_payments",
    organisationId: input.organisationId,
    idempotencyKey: input.idempotencyKey,
    transaction: (work) => db.transaction().execute(work),
    reused: (existing) => (existing.organisation_id !== input.organisationId || existing.loan_id !== input.loanId ? { ok: false, reason: "This form was already used; reload the page." } : null),
    record: async (trx) => {
      // Only the member's own businesses' loans, and only active ones.
      const borrowers = input.memberId ? await borrowersOfMember(trx, input.organisationId, input.memberId) : [];
      const loan = await getLoan(trx, input.organisationId, input.loanId);
      if (!loan || !borrowers.some((b) => b.id === loan.borrower_id)) return { ok: false, reason: "No such loan." };
      if (loan.status !== "active") return { ok: false, reason: `Loan ${loan.reference} is not open for repayments.` };
      if (input.amount <= 0n) return { ok: false, reason: "The amount must be more than zero." };
      const payment = await trx
        .insertInto("loan_card_payments")
        .values({ organisation_id: input.organisationId, loan_id: loan.id, amount: input.amount, idempotency_key: input.idempotencyKey, created_by: input.actorUserId })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { organisationId: input.organisationId, actorUserId: input.actorUserId, action: "loan.card_payment_started", entityType: "loan", entityId: loan.id, after: { paymentId: payment.id, amount: input.amount } });
      return { ok: true, payment };
    },
    session: async (payment) => {
      // Read again rather than carried from step 1, so a retry of a payment whose session was never stored asks Stripe for the same session.
      const loan = await getLoan(db, input.organisationId, payment.loan_id);
      return {
        mode: "payment",
        line_items: [{ quantity: 1, price_data: { currency: input.currency.toLowerCase(), unit_amount: Number(payment.amount), product_data: { name: `Repayment of loan ${loan?.reference ?? ""}` } } }],
        client_reference_id: payment.id,
        metadata: { kind: LOAN_REPAYMENT_KIND, loanPaymentId: payment.id, organisationId: input.organisationId },
        success_url: `${input.appUrl}/my/loans?paid=${payment.id}`,
        cancel_url: `${input.appUrl}/my/loans?cancelled=1`,
      };
    },
    fallbackUrl: `${input.appUrl}/my/loans`,
  });
}

/** The webhook's half: record the repayment once, or refund the payment if the loan cannot take it. */
export async function completeLoanCheckout(trx: Executor, session: Stripe.Checkout.Session, now: Date): Promise<WebhookOutcome> {
  const payment = await lockPendingPayment(trx, "loan_card_payments", session.metadata?.loanPaymentId);
  if (!payment) return "ignored";
  const fail = async (failure: string) => {
    await trx.updateTable("loan_card_payments").set({ status: "failed", failure, stripe_session_id: session.id }).where("id", "=", payment.id).execute();
    await recordAudit(trx, { organisationId: payment.organisation_id, actorUserId: null, action: "loan.card_payment_failed", entityType: "loan", entityId: payment.loan_id, after: { paymentId: payment.id, failure } });
    return "refused" as const;
  };
  const unpaid = notPaidInFull(session, payment.amount);
  if (unpaid) return fail(unpaid);
  const loan = await getLoan(trx, payment.organisation_id, payment.loan_id);
  if (!loan) return "ignored";
  const today = await organisationToday(trx, payment.organisation_id, now);
  let recorded;
  try {
    // recordRepayment locks the loan and decides on what it reads then: webhooks for the same loan queue up.
    recorded = await recordRepayment(trx, null, payment.organisation_id, loan.id, { amount: BigInt(payment.amount), onDate: today, method: "card", note: `Card payment ${session.id}` }, today);
  } catch (error) {
    // Paid, but the loan cannot take it (repaid meanwhile, or more than the pay-off): never over-record; refund it.
    if (error instanceof Refusal) {
      await queueCardRefund(trx, { organisationId: payment.organisation_id, kind: "loan", paymentId: payment.id, paymentIntent: paymentIntentOf(session) });
      return fail(refundNeeded(error.message));
    }
    throw error;
  }
  await trx
    .updateTable("loan_card_payments")
    .set({ status: "paid", paid_at: new Date(), loan_transaction_id: BigInt(recorded.transactionId), stripe_session_id: session.id })
    .where("id", "=", payment.id)
    .execute();
  const contact = await trx.selectFrom("borrowers").select(["contact_email", "contact_name"]).where("organisation_id", "=", payment.organisation_id).where("id", "=", loan.borrower_id).executeTakeFirst();
  if (contact?.contact_email) {
    const money = await organisationMoneyStyle(trx, payment.organisation_id);
    await queueEmail(trx, {
      organisationId: payment.organisation_id,
      to: contact.contact_email,
      subject: `Payment received on loan ${loan.reference}`,
      body: `Dear ${contact.contact_name || "borrower"},\n\nThank you: your card payment of ${displayMoney(BigInt(payment.amount), money)} on loan ${loan.reference} has been received and recorded on ${displayLongDate(today, money.locale)}.\n`,
    });
  }
  return "processed";
}
