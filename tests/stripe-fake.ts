/**
 * A local fake of the Stripe API calls the app makes (creating a Checkout
 * session, reading one back, refunding a payment), for Stripe's own library
 * to talk to in tests, plus webhook events signed as Stripe signs them
 * (generateTestHeaderString).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { appTestBed } from "./http";

export interface FakeStripe {
  /** Each request: its idempotency key and form body. */
  calls: { idempotencyKey: string | undefined; body: URLSearchParams }[];
  /** Sessions by idempotency key (a retry with the same key gets the same session). */
  sessions: Map<string, Record<string, unknown>>;
  /** Refunds by idempotency key (a retry with the same key gets the same refund, as Stripe answers). */
  refunds: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts the fake and points the app's Stripe settings (read at call time) at it. */
export async function startFakeStripe(webhookSecret: string, idPrefix = "cs_test_"): Promise<FakeStripe> {
  const calls: FakeStripe["calls"] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const refunds = new Map<string, Record<string, unknown>>();
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const json = (status: number, body: unknown) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
      const sessionPath = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(req.url ?? "");
      if (req.method === "GET" && sessionPath) {
        const found = [...sessions.values()].find((x) => x.id === sessionPath[1]);
        json(found ? 200 : 404, found ? { ...found, payment_intent: paymentIntentFor(String(found.id)) } : { error: { message: "No such checkout session" } });
        return;
      }
      if (req.method === "POST" && req.url === "/v1/refunds") {
        const key = req.headers["idempotency-key"] as string | undefined;
        const body = new URLSearchParams(raw);
        calls.push({ idempotencyKey: key, body });
        let refund = key ? refunds.get(key) : undefined;
        if (!refund) {
          refund = { id: `re_test_${refunds.size + 1}`, object: "refund", payment_intent: body.get("payment_intent"), status: "succeeded" };
          if (key) refunds.set(key, refund);
        }
        json(200, refund);
        return;
      }
      if (req.method !== "POST" || req.url !== "/v1/checkout/sessions") {
        res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { message: "not faked" } }));
        return;
      }
      const key = req.headers["idempotency-key"] as string | undefined;
      const body = new URLSearchParams(raw);
      calls.push({ idempotencyKey: key, body });
      let session = key ? sessions.get(key) : undefined;
      if (!session) {
        const id = `${idPrefix}${sessions.size + 1}`;
        const metadata = Object.fromEntries([...body.entries()].filter(([k]) => k.startsWith("metadata[")).map(([k, v]) => [k.slice(9, -1), v]));
        const amount = Number(body.get("line_items[0][price_data][unit_amount]")) * Number(body.get("line_items[0][quantity]"));
        session = { id, object: "checkout.session", url: `https://checkout.stripe.test/pay/${id}`, amount_total: amount, client_reference_id: body.get("client_reference_id"), metadata, payment_status: "unpaid", mode: "payment" };
        if (key) sessions.set(key, session);
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(session));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  process.env.STRIPE_SECRET_KEY = "sk_test_fake_key";
  process.env.STRIPE_WEBHOOK_SECRET = webhookSecret;
  process.env.STRIPE_API_BASE = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    calls,
    sessions,
    refunds,
    close: () =>
      new Promise<void>((r) => {
        delete process.env.STRIPE_SECRET_KEY;
        delete process.env.STRIPE_WEBHOOK_SECRET;
        delete process.env.STRIPE_API_BASE;
        server.close(() => r());
      }),
  };
}

/** The payment a paid session made (the fake's own naming). */
export function paymentIntentFor(sessionId: string) {
  return `pi_for_${sessionId}`;
}

/** The checkout.session.completed event Stripe sends once a session is paid. */
export function completedCheckoutEvent(id: string, session: Record<string, unknown>) {
  const paid = { ...session, payment_status: "paid", status: "complete", payment_intent: paymentIntentFor(String(session.id)) };
  return JSON.stringify({ id, object: "event", type: "checkout.session.completed", api_version: "2025-01-01", created: Math.floor(Date.now() / 1000), data: { object: paid } });
}

/** POSTs an event to the app's webhook, signed with `secret` (or the given signature header). */
export function sendWebhook(base: string, payload: string, secret: string, signature = Stripe.webhooks.generateTestHeaderString({ payload, secret })) {
  return fetch(`${base}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": signature }, body: payload });
}

/**
 * Before a test file's tests: the fake Stripe (with this webhook secret and
 * session id prefix), the test database and the app over HTTP; all stop
 * after them. Read the fields inside tests. `webhook` posts an event to the
 * app signed with the secret (or with the given signature header).
 */
export function stripeTestBed(webhookSecret: string, idPrefix?: string) {
  const bed = appTestBed() as ReturnType<typeof appTestBed> & { fake: FakeStripe; webhook(payload: string, signature?: string): Promise<Response> };
  bed.webhook = (payload, signature) => sendWebhook(bed.server.base, payload, webhookSecret, signature);
  beforeAll(async () => {
    bed.fake = await startFakeStripe(webhookSecret, idPrefix);
  });
  afterAll(async () => bed.fake?.close());
  return bed;
}
