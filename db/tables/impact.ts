import type { Generated } from "kysely";
import type { CreatedAt, DateOnly, Int8, TextArray, Timestamp } from "./columns";

/** Table types for the community wealth tables (see db/migrations/0006_impact.ts). */
export type AnchorKind = "council" | "hospital" | "college" | "university" | "housing-association" | "other";

export interface ImpactSettingsTable {
  organisation_id: string;
  wider_area: TextArray;
  public_page: Generated<boolean>;
  public_summary: Generated<string>;
  updated_at: Timestamp;
}

export interface AnchorInstitutionsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  kind: AnchorKind;
  created_at: CreatedAt;
}

export interface SpendUploadsTable {
  id: Generated<string>;
  organisation_id: string;
  anchor_id: string;
  filename: Generated<string>;
  line_count: number;
  total: Int8;
  uploaded_by: string | null;
  uploaded_at: CreatedAt;
  withdrawn_at: Timestamp | null;
  withdrawn_by: string | null;
  /** SHA-256 (hex) of the checked lines (migration 0025); null for uploads made before it. */
  content_hash: string | null;
}

export interface SupplierSpendTable {
  id: Generated<bigint>;
  organisation_id: string;
  upload_id: string;
  line: number;
  supplier: string;
  postcode: string | null;
  postcode_as_written: Generated<string>;
  non_uk: Generated<boolean>;
  amount: Int8;
  period: string;
  category: string | null;
}

export interface Lm3StudiesTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  period_from: DateOnly;
  period_to: DateOnly;
  r1: Int8;
  r2_suppliers: Int8;
  r2_staff: Int8;
  r3: Int8;
  r3_source: "entered" | "survey";
  /** numeric arrives as a string on both drivers. */
  lm3: string;
  method: string;
  recorded_by: string | null;
  created_at: CreatedAt;
}

export interface Lm3SurveyAnswersTable {
  organisation_id: string;
  study_id: string;
  n: number;
  respondent: Generated<string>;
  recipient: "supplier" | "staff";
  amount_received: Int8;
  local_percent: string;
}

export interface ImpactTables {
  impact_settings: ImpactSettingsTable;
  anchor_institutions: AnchorInstitutionsTable;
  spend_uploads: SpendUploadsTable;
  supplier_spend: SupplierSpendTable;
  lm3_studies: Lm3StudiesTable;
  lm3_survey_answers: Lm3SurveyAnswersTable;
}
