import { z } from "zod";
import { DATE_FORMATS } from "./statement";

/*
 * CSV statement layouts, in one table. A known layout is recognised by its
 * header row; any other CSV is read through a column mapping the treasurer
 * makes once per bank account (CsvMapping, remembered on the account).
 *
 * Each layout below is taken from the header row the bank's own online
 * banking export writes, as published in the bank's help pages and as seen
 * in many open-source statement readers. Banks change their exports without
 * notice: a file whose header no longer matches simply goes to the mapping
 * step. Left out on purpose, because their exports have no header row to
 * recognise (HSBC UK: "date,description,amount" with no header), are not
 * CSV (Santander UK's ".txt" export), or we have no published header to
 * rely on (Co-operative Bank, Triodos, Unity Trust): these use the mapping
 * step, which remembers the answer per bank account.
 */

/** A column mapping: columns by position (from 0), so it also reads files with no header row. */
export const CsvMappingSchema = z
  .object({
    hasHeader: z.boolean(),
    /** The header cells the mapping was made for (so a changed layout asks again). */
    headers: z.array(z.string()).max(100),
    date: z.number().int().min(0).max(99),
    dateFormat: z.enum(DATE_FORMATS),
    /** One signed amount column ... */
    amount: z.number().int().min(0).max(99).optional(),
    /** ... and which way its sign runs; or paid-in and paid-out columns. */
    amountSign: z.enum(["credit-positive", "debit-positive"]).default("credit-positive"),
    paidIn: z.number().int().min(0).max(99).optional(),
    paidOut: z.number().int().min(0).max(99).optional(),
    description: z.number().int().min(0).max(99),
    payer: z.number().int().min(0).max(99).optional(),
    reference: z.number().int().min(0).max(99).optional(),
    bankReference: z.number().int().min(0).max(99).optional(),
    balance: z.number().int().min(0).max(99).optional(),
  })
  .refine((m) => m.amount !== undefined || (m.paidIn !== undefined && m.paidOut !== undefined), {
    message: "Choose the amount column, or both the paid-in and paid-out columns",
  });
export type CsvMapping = z.infer<typeof CsvMappingSchema>;

/** A known bank layout: header names (compared trimmed, case-insensitive) for each field. */
export interface CsvLayout {
  id: string;
  bank: string;
  /** Every one of these header cells must be present to recognise the layout. */
  signature: readonly string[];
  dateFormat: "dd/mm/yyyy" | "dd mmm yyyy" | "dd/mm/yyyy|dd mmm yyyy";
  date: string;
  amount?: string;
  paidIn?: string;
  paidOut?: string;
  description: readonly string[];
  payer?: string;
  reference?: string;
  bankReference?: string;
  balance?: string;
  currency?: string;
  /** NatWest writes text cells with a leading apostrophe (to keep spreadsheets from reading them as numbers). */
  stripApostrophe?: boolean;
}

export const CSV_LAYOUTS: readonly CsvLayout[] = [
  {
    id: "barclays",
    bank: "Barclays",
    signature: ["Number", "Date", "Account", "Amount", "Subcategory", "Memo"],
    dateFormat: "dd/mm/yyyy",
    date: "Date",
    amount: "Amount",
    description: ["Memo"],
  },
  {
    // Lloyds, and the same export from Halifax and Bank of Scotland (Lloyds Banking Group).
    id: "lloyds",
    bank: "Lloyds / Halifax / Bank of Scotland",
    signature: ["Transaction Date", "Transaction Type", "Sort Code", "Account Number", "Transaction Description", "Debit Amount", "Credit Amount", "Balance"],
    dateFormat: "dd/mm/yyyy",
    date: "Transaction Date",
    paidIn: "Credit Amount",
    paidOut: "Debit Amount",
    description: ["Transaction Description"],
    balance: "Balance",
  },
  {
    // NatWest, and RBS and Ulster Bank (NatWest Group): "Date, Type, Description, Value, Balance, Account Name, Account Number".
    id: "natwest",
    bank: "NatWest / RBS",
    signature: ["Date", "Type", "Description", "Value", "Balance", "Account Name", "Account Number"],
    dateFormat: "dd/mm/yyyy|dd mmm yyyy",
    date: "Date",
    amount: "Value",
    description: ["Description"],
    balance: "Balance",
    stripApostrophe: true,
  },
  {
    // After a few "Account Name:" / balance lines and a blank line.
    id: "nationwide",
    bank: "Nationwide",
    signature: ["Date", "Transaction type", "Description", "Paid out", "Paid in", "Balance"],
    dateFormat: "dd mmm yyyy",
    date: "Date",
    paidIn: "Paid in",
    paidOut: "Paid out",
    description: ["Description"],
    balance: "Balance",
  },
  {
    id: "monzo",
    bank: "Monzo",
    signature: ["Transaction ID", "Date", "Time", "Type", "Name", "Amount", "Currency"],
    dateFormat: "dd/mm/yyyy",
    date: "Date",
    amount: "Amount",
    description: ["Description", "Type"],
    payer: "Name",
    reference: "Notes and #tags",
    bankReference: "Transaction ID",
    currency: "Currency",
  },
  {
    id: "starling",
    bank: "Starling",
    signature: ["Date", "Counter Party", "Reference", "Type", "Amount (GBP)", "Balance (GBP)"],
    dateFormat: "dd/mm/yyyy",
    date: "Date",
    amount: "Amount (GBP)",
    description: ["Type"],
    payer: "Counter Party",
    reference: "Reference",
    balance: "Balance (GBP)",
  },
];

const norm = (s: string) => s.trim().replace(/^'/, "").toLowerCase();

/** The known layout a header row is, if any. */
export function detectLayout(header: readonly string[]): CsvLayout | null {
  const cells = new Set(header.map(norm));
  return CSV_LAYOUTS.find((l) => l.signature.every((s) => cells.has(s.toLowerCase()))) ?? null;
}

/** A known layout as a mapping of column positions for this header row. */
export function layoutMapping(layout: CsvLayout, header: readonly string[]): CsvMapping & { stripApostrophe: boolean; currencyColumn?: number; dateFormats: string[] } {
  const at = (name?: string) => {
    if (!name) return undefined;
    const i = header.findIndex((h) => norm(h) === name.toLowerCase());
    return i >= 0 ? i : undefined;
  };
  const description = layout.description.map(at).find((i) => i !== undefined) ?? at(layout.date)!;
  return {
    hasHeader: true,
    headers: [...header],
    date: at(layout.date)!,
    dateFormat: layout.dateFormat.split("|")[0] as CsvMapping["dateFormat"],
    dateFormats: layout.dateFormat.split("|"),
    amount: at(layout.amount),
    amountSign: "credit-positive",
    paidIn: at(layout.paidIn),
    paidOut: at(layout.paidOut),
    description,
    payer: at(layout.payer),
    reference: at(layout.reference),
    bankReference: at(layout.bankReference),
    balance: at(layout.balance),
    currencyColumn: at(layout.currency),
    stripApostrophe: layout.stripApostrophe ?? false,
  };
}
