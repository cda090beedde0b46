import type { ColumnType } from "kysely";
import type { CreatedAt } from "./columns";

/** One use of a money form's one-time key (migration 0016; app/models/core/form-submissions.server.ts). */
export interface FormSubmissionsTable {
  organisation_id: string;
  key: string;
  user_id: string;
  form: string;
  fingerprint: string;
  /** The first post's outcome as JSON; null only inside the transaction that is still doing the work. */
  outcome: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: CreatedAt;
}
