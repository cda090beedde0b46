import type Stripe from "stripe";
import { parseEnv } from "./env.server";

/*
 * Stripe, configured from the environment. STRIPE_API_BASE points the
 * library at another server (the tests' local fake); without a secret key
 * card payments are off and the pages say how to turn them on.
 */
let cached: { key: string; base: string | undefined; client: Stripe } | undefined;

// The Stripe library is loaded on first use, not at start-up: most servers
// take few card payments, and the library is a large share of a process's memory.
async function stripeLibrary(): Promise<typeof Stripe> {
  return (await import("stripe")).default;
}

/*
 * Read (and validate) the Stripe settings at call time rather than from the
 * start-up snapshot, so a rotated key takes effect without a restart and a
 * test process can point one server build at its own fake.
 */
function stripeEnv() {
  return parseEnv(process.env);
}

export async function stripeClient(): Promise<Stripe | null> {
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = stripeEnv();
  if (!STRIPE_SECRET_KEY) return null;
  if (cached?.key === STRIPE_SECRET_KEY && cached.base === STRIPE_API_BASE) return cached.client;
  const config: ConstructorParameters<typeof Stripe>[1] = { maxNetworkRetries: 2, timeout: 20_000, telemetry: false };
  if (STRIPE_API_BASE) {
    const url = new URL(STRIPE_API_BASE);
    config.host = url.hostname;
    config.port = url.port || (url.protocol === "http:" ? "80" : "443");
    config.protocol = url.protocol === "http:" ? "http" : "https";
  }
  cached = { key: STRIPE_SECRET_KEY, base: STRIPE_API_BASE, client: new (await stripeLibrary())(STRIPE_SECRET_KEY, config) };
  return cached.client;
}

export function cardPaymentsEnabled() {
  const { STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET } = stripeEnv();
  return !!(STRIPE_SECRET_KEY && STRIPE_WEBHOOK_SECRET);
}

/** What a member is told when card payments are off: no settings, no jargon. The how-to below is for administrators. */
export const CARDS_UNAVAILABLE =
  "Paying by card is not available at the moment. You can still pay by bank transfer or in cash: ask the society's secretary or treasurer how.";

/** Whom to tell what, when card payments are off: the how-to to those who run the society, the plain notice to members. */
export function cardsOffNotice(canManage: boolean): string {
  return canManage ? HOW_TO_ENABLE_CARDS : CARDS_UNAVAILABLE;
}

export const HOW_TO_ENABLE_CARDS =
  "Card payments are not switched on. To take them, set STRIPE_SECRET_KEY (sk_...) and STRIPE_WEBHOOK_SECRET (whsec_...) in the server's environment, and in the Stripe dashboard send the checkout.session.completed event to /webhooks/stripe on this site.";

export class BadSignature extends Error {}

/** Verify a webhook's signature against the raw body; throws BadSignature. */
export async function verifyWebhook(rawBody: string, signature: string | null): Promise<Stripe.Event> {
  const secret = stripeEnv().STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new BadSignature("Stripe webhooks are not configured on this server");
  if (!signature) throw new BadSignature("missing Stripe-Signature header");
  try {
    return (await stripeLibrary()).webhooks.constructEvent(rawBody, signature, secret);
  } catch (error) {
    throw new BadSignature(error instanceof Error ? error.message : "bad signature");
  }
}
