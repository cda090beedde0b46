import { describe, expect, it } from "vitest";
import { describeCardPayment } from "./card-payments";

describe("describeCardPayment", () => {
  const base = { status: "failed" as const, failure: "Refund needed: the maximum holding is £20.00", refund_status: null, refunded_at: null };
  it("says a refund is under way, then when it was made, with the reason and without the internal prefix", () => {
    expect(describeCardPayment({ ...base, refund_status: "needed" })).toBe("Being refunded to your card: the maximum holding is £20.00");
    expect(describeCardPayment({ ...base, refund_status: "refunded", refunded_at: new Date("2026-11-26T10:00:00Z") })).toBe("Refunded to your card on 2026-11-26: the maximum holding is £20.00");
  });
  it("names paid, waiting and declined payments", () => {
    expect(describeCardPayment({ ...base, status: "paid", failure: "" })).toBe("Paid");
    expect(describeCardPayment({ ...base, status: "pending", failure: "" })).toBe("Waiting for the card payment");
    expect(describeCardPayment({ ...base, failure: "Stripe reported unpaid, 0 paid" })).toBe("Not taken: Stripe reported unpaid, 0 paid");
  });
});
