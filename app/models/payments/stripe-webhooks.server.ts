import type Stripe from "stripe";
import type { WebhookOutcome } from "~/domain/card-payments";
import type { Database } from "~/utils/db.server";
import { moneyTransaction } from "~/utils/money-transaction.server";
import { completeLoanCheckout, LOAN_REPAYMENT_KIND } from "~/models/payments/loan-checkout.server";
import { completeShareCheckout } from "~/models/payments/share-checkout.server";

/*
 * Stripe's webhook: one endpoint for every card payment. Events are stored
 * raw under their unique id and processed once, inside the transaction that
 * stores them; each kind of checkout is completed by its own module.
 */

export type { WebhookOutcome };

/**
 * Store and process one verified event exactly once. The INSERT of the
 * event id waits for a concurrent delivery of the same event to commit, and
 * the row lock that follows orders any that remain, so two deliveries never
 * both see it unprocessed.
 */
export async function handleStripeEvent(db: Database, event: Stripe.Event, rawBody: string): Promise<WebhookOutcome> {
  return moneyTransaction(db, async (trx) => {
    await trx.insertInto("stripe_events").values({ id: event.id, type: event.type, payload: rawBody }).onConflict((oc) => oc.column("id").doNothing()).execute();
    const stored = await trx.selectFrom("stripe_events").select(["processed_at"]).where("id", "=", event.id).forUpdate().executeTakeFirstOrThrow();
    if (stored.processed_at) return "duplicate";
    let outcome: WebhookOutcome = "ignored";
    if (event.type === "checkout.session.completed") {
      const session = event.data.object;
      // One webhook for every card payment: loan repayments are told apart by their metadata.
      outcome = session.metadata?.kind === LOAN_REPAYMENT_KIND ? await completeLoanCheckout(trx, session, new Date()) : await completeShareCheckout(trx, session);
    }
    await trx.updateTable("stripe_events").set({ processed_at: new Date(), outcome }).where("id", "=", event.id).execute();
    return outcome;
  });
}

