import { readCsvRecords } from "~/domain/csv";
import { detectLayout, layoutMapping, type CsvLayout, type CsvMapping } from "./layouts";
import { minorDigits, parseStatementAmount, parseStatementDate, reasonOf, tidy, type DateFormat, type StatementError, type StatementLine } from "./statement";

/*
 * A CSV bank statement to statement lines: a known bank's layout found by
 * its header row (anywhere in the first lines, after any preamble), else the
 * bank account's remembered column mapping, else a request for one. Every
 * bad row is reported with the line it starts on; any bad row refuses the
 * whole file.
 */

export type CsvStatementParse =
  | { ok: true; format: "csv"; layout: string; lines: StatementLine[]; currency: string }
  | { ok: false; format: "csv"; errors: StatementError[]; needsMapping?: { rows: string[][]; firstLine: number } };

const PREAMBLE_ROWS = 30;
const isBlank = (row: string[]) => row.every((c) => c.trim() === "");

export function parseCsvStatement(text: string, opts: { currency: string; mapping?: CsvMapping | null }): CsvStatementParse {
  const read = readCsvRecords(text);
  if (!read.ok) return { ok: false, format: "csv", errors: [{ line: read.line, reason: read.reason }] };
  const records = read.rows.map((row, i) => ({ row, line: read.lineNumbers[i] })).filter((r) => !isBlank(r.row));
  if (!records.length) return { ok: false, format: "csv", errors: [{ line: 1, reason: "the file has no rows" }] };

  let layout: CsvLayout | null = null;
  let headerAt = -1;
  for (let i = 0; i < Math.min(PREAMBLE_ROWS, records.length) && !layout; i++) {
    layout = detectLayout(records[i].row);
    if (layout) headerAt = i;
  }
  let mapping: ReturnType<typeof layoutMapping> | (CsvMapping & { stripApostrophe: boolean; currencyColumn?: number; dateFormats: string[] });
  let layoutName: string;
  if (layout) {
    mapping = layoutMapping(layout, records[headerAt].row);
    layoutName = layout.id;
  } else if (opts.mapping && mappingFits(opts.mapping, records[0].row)) {
    mapping = { ...opts.mapping, stripApostrophe: false, dateFormats: [opts.mapping.dateFormat] };
    headerAt = opts.mapping.hasHeader ? 0 : -1;
    layoutName = "mapping";
  } else {
    return { ok: false, format: "csv", errors: [], needsMapping: { rows: records.slice(0, 6).map((r) => r.row.map((c) => c.slice(0, 200))), firstLine: records[0].line } };
  }

  const header = headerAt >= 0 ? records[headerAt].row : [];
  const columnName = (i: number) => header[i]?.trim() || `column ${i + 1}`;
  const scale = minorDigits(opts.currency);
  const lines: StatementLine[] = [];
  const errors: StatementError[] = [];
  for (const { row, line } of records.slice(headerAt + 1)) {
    const cell = (i: number | undefined) => {
      if (i === undefined) return "";
      const v = (row[i] ?? "").trim();
      return mapping.stripApostrophe ? v.replace(/^'/, "") : v;
    };
    const problem = (i: number | undefined, reason: string) => errors.push({ line, column: i === undefined ? undefined : columnName(i), reason });
    let date: string | undefined;
    const dateText = cell(mapping.date);
    for (const f of mapping.dateFormats) {
      try {
        date = parseStatementDate(dateText, f as DateFormat);
        break;
      } catch {
        /* the next format */
      }
    }
    if (!date) problem(mapping.date, dateText ? `"${dateText.slice(0, 40)}" is not a date in the form ${mapping.dateFormats.join(" or ")}` : "no date");
    let amount: bigint | undefined;
    try {
      if (mapping.amount !== undefined) {
        const text = cell(mapping.amount);
        if (!text) throw new RangeError("no amount");
        amount = parseStatementAmount(text, scale);
        if (mapping.amountSign === "debit-positive") amount = -amount;
      } else {
        const inText = cell(mapping.paidIn);
        const outText = cell(mapping.paidOut);
        if (!inText && !outText) throw new RangeError("neither paid in nor paid out");
        const paidIn = inText ? parseStatementAmount(inText, scale) : 0n;
        const paidOut = outText ? parseStatementAmount(outText, scale) : 0n;
        if (paidIn !== 0n && paidOut !== 0n) throw new RangeError("both paid in and paid out");
        amount = paidIn !== 0n ? abs(paidIn) : -abs(paidOut);
      }
    } catch (e) {
      problem(mapping.amount ?? mapping.paidIn, reasonOf(e));
    }
    let balance: bigint | undefined;
    const balanceText = cell(mapping.balance);
    if (balanceText) {
      try {
        balance = parseStatementAmount(balanceText, scale);
      } catch (e) {
        problem(mapping.balance, reasonOf(e));
      }
    }
    const currency = mapping.currencyColumn !== undefined ? cell(mapping.currencyColumn).toUpperCase() : opts.currency;
    if (currency !== opts.currency) problem(mapping.currencyColumn, `the line is in ${currency || "no currency"}, the bank account in ${opts.currency}`);
    if (date === undefined || amount === undefined || currency !== opts.currency) continue;
    lines.push({
      lineNumber: line,
      date,
      amountMinor: amount,
      currency,
      description: tidy(cell(mapping.description)) ?? "",
      payerName: tidy(cell(mapping.payer), 200),
      reference: tidy(cell(mapping.reference), 200),
      bankReference: tidy(cell(mapping.bankReference), 200),
      balanceMinor: balance,
    });
  }
  if (errors.length) return { ok: false, format: "csv", errors };
  if (!lines.length) return { ok: false, format: "csv", errors: [{ line: records[headerAt]?.line ?? 1, reason: "the file has a header row but no statement lines" }] };
  return { ok: true, format: "csv", layout: layoutName, lines, currency: opts.currency };
}

const abs = (v: bigint) => (v < 0n ? -v : v);

/** Whether a remembered mapping reads this file: the same header row, or (no header) enough columns. */
export function mappingFits(mapping: CsvMapping, firstRow: readonly string[]): boolean {
  if (mapping.hasHeader) {
    const a = firstRow.map((c) => c.trim().toLowerCase());
    const b = mapping.headers.map((c) => c.trim().toLowerCase());
    return a.length === b.length && a.every((c, i) => c === b[i]);
  }
  const used = [mapping.date, mapping.amount, mapping.paidIn, mapping.paidOut, mapping.description, mapping.payer, mapping.reference, mapping.bankReference, mapping.balance];
  return Math.max(...used.filter((i): i is number => i !== undefined)) < firstRow.length;
}

/** The first non-blank row of a CSV file: the header a mapping is made for. */
export function firstCsvRow(text: string): string[] {
  const read = readCsvRecords(text);
  if (!read.ok) return [];
  return read.rows.find((r) => !isBlank(r))?.map((c) => c.trim()) ?? [];
}
