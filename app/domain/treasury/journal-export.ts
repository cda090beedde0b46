/**
 * Journal export files for accounting packages (issue #18 point 4): the
 * rows of one CSV per format, from journal lines already posted. Pure; the
 * model (app/models/treasury/journal-export.server.ts) reads the lines,
 * locks the period and writes the CSV through app/utils/csv.server.ts.
 *
 * Columns follow each package's documented import template (sources in
 * docs/treasury.md, "The books"):
 *  - Xero, Manual Journals > Import: *Narration, *Date, Description,
 *    *AccountCode, *TaxRate, *Amount, TrackingName1, TrackingOption1,
 *    TrackingName2, TrackingOption2. Rows with the same narration and date
 *    make one journal; a positive amount is a debit, a negative a credit;
 *    dates dd/mm/yyyy.
 *  - QuickBooks Online, Import data > Journal entries: JournalNo,
 *    JournalDate, AccountName, Debits, Credits, Description, Name. Rows with
 *    the same JournalNo make one entry; accounts by name.
 *  - Sage 50 Accounts, Audit trail transactions import: Type (JD journal
 *    debit, JC journal credit), Account Reference, Nominal A/C Ref,
 *    Department Code, Date, Reference, Details, Net Amount, Tax Code (T9:
 *    outside the scope of VAT), Tax Amount.
 */
import { formatMinor } from "~/domain/money";

export const EXPORT_FORMATS = ["xero", "quickbooks", "sage"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_LABELS: Record<ExportFormat, string> = {
  xero: "Xero (manual journal import)",
  quickbooks: "QuickBooks Online (journal entry import)",
  sage: "Sage 50 Accounts (audit trail transactions import)",
};

export interface ExportLine {
  entryId: string;
  date: string;
  description: string;
  /** The account's code in the package (the organisation's mapping, else the default code). */
  accountCode: string;
  /** The account's name in the package (the mapping, else the default name). */
  accountName: string;
  debit: bigint;
  credit: bigint;
}

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const mdy = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

export const HEADERS: Record<ExportFormat, readonly string[]> = {
  xero: ["*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount", "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2"],
  quickbooks: ["JournalNo", "JournalDate", "AccountName", "Debits", "Credits", "Description", "Name"],
  sage: ["Type", "Account Reference", "Nominal A/C Ref", "Department Code", "Date", "Reference", "Details", "Net Amount", "Tax Code", "Tax Amount"],
};

/** The tax rate Xero needs on a line with no tax: its UK name for a pound organisation, else its general one. */
export const xeroNoTax = (currency: string) => (currency === "GBP" ? "No VAT" : "Tax Exempt");

export function exportRows(format: ExportFormat, lines: readonly ExportLine[], opts: { currency: string }): string[][] {
  switch (format) {
    case "xero":
      return lines.map((l) => [
        `Journal ${l.entryId}: ${l.description}`.slice(0, 255), dmy(l.date), l.description.slice(0, 255), l.accountCode, xeroNoTax(opts.currency),
        formatMinor(l.debit - l.credit), "", "", "", "",
      ]);
    case "quickbooks": {
      // QuickBooks reads the date in the company's format: US companies month first, others day first.
      const date = opts.currency === "USD" ? mdy : dmy;
      return lines.map((l) => [l.entryId, date(l.date), l.accountName, l.debit ? formatMinor(l.debit) : "", l.credit ? formatMinor(l.credit) : "", l.description.slice(0, 4000), ""]);
    }
    case "sage":
      return lines.map((l) => [l.debit ? "JD" : "JC", "", l.accountCode, "", dmy(l.date), `J${l.entryId}`, l.description.slice(0, 60), formatMinor(l.debit || l.credit), "T9", "0.00"]);
  }
}
