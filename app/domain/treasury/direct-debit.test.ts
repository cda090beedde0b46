import { describe, expect, it } from "vitest";
import { collectionStep, failureWords, mandateStep, requestedChargeDate, shareMonthsDue } from "./direct-debit";

describe("requestedChargeDate", () => {
  it("asks for the due date when there is time, else for the earliest GoCardless can", () => {
    expect(requestedChargeDate("2026-12-20", "2026-12-03")).toBe("2026-12-20");
    expect(requestedChargeDate("2026-12-08", "2026-12-03")).toBe("2026-12-08");
    expect(requestedChargeDate("2026-12-07", "2026-12-03")).toBeNull();
    expect(requestedChargeDate("2026-12-03", "2026-12-03")).toBeNull();
  });
});

describe("shareMonthsDue", () => {
  it("lists the months whose collection day falls in the window, across a year end", () => {
    expect(shareMonthsDue(15, "2026-12-03", "2026-12-17")).toEqual([{ period: "2026-12", chargeOn: "2026-12-15" }]);
    expect(shareMonthsDue(2, "2026-12-03", "2026-12-17")).toEqual([]);
    expect(shareMonthsDue(1, "2026-12-20", "2027-01-03")).toEqual([{ period: "2027-01", chargeOn: "2027-01-01" }]);
    expect(shareMonthsDue(28, "2027-01-27", "2027-03-01")).toEqual([{ period: "2027-01", chargeOn: "2027-01-28" }, { period: "2027-02", chargeOn: "2027-02-28" }]);
  });
});

describe("collectionStep", () => {
  it("moves money on confirmation only from a live collection", () => {
    expect(collectionStep("pending_submission", "confirmed")).toEqual({ kind: "confirm" });
    expect(collectionStep("submitted", "confirmed")).toEqual({ kind: "confirm" });
    expect(collectionStep("confirmed", "confirmed")).toEqual({ kind: "none" });
    expect(collectionStep("failed", "confirmed")).toEqual({ kind: "none" });
    expect(collectionStep("cancelled", "paid_out")).toEqual({ kind: "none" });
    // Paid out without a confirmation seen: confirmed first.
    expect(collectionStep("submitted", "paid_out")).toEqual({ kind: "confirm" });
    expect(collectionStep("confirmed", "paid_out")).toEqual({ kind: "status", status: "paid_out" });
  });

  it("fails or charges back a live or collected payment, once", () => {
    expect(collectionStep("submitted", "failed")).toEqual({ kind: "fail", status: "failed" });
    expect(collectionStep("confirmed", "failed")).toEqual({ kind: "fail", status: "failed" });
    expect(collectionStep("paid_out", "charged_back")).toEqual({ kind: "fail", status: "charged_back" });
    expect(collectionStep("charged_back", "charged_back")).toEqual({ kind: "none" });
    expect(collectionStep("failed", "charged_back")).toEqual({ kind: "none" });
    expect(collectionStep("pending_submission", "cancelled")).toEqual({ kind: "fail", status: "cancelled" });
    expect(collectionStep("confirmed", "cancelled")).toEqual({ kind: "none" });
    expect(collectionStep("submitted", "something_new")).toEqual({ kind: "none" });
  });
});

describe("mandateStep", () => {
  it("follows GoCardless's mandate events, never back from active nor out of an end", () => {
    expect(mandateStep("setting_up", "created")).toBe("pending_submission");
    expect(mandateStep("pending_submission", "submitted")).toBe("submitted");
    expect(mandateStep("submitted", "active")).toBe("active");
    expect(mandateStep("active", "submitted")).toBeNull();
    expect(mandateStep("active", "active")).toBeNull();
    expect(mandateStep("active", "cancelled")).toBe("cancelled");
    expect(mandateStep("cancelled", "reinstated")).toBeNull();
    expect(mandateStep("active", "expired")).toBe("expired");
    expect(mandateStep("active", "unknown_action")).toBeNull();
  });
});

describe("failureWords", () => {
  it("says what happened, with GoCardless's description when there is one", () => {
    expect(failureWords({ description: "Insufficient funds." }, "failed")).toBe("The payment failed: Insufficient funds.");
    expect(failureWords(undefined, "charged_back")).toBe("The payer's bank charged the payment back.");
  });
});
