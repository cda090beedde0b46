import type { Generated } from "kysely";
import type { CardRefundColumns, CreatedAt, Timestamp } from "./columns";

export interface LoanCardPaymentsTable extends CardRefundColumns {
  id: Generated<string>;
  organisation_id: string;
  loan_id: string;
  amount: bigint;
  status: Generated<"pending" | "paid" | "failed">;
  idempotency_key: string;
  stripe_session_id: string | null;
  checkout_url: string | null;
  loan_transaction_id: bigint | null;
  failure: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
  paid_at: Timestamp | null;
}

export interface LoanDocumentsTable {
  id: Generated<string>;
  organisation_id: string;
  application_id: string | null;
  loan_id: string | null;
  filename: string;
  content_type: string;
  size: number;
  content: Uint8Array;
  uploaded_by: string | null;
  uploaded_at: CreatedAt;
}

export interface LoanPaymentsTables {
  loan_card_payments: LoanCardPaymentsTable;
  loan_documents: LoanDocumentsTable;
}
