import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";
import { BadWebhookSignature, directDebitEnabled, signGoCardlessWebhook, verifyGoCardlessWebhook } from "./gocardless.server";

const SECRET = "a_webhook_secret_of_enough_length";
const BODY = JSON.stringify({ events: [{ id: "EV123", resource_type: "payments", action: "confirmed", links: { payment: "PM123" } }, { id: "EV124", resource_type: "payments" }] });

describe("GoCardless webhook signatures", () => {
  it("accepts the hex HMAC-SHA256 of the raw body and reads well-formed events", () => {
    const events = verifyGoCardlessWebhook(BODY, signGoCardlessWebhook(BODY, SECRET), SECRET);
    // The second event lacks its action and links: left out rather than half-read.
    expect(events).toEqual([{ id: "EV123", resource_type: "payments", action: "confirmed", links: { payment: "PM123" } }]);
    expect(verifyGoCardlessWebhook(BODY, signGoCardlessWebhook(BODY, SECRET).toUpperCase(), SECRET)).toHaveLength(1);
  });

  it("refuses a missing, malformed or wrong signature, a changed body, and an unconfigured server", () => {
    const good = signGoCardlessWebhook(BODY, SECRET);
    for (const signature of [null, "", "zz", good.slice(0, 62), signGoCardlessWebhook(BODY, "another_secret_of_enough_length")]) {
      expect(() => verifyGoCardlessWebhook(BODY, signature, SECRET)).toThrow(BadWebhookSignature);
    }
    expect(() => verifyGoCardlessWebhook(BODY.replace("confirmed", "failed"), good, SECRET)).toThrow(BadWebhookSignature);
    expect(() => verifyGoCardlessWebhook(BODY, good, undefined)).toThrow(/not configured/);
  });
});

describe("GoCardless settings", () => {
  afterEach(() => {
    delete process.env.GOCARDLESS_ACCESS_TOKEN;
    delete process.env.GOCARDLESS_WEBHOOK_SECRET;
  });

  it("are checked, naming the setting, and Direct Debit is on only with both the token and the secret", () => {
    expect(() => parseEnv({ GOCARDLESS_BASE_URL: "api-sandbox.gocardless.com" })).toThrow(/GOCARDLESS_BASE_URL: must be a full URL/);
    expect(() => parseEnv({ GOCARDLESS_ACCESS_TOKEN: "short" })).toThrow(/GOCARDLESS_ACCESS_TOKEN/);
    expect(directDebitEnabled()).toBe(false);
    process.env.GOCARDLESS_ACCESS_TOKEN = "sandbox_0123456789abcdef";
    expect(directDebitEnabled()).toBe(false);
    process.env.GOCARDLESS_WEBHOOK_SECRET = SECRET;
    expect(directDebitEnabled()).toBe(true);
  });
});
