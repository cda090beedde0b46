import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_shares";
import * as m0003 from "./0003_governance";
import * as m0004 from "./0004_lending";
import * as m0005 from "./0005_jobs";
import * as m0007 from "./0007_loan_card_payments";
import * as m0008 from "./0008_loan_documents";
import * as m0009 from "./0009_card_refunds";
import * as m0010 from "./0010_write_off_approval";
import * as m0011 from "./0011_meeting_notices";
import * as m0012 from "./0012_email_delivery";
import * as m0013 from "./0013_organisation_time_zone";
import * as m0020 from "./0020_transfer_requested_by";
import * as m0016 from "./0016_form_submissions";
import * as m0014 from "./0014_payout_reversal";
import * as m0018 from "./0018_throttling_and_two_factor";
import * as m0006 from "./0006_impact";
import * as m0019 from "./0019_ballots_at_rest";
import * as m0022 from "./0022_candidate_affiliation";
import * as m0023 from "./0023_calendars";
import * as m0024 from "./0024_unpaid_installments_index";
import * as m0025 from "./0025_journeys";
import * as m0026 from "./0026_bank_statements";
import * as m0027 from "./0027_journal";
import * as m0028 from "./0028_statement_matches";
import * as m0029 from "./0029_direct_debit";
import * as m0030 from "./0030_member_name_search";
import * as m0031 from "./0031_discussion_and_reminders";
import * as m0032 from "./0032_retired_products";
import * as m0033 from "./0033_statement_uploads";
import * as m0034 from "./0034_organisation_locale";
import * as m0035 from "./0035_members_applied_index";
import * as m0036 from "./0036_member_import_uploads";
import * as m0037 from "./0037_headline_projection_indexes";
import * as m0038 from "./0038_postcode_place";
import * as m0039 from "./0039_ledger_versions";
import * as m0040 from "./0040_journal_day_totals";
import * as m0041 from "./0041_unpaid_installments_by_amount";
import * as m0042 from "./0042_figure_work_time";

/*
 * Migrations are listed here rather than read from the folder so that the
 * same list works under tsx, in the Remix server bundle and in tests.
 * Landed migrations are frozen: add a new file, never edit an old one.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_shares": m0002,
  "0003_governance": m0003,
  "0004_lending": m0004,
  "0005_jobs": m0005,
  "0006_impact": m0006,
  "0007_loan_card_payments": m0007,
  "0008_loan_documents": m0008,
  "0009_card_refunds": m0009,
  "0010_write_off_approval": m0010,
  "0011_meeting_notices": m0011,
  "0012_email_delivery": m0012,
  "0013_organisation_time_zone": m0013,
  "0014_payout_reversal": m0014,
  "0016_form_submissions": m0016,
  "0018_throttling_and_two_factor": m0018,
  "0019_ballots_at_rest": m0019,
  "0020_transfer_requested_by": m0020,
  "0022_candidate_affiliation": m0022,
  "0023_calendars": m0023,
  "0024_unpaid_installments_index": m0024,
  "0025_journeys": m0025,
  "0026_bank_statements": m0026,
  "0027_journal": m0027,
  "0028_statement_matches": m0028,
  "0029_direct_debit": m0029,
  "0030_member_name_search": m0030,
  "0031_discussion_and_reminders": m0031,
  "0032_retired_products": m0032,
  "0033_statement_uploads": m0033,
  "0034_organisation_locale": m0034,
  "0035_members_applied_index": m0035,
  "0036_member_import_uploads": m0036,
  "0037_headline_projection_indexes": m0037,
  "0038_postcode_place": m0038,
  "0039_ledger_versions": m0039,
  "0040_journal_day_totals": m0040,
  "0041_unpaid_installments_by_amount": m0041,
  "0042_figure_work_time": m0042,
};
