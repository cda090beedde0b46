import { parse } from "csv-parse/sync";

export type CsvRecords = { ok: true; rows: string[][]; lineNumbers: number[] } | { ok: false; line: number; reason: string };

/**
 * CSV text (RFC 4180: commas, double quotes, "" for a quote inside a quoted
 * field; lines ending CRLF, LF or CR, even mixed) to records, each with the
 * line it starts on: the line a spreadsheet shows, even when a quoted field
 * (an address) runs over several lines. Blank lines come back as records of
 * one empty field, for the caller to skip or report. An unreadable file is
 * answered with the line of the record that could not be read.
 */
export function readCsvRecords(text: string): CsvRecords {
  // One line ending throughout: csv-parse counts the \r of a CRLF inside a
  // quoted field as a line of its own.
  const normalised = text.replace(/\r\n?/g, "\n");
  const rows: string[][] = [];
  const lineNumbers: number[] = [];
  let previousEnd = 0;
  try {
    parse(normalised, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: false,
      on_record: (record: string[], context: { lines: number }) => {
        rows.push(record);
        lineNumbers.push(previousEnd + 1);
        previousEnd = context.lines;
        return null; // kept here with its line, not collected again by the parser
      },
    });
    return { ok: true, rows, lineNumbers };
  } catch (error) {
    return { ok: false, line: previousEnd + 1, reason: `the file is not valid CSV: ${unreadableReason(error)}` };
  }
}

function unreadableReason(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === "CSV_QUOTE_NOT_CLOSED") return "a quoted field is never closed";
  if (e.code === "CSV_INVALID_CLOSING_QUOTE") return "something follows a closing quote in the same field";
  if (e.code === "INVALID_OPENING_QUOTE" || e.code === "CSV_INVALID_OPENING_QUOTE") return 'a field that is not in quotes holds a quote (put the field in quotes and double the quote: "O""Brien")';
  return e.message ?? String(error);
}

/** What a spreadsheet may read as the start of a formula (after any spaces). */
export const FORMULA_START = /^[ ]*[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/;

/**
 * The one neutraliser every cell of every CSV the app writes goes through,
 * header rows included (csv.server's toCsv and csvStream call it). A cell
 * that starts with = + - @ (or their full-width forms), a tab, CR or LF, even
 * after leading spaces, could run as a formula when a spreadsheet opens the
 * file (CSV injection), so such a text cell gets a leading apostrophe, which
 * spreadsheets show as text. A cell that is only a number ("-12.50", the
 * amounts the app formats itself) is data, not a formula, and is left alone
 * so it stays a number.
 */
export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (/^-?\d+(\.\d+)?$/.test(text)) return text;
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * How many text lines a file has: what decides whether an upload (a bank
 * statement, a members file) is imported while the person waits or by a job.
 */
export function textLineCount(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) n++;
  return bytes.length && bytes[bytes.length - 1] !== 0x0a ? n + 1 : n;
}
