import { sql } from "kysely";
import type Stripe from "stripe";
import { failureReason } from "~/domain/card-payments";
import { displayMoney } from "~/domain/money";
import { organisationMoneyStyle } from "~/models/core/organisations.server";
import type { Database, Executor } from "~/utils/db.server";
import { enqueueJob } from "~/utils/jobs.server";
import { recordAudit } from "~/models/core/audit.server";
import { queueEmail } from "~/models/core/outbox.server";

/*
 * Refunds of card payments that were paid but could not be applied: a share
 * purchase the rules no longer allow (the maximum holding was reached in the
 * meantime), a repayment the loan can no longer take (repaid in the
 * meantime). The webhook marks the payment and queues the refund in its own
 * transaction, so it is queued exactly once; the job asks Stripe for the
 * refund with the payment as idempotency key, so a retried job never refunds
 * twice; then the payer is told.
 */
export const CARD_REFUND_JOB = "cards.refund";

export type CardPaymentKind = "shares" | "loan";
const TABLE = { shares: "payments", loan: "loan_card_payments" } as const;

/** The payment intent of a completed Checkout session (Stripe sends an id, or the object when expanded). */
export function paymentIntentOf(session: Stripe.Checkout.Session): string | null {
  const intent = session.payment_intent;
  return typeof intent === "string" ? intent : (intent?.id ?? null);
}

/** In the webhook's transaction: mark a paid card payment for a refund and queue the refund. */
export async function queueCardRefund(trx: Executor, input: { organisationId: string; kind: CardPaymentKind; paymentId: string; paymentIntent: string | null }) {
  await sql`
    UPDATE ${sql.table(TABLE[input.kind])} SET refund_status = 'needed', stripe_payment_intent = ${input.paymentIntent}
    WHERE organisation_id = ${input.organisationId} AND id = ${input.paymentId} AND refund_status IS NULL
  `.execute(trx);
  await enqueueJob(trx, {
    organisationId: input.organisationId,
    kind: CARD_REFUND_JOB,
    payload: { kind: input.kind, paymentId: input.paymentId },
    uniqueKey: `${CARD_REFUND_JOB}:${input.paymentId}`,
    maxAttempts: 8,
  });
}

interface RefundablePayment {
  id: string;
  amount: bigint;
  refund_status: "needed" | "refunded" | null;
  stripe_payment_intent: string | null;
  stripe_session_id: string | null;
  failure: string;
  payer_email: string | null;
  payer_name: string | null;
}

async function refundablePayment(db: Executor, organisationId: string, kind: CardPaymentKind, paymentId: string) {
  // Who paid: the member for shares, the borrower's contact for a loan.
  const payer =
    kind === "shares"
      ? sql`LEFT JOIN members x ON x.organisation_id = p.organisation_id AND x.id = p.member_id`
      : sql`LEFT JOIN loans l ON l.organisation_id = p.organisation_id AND l.id = p.loan_id
            LEFT JOIN (SELECT organisation_id, id, contact_email AS email, contact_name AS name FROM borrowers) x ON x.organisation_id = l.organisation_id AND x.id = l.borrower_id`;
  const { rows } = await sql<RefundablePayment>`
    SELECT p.id, p.amount, p.refund_status, p.stripe_payment_intent, p.stripe_session_id, p.failure, x.email AS payer_email, x.name AS payer_name
    FROM ${sql.table(TABLE[kind])} p ${payer}
    WHERE p.organisation_id = ${organisationId} AND p.id = ${paymentId}
  `.execute(db);
  return rows[0];
}

/** The job: refund through Stripe, record it, audit it and tell the payer. Safe to run again. */
export async function refundCardPayment(db: Database, stripe: Stripe, organisationId: string, kind: CardPaymentKind, paymentId: string): Promise<"refunded" | "nothing to refund"> {
  const payment = await refundablePayment(db, organisationId, kind, paymentId);
  if (!payment || payment.refund_status !== "needed") return "nothing to refund";
  let intent = payment.stripe_payment_intent;
  if (!intent && payment.stripe_session_id) {
    intent = paymentIntentOf(await stripe.checkout.sessions.retrieve(payment.stripe_session_id));
  }
  if (!intent) throw new Error(`card payment ${paymentId} has no Stripe payment to refund`);
  const refund = await stripe.refunds.create({ payment_intent: intent, metadata: { paymentId, kind } }, { idempotencyKey: `refund-${paymentId}` });
  await db.transaction().execute(async (trx) => {
    const updated = await sql`
      UPDATE ${sql.table(TABLE[kind])} SET refund_status = 'refunded', stripe_refund_id = ${refund.id}, refunded_at = now()
      WHERE organisation_id = ${organisationId} AND id = ${paymentId} AND refund_status = 'needed'
    `.execute(trx);
    if (!Number(updated.numAffectedRows ?? 0)) return;
    await recordAudit(trx, { organisationId, actorUserId: null, action: "card_payment.refunded", entityType: kind === "shares" ? "payment" : "loan_card_payment", entityId: paymentId, after: { refund: refund.id, amount: payment.amount } });
    if (payment.payer_email) {
      const why = failureReason(payment.failure);
      await queueEmail(trx, {
        organisationId,
        to: payment.payer_email,
        subject: "Your card payment has been refunded",
        body: `Dear ${payment.payer_name || "member"},\n\nWe could not apply your card payment of ${displayMoney(BigInt(payment.amount), await organisationMoneyStyle(trx, organisationId))} (${why}), so it has been refunded in full to your card. Refunds usually reach the card within 5 to 10 working days.\n`,
      });
    }
  });
  return "refunded";
}
