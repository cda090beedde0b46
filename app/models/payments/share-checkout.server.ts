import { moneyTransaction } from "~/utils/money-transaction.server";
import type Stripe from "stripe";
import type { Database, Executor } from "~/utils/db.server";
import { checkPurchase, type MemberStatus } from "~/domain/shares/rules";
import { recordAudit } from "~/models/core/audit.server";
import { queueEmail } from "~/models/core/outbox.server";
import { organisationMoneyStyle, organisationToday } from "~/models/core/organisations.server";
import { getShareClass, lockHolding, memberForShares, memberKind, recordPurchase, toDomainClass, type RuleRefusal } from "~/models/shares/share-classes-and-holdings.server";
import { refundNeeded, type WebhookOutcome } from "~/domain/card-payments";
import { displayMoney } from "~/domain/money";
import { paymentIntentOf, queueCardRefund } from "~/models/payments/card-refunds.server";
import { lockPendingPayment, notPaidInFull, startCheckout } from "~/models/payments/checkout.server";

/*
 * Card payments for shares through Stripe Checkout (the skeleton shared with
 * loan repayments: checkout.server.ts). The holding changes only
 * when Stripe's signed checkout.session.completed arrives: the page that
 * sends the member to Stripe records a pending payment and nothing else.
 * Webhook events are stored raw under their unique id and processed once,
 * inside the transaction that stores them.
 */

export async function startCardPurchase(
  db: Database,
  stripe: Stripe,
  input: { organisationId: string; currency: string; actorUserId: string; memberId: string; classId: string; shares: number; idempotencyKey: string; appUrl: string },
): Promise<RuleRefusal | { ok: true; url: string }> {
  return startCheckout(db, stripe, {
    table: "payments",
    organisationId: input.organisationId,
    idempotencyKey: input.idempotencyKey,
    transaction: (work) => moneyTransaction(db, work),
    reused: (existing) => (existing.organisation_id !== input.organisationId || existing.member_id !== input.memberId ? { ok: false, field: "shares", reason: "This form was already used; reload the page." } : null),
    record: async (trx) => {
      const [member, cls, money] = await Promise.all([memberForShares(trx, input.organisationId, input.memberId), getShareClass(trx, input.organisationId, input.classId), organisationMoneyStyle(trx, input.organisationId)]);
      if (!member || !cls) return { ok: false, field: "classId", reason: "No such share class" };
      const holding = await lockHolding(trx, input.organisationId, input.memberId, input.classId);
      const check = checkPurchase({ cls: toDomainClass(cls), currentShares: holding.shares, buyShares: input.shares, memberStatus: member.status as MemberStatus, memberKind: memberKind(member.kind), money });
      if (!check.ok) return { ok: false, field: check.field === "buyShares" ? "shares" : "classId", reason: check.reason };
      const payment = await trx
        .insertInto("payments")
        .values({ organisation_id: input.organisationId, member_id: input.memberId, class_id: input.classId, shares: input.shares, amount: check.amount, method: "card", idempotency_key: input.idempotencyKey, created_by: input.actorUserId })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { organisationId: input.organisationId, actorUserId: input.actorUserId, action: "share.card_payment_started", entityType: "payment", entityId: payment.id, after: { memberId: input.memberId, classId: input.classId, shares: input.shares, amount: check.amount } });
      return { ok: true, payment };
    },
    session: async (payment) => {
      const cls = await getShareClass(db, input.organisationId, payment.class_id);
      return {
        mode: "payment",
        line_items: [{ quantity: payment.shares, price_data: { currency: input.currency.toLowerCase(), unit_amount: Number(cls!.par_value), product_data: { name: cls!.name } } }],
        client_reference_id: payment.id,
        metadata: { paymentId: payment.id, organisationId: input.organisationId },
        success_url: `${input.appUrl}/my?paid=${payment.id}`,
        cancel_url: `${input.appUrl}/my/buy?cancelled=1`,
      };
    },
    fallbackUrl: `${input.appUrl}/my`,
  });
}

/** A paid Checkout session for shares: the holding changes here, never before; a purchase the rules no longer allow is refunded. */
export async function completeShareCheckout(trx: Executor, session: Stripe.Checkout.Session): Promise<WebhookOutcome> {
  const payment = await lockPendingPayment(trx, "payments", session.metadata?.paymentId ?? session.client_reference_id);
  if (!payment) return "ignored";
  const unpaid = notPaidInFull(session, payment.amount);
  if (unpaid) {
    await trx.updateTable("payments").set({ status: "failed", failure: unpaid }).where("id", "=", payment.id).execute();
    await recordAudit(trx, { organisationId: payment.organisation_id, actorUserId: null, action: "share.card_payment_failed", entityType: "payment", entityId: payment.id, after: { session: session.id, status: session.payment_status } });
    return "refused";
  }
  const on = await organisationToday(trx, payment.organisation_id);
  const result = await recordPurchase(trx, { organisationId: payment.organisation_id, actorUserId: null, memberId: payment.member_id, classId: payment.class_id, shares: payment.shares, on, method: "card", reference: session.id });
  if (!result.ok) {
    // Paid, but the rules no longer allow it (e.g. the maximum was reached meanwhile): refund it, never over-issue.
    await trx.updateTable("payments").set({ status: "failed", failure: refundNeeded(result.reason), paid_at: new Date(), stripe_session_id: session.id }).where("id", "=", payment.id).execute();
    await recordAudit(trx, { organisationId: payment.organisation_id, actorUserId: null, action: "share.card_payment_refused", entityType: "payment", entityId: payment.id, after: { reason: result.reason } });
    await queueCardRefund(trx, { organisationId: payment.organisation_id, kind: "shares", paymentId: payment.id, paymentIntent: paymentIntentOf(session) });
    return "refused";
  }
  await trx.updateTable("payments").set({ status: "paid", paid_at: new Date(), transaction_id: result.transactionId, stripe_session_id: session.id }).where("id", "=", payment.id).execute();
  await recordAudit(trx, { organisationId: payment.organisation_id, actorUserId: null, action: "share.card_payment_completed", entityType: "payment", entityId: payment.id, after: { session: session.id, transactionId: result.transactionId } });
  const member = await memberForShares(trx, payment.organisation_id, payment.member_id);
  if (member?.email) {
    await queueEmail(trx, { organisationId: payment.organisation_id, to: member.email, subject: "Your share purchase", body: `Dear ${member.name},\n\nThank you: your card payment of ${displayMoney(BigInt(payment.amount), await organisationMoneyStyle(trx, payment.organisation_id))} for ${payment.shares} shares has been received and the shares are yours (certificate no. ${result.certificateNumber}).\n` });
  }
  return "processed";
}

export async function memberPayments(db: Executor, organisationId: string, memberId: string) {
  return db
    .selectFrom("payments")
    .select(["id", "shares", "amount", "status", "failure", "refund_status", "refunded_at", "created_at", "paid_at"])
    .where("organisation_id", "=", organisationId)
    .where("member_id", "=", memberId)
    .orderBy("created_at", "desc")
    .limit(20)
    .execute();
}
