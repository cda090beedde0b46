/**
 * Reading uploaded CSV for the impact area: supplier spend exports and LM3
 * survey answers, each row with the line people see in a spreadsheet
 * (~/domain/csv).
 */
import { readCsvRecords } from "~/domain/csv";
import { parseMoney, withoutCurrencySign } from "~/domain/money";
import { validateSupplierSpend, type SpendError, type SupplierSpendResult } from "./procurement";
import type { RespendAnswer } from "./lm3";

export type CsvRead = { ok: true; rows: string[][]; lineNumbers: number[] } | { ok: false; error: SpendError };

export function readCsv(text: string): CsvRead {
  const read = readCsvRecords(text);
  return read.ok ? read : { ok: false, error: { line: read.line, reason: read.reason } };
}

/** Parse and check a supplier spend file; refused whole if any row is bad. */
export function parseSupplierSpendCsv(text: string): SupplierSpendResult {
  const read = readCsv(text);
  if (!read.ok) return { ok: false, rows: [], errors: [read.error], flags: [] };
  // Leading blank lines would otherwise be taken for the header.
  let first = 0;
  while (first < read.rows.length && read.rows[first].every((f) => f.trim() === "")) first++;
  return validateSupplierSpend(read.rows.slice(first), { lineNumbers: read.lineNumbers.slice(first) });
}

export interface SurveyRow extends RespendAnswer {
  line: number;
  respondent: string;
}

export type SurveyCsvResult = { ok: true; answers: SurveyRow[] } | { ok: false; errors: SpendError[] };

/**
 * LM3 survey answers: columns recipient (supplier or staff), amount (what
 * they received from the society), local_percent (share they say they spend
 * locally), optional respondent. Refused whole with each bad row's line.
 */
export function parseSurveyCsv(text: string): SurveyCsvResult {
  const read = readCsv(text);
  if (!read.ok) return { ok: false, errors: [read.error] };
  const rows = read.rows;
  const start = rows.findIndex((r) => r.some((f) => f.trim() !== ""));
  if (start < 0) return { ok: false, errors: [{ line: 1, reason: "the file is empty" }] };
  const header = rows[start].map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const errors: SpendError[] = [];
  for (const name of ["recipient", "amount", "local_percent"]) {
    if (col(name) < 0) errors.push({ line: read.lineNumbers[start], column: name, reason: `missing column "${name}"` });
  }
  if (errors.length) return { ok: false, errors };
  const answers: SurveyRow[] = [];
  for (let i = start + 1; i < rows.length; i++) {
    const fields = rows[i];
    if (fields.every((f) => f.trim() === "")) continue;
    const line = read.lineNumbers[i];
    const get = (name: string) => (col(name) < 0 ? "" : (fields[col(name)] ?? "").trim());
    const before = errors.length;
    const recipient = get("recipient").toLowerCase();
    if (recipient !== "supplier" && recipient !== "staff") errors.push({ line, column: "recipient", reason: `recipient must be supplier or staff, not "${get("recipient")}"` });
    let amount = 0n;
    try {
      amount = parseMoney(withoutCurrencySign(get("amount")));
      if (amount < 0n) errors.push({ line, column: "amount", reason: "amount cannot be negative" });
    } catch {
      errors.push({ line, column: "amount", reason: `amount "${get("amount")}" is not a sum of money (like 1234.56)` });
    }
    const percent = get("local_percent").replace(/%$/, "");
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(percent) || Number(percent) > 100) {
      errors.push({ line, column: "local_percent", reason: `local_percent "${get("local_percent")}" must be from 0 to 100 with at most 2 decimals` });
    }
    if (errors.length === before) {
      answers.push({ line, respondent: get("respondent"), recipient: recipient as "supplier" | "staff", amountReceived: amount, localSpendPercent: percent });
    }
  }
  if (errors.length) return { ok: false, errors };
  if (answers.length === 0) return { ok: false, errors: [{ line: read.lineNumbers[start], reason: "the file has a header but no answers" }] };
  return { ok: true, answers };
}
