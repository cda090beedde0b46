import type { ActionFunctionArgs } from "@remix-run/node";
import { handleGoCardlessEvents } from "~/models/payments/gocardless-webhooks.server";
import type { RouteAccess } from "~/utils/access";
import { getDb } from "~/utils/db.server";
import { BadWebhookSignature, goCardlessClient, verifyGoCardlessWebhook } from "~/utils/gocardless.server";

/** GoCardless's calls carry no session: the signature over the raw body is the check. */
export const access: RouteAccess = { action: "public" };

export async function action({ request }: ActionFunctionArgs) {
  const raw = await request.text();
  let events;
  try {
    events = verifyGoCardlessWebhook(raw, request.headers.get("webhook-signature"));
  } catch (error) {
    // 498 "Invalid Token" is what GoCardless's documentation asks for; nothing has been stored.
    if (error instanceof BadWebhookSignature) return new Response(`Webhook refused: ${error.message}`, { status: 498 });
    throw error;
  }
  const outcomes = await handleGoCardlessEvents(await getDb(), events, new Date(), goCardlessClient());
  return Response.json({ received: events.length, outcomes });
}
