import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeEvent } from "~/models/payments/stripe-webhooks.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { BadSignature, verifyWebhook } from "~/utils/stripe.server";

/** Stripe's calls carry no session: the signature over the raw body is the check. */
export const access: RouteAccess = { action: "public" };

export async function action({ request }: ActionFunctionArgs) {
  const raw = await request.text();
  let event;
  try {
    event = await verifyWebhook(raw, request.headers.get("stripe-signature"));
  } catch (error) {
    if (error instanceof BadSignature) return new Response(`Webhook refused: ${error.message}`, { status: 400 });
    throw error;
  }
  const outcome = await handleStripeEvent(await getDb(), event, raw);
  return Response.json({ received: true, outcome });
}
