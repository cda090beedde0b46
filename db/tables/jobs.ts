import type { Generated } from "kysely";
import type { CreatedAt, Json, Timestamp } from "./columns";

export interface JobsTable {
  id: Generated<bigint>;
  organisation_id: string;
  kind: string;
  payload: Json<Record<string, unknown>>;
  unique_key: string | null;
  status: Generated<"queued" | "running" | "done" | "failed">;
  run_at: Generated<Date> & Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  progress: Generated<number>;
  message: Generated<string>;
  last_error: string | null;
  locked_at: Timestamp | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface JobsTables {
  jobs: JobsTable;
}
