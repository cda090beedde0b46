/**
 * Where a card payment stands, in the words a member reads on their page.
 * A payment that was paid but could not be applied is refunded by a
 * background job (app/models/payments/card-refunds.server.ts).
 */
export interface CardPaymentState {
  status: "pending" | "paid" | "failed";
  failure: string;
  refund_status: "needed" | "refunded" | null;
  refunded_at: Date | string | null;
}

// How a paid payment that could not be applied is recorded: the reason, after this prefix.
const REFUND_NEEDED = "Refund needed: ";

export function refundNeeded(reason: string): string {
  return `${REFUND_NEEDED}${reason}`;
}

/** Why a payment failed, without the prefix that marks it for a refund. */
export function failureReason(failure: string): string {
  return failure.startsWith(REFUND_NEEDED) ? failure.slice(REFUND_NEEDED.length) : failure;
}

export function describeCardPayment(p: CardPaymentState): string {
  const why = failureReason(p.failure);
  if (p.refund_status === "refunded") {
    const on = p.refunded_at ? new Date(p.refunded_at).toISOString().slice(0, 10) : "";
    return `Refunded to your card${on ? ` on ${on}` : ""}: ${why}`;
  }
  if (p.refund_status === "needed") return `Being refunded to your card: ${why}`;
  if (p.status === "paid") return "Paid";
  if (p.status === "pending") return "Waiting for the card payment";
  return `Not taken: ${why}`;
}

/** What became of one Stripe webhook event: the dispatcher records it beside the stored event. */
export type WebhookOutcome = "processed" | "duplicate" | "ignored" | "refused";
