import type { Kysely } from "kysely";
import { runStatements } from "./util";

/*
 * Community wealth: the society's impact settings (a wider area for
 * procurement figures, the opt-in public page), anchor institutions with
 * their uploaded supplier spend, and stored LM3 studies with the survey
 * answers behind them. Spend lines and LM3 studies are evidence shown to
 * councils and funders, so they are append-only: a wrong upload is
 * withdrawn (marked, kept), never edited.
 */
export async function up(db: Kysely<any>) {
  await runStatements(db, `
CREATE TABLE impact_settings (
  organisation_id uuid PRIMARY KEY REFERENCES organisations(id),
  wider_area text[] NOT NULL DEFAULT '{}',
  public_page boolean NOT NULL DEFAULT false,
  public_summary text NOT NULL DEFAULT '' CHECK (length(public_summary) <= 2000),
  updated_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE TABLE anchor_institutions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('council','hospital','college','university','housing-association','other')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, id),
  UNIQUE (organisation_id, name)
)
;
CREATE TABLE spend_uploads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL,
  anchor_id uuid NOT NULL,
  filename text NOT NULL DEFAULT '' CHECK (length(filename) <= 255),
  line_count integer NOT NULL CHECK (line_count >= 0),
  total bigint NOT NULL CHECK (total >= 0),
  uploaded_by uuid REFERENCES users(id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz,
  withdrawn_by uuid REFERENCES users(id),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, anchor_id) REFERENCES anchor_institutions(organisation_id, id)
)
;
CREATE INDEX spend_uploads_anchor_idx ON spend_uploads (organisation_id, anchor_id)
;
CREATE TABLE supplier_spend (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id uuid NOT NULL,
  upload_id uuid NOT NULL,
  line integer NOT NULL CHECK (line > 1),
  supplier text NOT NULL CHECK (length(supplier) BETWEEN 1 AND 300),
  postcode text,
  postcode_as_written text NOT NULL DEFAULT '',
  non_uk boolean NOT NULL DEFAULT false,
  amount bigint NOT NULL CHECK (amount >= 0),
  period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'),
  category text,
  CHECK (non_uk OR postcode IS NOT NULL),
  UNIQUE (organisation_id, upload_id, line),
  FOREIGN KEY (organisation_id, upload_id) REFERENCES spend_uploads(organisation_id, id)
)
;
CREATE INDEX supplier_spend_upload_idx ON supplier_spend (organisation_id, upload_id)
;
CREATE TRIGGER supplier_spend_append_only BEFORE UPDATE OR DELETE ON supplier_spend
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TABLE lm3_studies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  period_from date NOT NULL,
  period_to date NOT NULL,
  r1 bigint NOT NULL CHECK (r1 > 0),
  r2_suppliers bigint NOT NULL CHECK (r2_suppliers >= 0),
  r2_staff bigint NOT NULL CHECK (r2_staff >= 0),
  r3 bigint NOT NULL CHECK (r3 >= 0),
  r3_source text NOT NULL CHECK (r3_source IN ('entered','survey')),
  lm3 numeric(8,2) NOT NULL CHECK (lm3 >= 1),
  method text NOT NULL,
  recorded_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (period_to >= period_from),
  UNIQUE (organisation_id, id)
)
;
CREATE INDEX lm3_studies_org_idx ON lm3_studies (organisation_id, period_to)
;
CREATE TRIGGER lm3_studies_append_only BEFORE UPDATE OR DELETE ON lm3_studies
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
;
CREATE TABLE lm3_survey_answers (
  organisation_id uuid NOT NULL,
  study_id uuid NOT NULL,
  n integer NOT NULL CHECK (n >= 1),
  respondent text NOT NULL DEFAULT '' CHECK (length(respondent) <= 200),
  recipient text NOT NULL CHECK (recipient IN ('supplier','staff')),
  amount_received bigint NOT NULL CHECK (amount_received >= 0),
  local_percent numeric(5,2) NOT NULL CHECK (local_percent BETWEEN 0 AND 100),
  PRIMARY KEY (organisation_id, study_id, n),
  FOREIGN KEY (organisation_id, study_id) REFERENCES lm3_studies(organisation_id, id)
)
;
CREATE TRIGGER lm3_survey_answers_append_only BEFORE UPDATE OR DELETE ON lm3_survey_answers
  FOR EACH ROW EXECUTE FUNCTION forbid_change()
`);
}
