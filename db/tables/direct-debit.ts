import type { Generated } from "kysely";
import type { CreatedAt, DateOnly, Timestamp } from "./columns";

/** Table types for Direct Debit (see db/migrations/0029_direct_debit.ts). */
export type MandateStatus = "setting_up" | "pending_submission" | "submitted" | "active" | "cancelled" | "failed" | "expired";
export type CollectionStatus = "scheduled" | "pending_submission" | "submitted" | "confirmed" | "paid_out" | "failed" | "charged_back" | "cancelled";

export interface DdMandatesTable {
  id: Generated<string>;
  organisation_id: string;
  purpose: "loan" | "shares";
  loan_id: string | null;
  member_id: string | null;
  class_id: string | null;
  shares_per_month: number | null;
  collection_day: number | null;
  status: Generated<MandateStatus>;
  provider_billing_request_id: string | null;
  provider_mandate_id: string | null;
  authorisation_url: string | null;
  idempotency_key: string;
  failure: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  cancelled_at: Timestamp | null;
}

export interface DdCollectionsTable {
  id: Generated<string>;
  organisation_id: string;
  mandate_id: string;
  loan_id: string | null;
  installment_n: number | null;
  member_id: string | null;
  class_id: string | null;
  shares: number | null;
  period: string | null;
  amount: bigint;
  currency: string;
  charge_date: DateOnly;
  status: Generated<CollectionStatus>;
  provider_payment_id: string | null;
  loan_transaction_id: bigint | null;
  share_transaction_id: bigint | null;
  reversal_transaction_id: bigint | null;
  failure: Generated<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DdWebhookEventsTable {
  organisation_id: string;
  provider_event_id: string;
  resource_type: string;
  action: string;
  payload: string;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
  outcome: Generated<string>;
}

export interface DirectDebitTables {
  dd_mandates: DdMandatesTable;
  dd_collections: DdCollectionsTable;
  dd_webhook_events: DdWebhookEventsTable;
}
