import { createHmac, timingSafeEqual } from "node:crypto";
import { parseEnv } from "./env.server";

/*
 * A thin typed client for the parts of GoCardless's REST API the app uses
 * (ADR 0019): billing requests and their hosted flow (a payer sets up a
 * mandate), mandates, payments; and the check of a webhook's signature.
 * Settings are read at call time, as for Stripe, so a rotated token takes
 * effect without a restart and a test can point the server at its fake.
 */

export const GOCARDLESS_VERSION = "2015-07-06";
const LIVE_BASE = "https://api.gocardless.com";

export type Metadata = Record<string, string>;

export interface GcMandate {
  id: string;
  status: string;
  next_possible_charge_date?: string | null;
  metadata?: Metadata;
}

export interface GcPayment {
  id: string;
  status: string;
  amount: number;
  currency: string;
  charge_date: string;
  metadata?: Metadata;
  links: { mandate: string };
}

export interface GcBillingRequest {
  id: string;
  status: string;
}

export interface GcBillingRequestFlow {
  id: string;
  authorisation_url: string;
}

/** An event of a webhook body. */
export interface GcEvent {
  id: string;
  created_at?: string;
  resource_type: string;
  action: string;
  links: Record<string, string | undefined>;
  details?: { cause?: string; description?: string; reason_code?: string; origin?: string };
}

/** An error GoCardless answered with (its message is the one to show the officer). */
export class GoCardlessError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reasons: { reason?: string; message?: string; links?: Record<string, string> }[] = [],
  ) {
    super(message);
  }
}

export interface GoCardless {
  createBillingRequest(input: { currency: string; description: string; metadata: Metadata }, idempotencyKey: string): Promise<GcBillingRequest>;
  createBillingRequestFlow(input: { billingRequestId: string; redirectUri: string; exitUri: string }): Promise<GcBillingRequestFlow>;
  getMandate(id: string): Promise<GcMandate>;
  cancelMandate(id: string): Promise<GcMandate>;
  createPayment(input: { mandateId: string; amount: bigint; currency: string; chargeDate: string | null; description: string; metadata: Metadata }, idempotencyKey: string): Promise<GcPayment>;
  getPayment(id: string): Promise<GcPayment>;
}

function settings() {
  const e = parseEnv(process.env);
  return { token: e.GOCARDLESS_ACCESS_TOKEN, secret: e.GOCARDLESS_WEBHOOK_SECRET, base: (e.GOCARDLESS_BASE_URL ?? LIVE_BASE).replace(/\/+$/, "") };
}

/** Both settings present: Direct Debit can be offered. */
export function directDebitEnabled(): boolean {
  const s = settings();
  return !!(s.token && s.secret);
}

export const HOW_TO_ENABLE_DIRECT_DEBIT =
  "Direct Debit is not switched on. To collect by Direct Debit, set GOCARDLESS_ACCESS_TOKEN and GOCARDLESS_WEBHOOK_SECRET in the server's environment, and in the GoCardless dashboard send webhooks to /webhooks/gocardless on this site.";

export const DIRECT_DEBIT_UNAVAILABLE = "Paying by Direct Debit is not available at the moment. Ask the society's secretary or treasurer about other ways to pay.";

/** The client, or null when Direct Debit is switched off. */
export function goCardlessClient(): GoCardless | null {
  const { token, base } = settings();
  if (!token) return null;
  return makeClient(base, token);
}

export function makeClient(base: string, token: string): GoCardless {
  async function call<T>(method: "GET" | "POST", path: string, envelope: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      "GoCardless-Version": GOCARDLESS_VERSION,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      throw new GoCardlessError(`GoCardless answered ${res.status} with a body that is not JSON`, res.status);
    }
    if (!res.ok) {
      const err = (json.error ?? {}) as { message?: string; errors?: GoCardlessError["reasons"] };
      throw new GoCardlessError(err.message ?? `GoCardless answered ${res.status}`, res.status, err.errors ?? []);
    }
    const resource = json[envelope];
    if (!resource || typeof resource !== "object") throw new GoCardlessError(`GoCardless's answer has no ${envelope}`, res.status);
    return resource as T;
  }

  /** A create retried with the same key after the first went through: GoCardless answers 409 naming what the first made. */
  async function created<T>(make: () => Promise<T>, fetchExisting: (id: string) => Promise<T>): Promise<T> {
    try {
      return await make();
    } catch (error) {
      const conflict = error instanceof GoCardlessError && error.status === 409 ? error.reasons.find((r) => r.reason === "idempotent_creation_conflict") : undefined;
      const id = conflict?.links?.conflicting_resource_id;
      if (id) return fetchExisting(id);
      throw error;
    }
  }

  const client: GoCardless = {
    createBillingRequest: (input, key) =>
      created(
        () =>
          call<GcBillingRequest>("POST", "/billing_requests", "billing_requests", {
            billing_requests: { mandate_request: { currency: input.currency, description: input.description, metadata: input.metadata }, metadata: input.metadata },
          }, key),
        (id) => call<GcBillingRequest>("GET", `/billing_requests/${encodeURIComponent(id)}`, "billing_requests"),
      ),
    createBillingRequestFlow: (input) =>
      call<GcBillingRequestFlow>("POST", "/billing_request_flows", "billing_request_flows", {
        billing_request_flows: { redirect_uri: input.redirectUri, exit_uri: input.exitUri, links: { billing_request: input.billingRequestId } },
      }),
    getMandate: (id) => call<GcMandate>("GET", `/mandates/${encodeURIComponent(id)}`, "mandates"),
    cancelMandate: (id) => call<GcMandate>("POST", `/mandates/${encodeURIComponent(id)}/actions/cancel`, "mandates", { data: {} }),
    createPayment: (input, key) =>
      created(
        () =>
          call<GcPayment>("POST", "/payments", "payments", {
            payments: {
              amount: Number(input.amount),
              currency: input.currency,
              ...(input.chargeDate ? { charge_date: input.chargeDate } : {}),
              description: input.description,
              metadata: input.metadata,
              links: { mandate: input.mandateId },
            },
          }, key),
        (id) => client.getPayment(id),
      ),
    getPayment: (id) => call<GcPayment>("GET", `/payments/${encodeURIComponent(id)}`, "payments"),
  };
  return client;
}

export class BadWebhookSignature extends Error {}

/**
 * Check a webhook's Webhook-Signature header (the hex HMAC-SHA256 of the raw
 * body under the endpoint's secret) and read its events; throws
 * BadWebhookSignature, before anything is stored.
 */
export function verifyGoCardlessWebhook(rawBody: string, signature: string | null, secret = settings().secret): GcEvent[] {
  if (!secret) throw new BadWebhookSignature("GoCardless webhooks are not configured on this server");
  if (!signature) throw new BadWebhookSignature("missing Webhook-Signature header");
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  const given = /^[0-9a-f]{64}$/i.test(signature.trim()) ? Buffer.from(signature.trim(), "hex") : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BadWebhookSignature("the signature does not match");
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw new BadWebhookSignature("the body is not JSON");
  }
  const events = (parsed as { events?: unknown }).events;
  if (!Array.isArray(events)) return [];
  return events.filter(
    (e): e is GcEvent =>
      !!e && typeof e === "object" && typeof (e as GcEvent).id === "string" && typeof (e as GcEvent).resource_type === "string" && typeof (e as GcEvent).action === "string" && typeof (e as GcEvent).links === "object" && (e as GcEvent).links !== null,
  );
}

/** The signature GoCardless puts on a body (for the tests' fake and the docs' example). */
export function signGoCardlessWebhook(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("hex");
}
