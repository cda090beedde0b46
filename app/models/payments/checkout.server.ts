import type { Selectable, Transaction } from "kysely";
import type Stripe from "stripe";
import type { Refused } from "~/domain/refusal";
import type { Database, Executor } from "~/utils/db.server";
import { lockSubmissionKey } from "~/models/core/form-submissions.server";
import type { DB } from "../../../db/schema";

/*
 * The skeleton both card checkouts share: buying shares
 * (share-checkout.server.ts, table `payments`) and repaying a loan
 * (loan-checkout.server.ts, table `loan_card_payments`).
 *
 * Starting: in one transaction, under the form's one-time key, either the
 * pending payment this key already made or the rules' answer and a new
 * pending payment; nothing else changes (the holding or the loan moves only
 * when Stripe's signed checkout.session.completed arrives). Then, outside
 * the transaction (a network call must not hold locks), a Stripe Checkout
 * session under the same key, so a retry gets the same session back; its
 * address is kept on the payment.
 *
 * Completing: the webhook locks the pending payment the session names and
 * checks Stripe was paid exactly its amount before the area applies it.
 */

type CardPaymentTable = "payments" | "loan_card_payments";
/** A row of either table, with the columns this skeleton reads spelled out (both tables have them). */
type Row<T extends CardPaymentTable> = Selectable<DB[T]> & { id: string; organisation_id: string; status: string; checkout_url: string | null };

function findByKey<T extends CardPaymentTable>(trx: Executor, table: T, idempotencyKey: string) {
  return trx.selectFrom(table as CardPaymentTable).selectAll().where("idempotency_key", "=", idempotencyKey).executeTakeFirst() as Promise<Row<T> | undefined>;
}

/** Send the payer to Stripe Checkout for a pending payment: the one this form's key already made, or a new one the rules allow. */
export async function startCheckout<T extends CardPaymentTable, No extends Refused>(
  db: Database,
  stripe: Stripe,
  spec: {
    table: T;
    organisationId: string;
    idempotencyKey: string;
    /** What step 1 runs in: moneyTransaction for shares (it locks the holding), a plain transaction for loans (nothing on the loan changes yet). */
    transaction: <R>(work: (trx: Transaction<DB>) => Promise<R>) => Promise<R>;
    /** The answer when the key already made a payment for another organisation or another purchase. */
    reused: (existing: Row<T>) => No | null;
    /** Check the rules and record the pending payment (and its audit event). */
    record: (trx: Transaction<DB>) => Promise<No | { ok: true; payment: Row<T> }>;
    /** The Checkout session to ask Stripe for. */
    session: (payment: Row<T>) => Promise<Stripe.Checkout.SessionCreateParams>;
    /** Where to send the payer if Stripe gives no address. */
    fallbackUrl: string;
  },
): Promise<No | { ok: true; url: string }> {
  const prepared = await spec.transaction(async (trx) => {
    await lockSubmissionKey(trx, spec.idempotencyKey);
    const existing = await findByKey(trx, spec.table, spec.idempotencyKey);
    if (existing) return spec.reused(existing) ?? { ok: true as const, payment: existing };
    return spec.record(trx);
  });
  if (!prepared.ok) return prepared;
  const payment = prepared.payment;
  if (payment.checkout_url) return { ok: true, url: payment.checkout_url };
  // The idempotency key makes a retry return the same session.
  const session = await stripe.checkout.sessions.create(await spec.session(payment), { idempotencyKey: spec.idempotencyKey });
  await db
    .updateTable(spec.table as CardPaymentTable)
    .set({ stripe_session_id: session.id, checkout_url: session.url })
    .where("id", "=", payment.id)
    .where("organisation_id", "=", spec.organisationId)
    .execute();
  return { ok: true, url: session.url ?? spec.fallbackUrl };
}

/** The webhook's first half: the pending payment a paid session names, locked; null when there is none to apply. */
export async function lockPendingPayment<T extends CardPaymentTable>(trx: Executor, table: T, paymentId: string | null | undefined): Promise<Row<T> | null> {
  if (!paymentId || !/^[0-9a-f-]{36}$/.test(paymentId)) return null;
  const payment = (await trx.selectFrom(table as CardPaymentTable).selectAll().where("id", "=", paymentId).forUpdate().executeTakeFirst()) as Row<T> | undefined;
  return payment && payment.status === "pending" ? payment : null;
}

/** Why a session cannot pay for the payment (not paid, or not exactly its amount), or null when it pays in full. */
export function notPaidInFull(session: Stripe.Checkout.Session, amount: bigint | number | string): string | null {
  if (session.payment_status === "paid" && BigInt(session.amount_total ?? -1) === BigInt(amount)) return null;
  return `Stripe reported ${session.payment_status}, ${String(session.amount_total)} paid`;
}
