import { addDays, daysInMonth, isoOf } from "~/domain/calendar";

/*
 * The rules of Direct Debit collections (ADR 0019), pure: which days are
 * collected, how a GoCardless event moves a collection or a mandate on.
 */

/** How far ahead the daily run asks for collections: installments (and share months) falling due from today to this many days on. */
export const COLLECT_DAYS_AHEAD = 14;
/**
 * Bacs needs the payment created a few working days before it is taken;
 * GoCardless refuses a charge date sooner than the mandate allows. A due date
 * closer than this is sent without a charge date: GoCardless takes the
 * earliest it can.
 */
export const MIN_LEAD_DAYS = 5;

/** The charge date to ask GoCardless for, or null for "as soon as possible". */
export function requestedChargeDate(due: string, today: string): string | null {
  return due >= addDays(today, MIN_LEAD_DAYS) ? due : null;
}

/** The months ("YYYY-MM") whose collection day (1-28) falls between from and to, with that day. */
export function shareMonthsDue(day: number, from: string, to: string): { period: string; chargeOn: string }[] {
  const out: { period: string; chargeOn: string }[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const on = isoOf(y, m, Math.min(day, daysInMonth(y, m)));
    if (on > to) break;
    if (on >= from) out.push({ period: `${y}-${String(m).padStart(2, "0")}`, chargeOn: on });
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export type CollectionStatus = "scheduled" | "pending_submission" | "submitted" | "confirmed" | "paid_out" | "failed" | "charged_back" | "cancelled";

/** What a payments event asks of a collection. */
export type CollectionStep =
  | { kind: "status"; status: CollectionStatus }
  | { kind: "confirm" }
  | { kind: "fail"; status: "failed" | "charged_back" | "cancelled" }
  | { kind: "none" };

const LIVE: readonly CollectionStatus[] = ["scheduled", "pending_submission", "submitted"];

/**
 * How a GoCardless payments event moves a collection on, given where it
 * stands. Money moves on "confirmed" (the repayment or share purchase is
 * recorded) and on a failure after it ("failed" late, "charged_back": the
 * record is reversed); anything out of order or repeated does nothing.
 */
export function collectionStep(current: CollectionStatus, action: string): CollectionStep {
  switch (action) {
    case "submitted":
      return current === "scheduled" || current === "pending_submission" ? { kind: "status", status: "submitted" } : { kind: "none" };
    case "confirmed":
      return LIVE.includes(current) ? { kind: "confirm" } : { kind: "none" };
    case "paid_out":
      return current === "confirmed" ? { kind: "status", status: "paid_out" } : LIVE.includes(current) ? { kind: "confirm" } : { kind: "none" };
    case "failed":
    case "late_failure_settled":
      return LIVE.includes(current) || current === "confirmed" || current === "paid_out" ? { kind: "fail", status: "failed" } : { kind: "none" };
    case "charged_back":
    case "chargeback_settled":
      return LIVE.includes(current) || current === "confirmed" || current === "paid_out" ? { kind: "fail", status: "charged_back" } : { kind: "none" };
    case "cancelled":
    case "customer_approval_denied":
      return LIVE.includes(current) ? { kind: "fail", status: "cancelled" } : { kind: "none" };
    default:
      return { kind: "none" };
  }
}

export type MandateStatus = "setting_up" | "pending_submission" | "submitted" | "active" | "cancelled" | "failed" | "expired";
const ENDED: readonly MandateStatus[] = ["cancelled", "failed", "expired"];

/** A mandates event's new status for the mandate, or null when it changes nothing. An ended mandate stays ended. */
export function mandateStep(current: MandateStatus, action: string): MandateStatus | null {
  if (ENDED.includes(current)) return null;
  const to: Record<string, MandateStatus> = {
    created: "pending_submission",
    customer_approval_granted: "pending_submission",
    submitted: "submitted",
    active: "active",
    reinstated: "active",
    cancelled: "cancelled",
    failed: "failed",
    expired: "expired",
    blocked: "failed",
  };
  const next = to[action];
  if (!next || next === current) return null;
  // Late news of an earlier step does not take an active mandate back.
  if (current === "active" && (next === "pending_submission" || next === "submitted")) return null;
  return next;
}

export const mandateEnded = (status: MandateStatus) => ENDED.includes(status);

export const MANDATE_WORDS: Record<MandateStatus, string> = {
  setting_up: "waiting for the payer to authorise it",
  pending_submission: "authorised, being sent to the bank",
  submitted: "with the payer's bank",
  active: "active",
  cancelled: "cancelled",
  failed: "failed",
  expired: "expired",
};

export const COLLECTION_WORDS: Record<CollectionStatus, string> = {
  scheduled: "to be asked for",
  pending_submission: "asked for",
  submitted: "with the bank",
  confirmed: "collected",
  paid_out: "collected and paid out",
  failed: "failed",
  charged_back: "charged back",
  cancelled: "cancelled",
};

/** Words for why a payment failed, from GoCardless's event details. */
export function failureWords(details: { cause?: string; description?: string } | undefined, action: string): string {
  const what = action === "charged_back" || action === "chargeback_settled" ? "The payer's bank charged the payment back" : action === "cancelled" ? "The payment was cancelled" : "The payment failed";
  return details?.description ? `${what}: ${details.description}` : `${what}.`;
}
