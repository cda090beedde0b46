/**
 * Checking a supplier spend CSV (exported from the accounts) before it is
 * used for local procurement figures and LM3.
 *
 * Columns: supplier, postcode, amount, period (YYYY-MM or YYYY-Qn), and
 * optionally category and country. Other columns are ignored, because
 * accounting exports carry many. Every bad row is reported with its line in
 * the file (header = line 1).
 *
 * Suppliers abroad are allowed but flagged: a country column naming
 * somewhere other than the UK marks the row as non-UK, whatever its postcode
 * ("D02 X285", "75001"). Such spend is never local. Without such a country, a
 * postcode that is not a valid UK one ("PR1 2A", "PRI 2AB") is an error with
 * its line, never a guess that the supplier is abroad: a typing slip would
 * otherwise silently count local spend as "outside the UK (never local)".
 */
import { parseMoney, type Minor } from "~/domain/money";
import { parsePostcode, POSTCODE_AREAS } from "~/domain/postcode";
import type { SpendLine } from "./local";

export interface SupplierSpendRow extends SpendLine {
  line: number;
  /** Normalised UK postcode, or null for a supplier outside the UK. */
  postcode: string | null;
  nonUk: boolean;
  /** The postcode as written, kept for non-UK suppliers. */
  postcodeAsWritten: string;
  category: string | null;
}

export interface SpendError {
  line: number;
  column?: string;
  reason: string;
}

export interface SupplierSpendResult {
  ok: boolean;
  rows: SupplierSpendRow[];
  errors: SpendError[];
  /** Not errors, but worth a look: rows treated as suppliers outside the UK. */
  flags: SpendError[];
}

const REQUIRED = ["supplier", "postcode", "amount", "period"] as const;
const OPTIONAL = ["category", "country"] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

const UK_NAMES = new Set(["uk", "gb", "gbr", "united kingdom", "great britain", "england", "scotland", "wales", "northern ireland"]);
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-[Qq]([1-4])$/;
const GROUPED = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** "2026-03" or "2026-q1" -> normalised period, or null. */
export function parsePeriod(text: string): string | null {
  const t = text.trim();
  if (MONTH.test(t)) return t;
  const q = QUARTER.exec(t);
  return q ? `${q[1]}-Q${q[2]}` : null;
}

/** Amounts as spreadsheets write them: "1234.5", "£1,234.50", "€1,234.50". Refuses negatives and fractions of a penny. */
export function parseSpendAmount(text: string): { ok: true; amount: Minor } | { ok: false; reason: string } {
  let t = text.trim().replace(/^\p{Sc}/u, "");
  if (t === "") return { ok: false, reason: "missing amount" };
  if (GROUPED.test(t)) t = t.replace(/,/g, "");
  let amount: Minor;
  try {
    amount = parseMoney(t);
  } catch {
    return { ok: false, reason: `amount "${text.trim()}" is not a sum of money (like 1234.56)` };
  }
  if (amount < 0n) return { ok: false, reason: `amount "${text.trim()}" is negative; net off credit notes before exporting` };
  return { ok: true, amount };
}

/** Does this look like a UK postcode with a mistake in it, rather than a foreign one? */
function looksUk(text: string): boolean {
  const m = /^([A-Z]{1,2})[0-9]/.exec(text.replace(/\s+/g, "").toUpperCase());
  return m !== null && POSTCODE_AREAS.has(m[1]);
}

export function validateSupplierSpend(
  rows: readonly (readonly string[])[],
  options: { lineNumbers?: readonly number[] } = {},
): SupplierSpendResult {
  const errors: SpendError[] = [];
  const flags: SpendError[] = [];
  const lineOf = (i: number) => options.lineNumbers?.[i] ?? i + 1;
  if (rows.length === 0) return { ok: false, rows: [], errors: [{ line: 1, reason: "the file is empty" }], flags };

  const index: Partial<Record<Column, number>> = {};
  rows[0].forEach((h, i) => {
    const name = h.trim().toLowerCase() as Column;
    if ((REQUIRED as readonly string[]).includes(name) || (OPTIONAL as readonly string[]).includes(name)) {
      if (index[name] !== undefined) errors.push({ line: lineOf(0), column: name, reason: `column "${name}" appears twice` });
      else index[name] = i;
    }
  });
  for (const c of REQUIRED) if (index[c] === undefined) errors.push({ line: lineOf(0), column: c, reason: `missing column "${c}"` });
  if (errors.length > 0) return { ok: false, rows: [], errors, flags };

  const valid: SupplierSpendRow[] = [];
  for (let i = 1; i < rows.length; i++) {
    const fields = rows[i];
    const line = lineOf(i);
    if (fields.every((f) => f.trim() === "")) continue;
    const get = (c: Column) => {
      const at = index[c];
      return at === undefined ? "" : (fields[at] ?? "").trim();
    };
    const before = errors.length;
    const fail = (column: Column, reason: string) => errors.push({ line, column, reason });

    const supplier = get("supplier");
    if (supplier === "") fail("supplier", "missing supplier");

    const amount = parseSpendAmount(get("amount"));
    if (!amount.ok) fail("amount", amount.reason);

    const periodText = get("period");
    const period = parsePeriod(periodText);
    if (periodText === "") fail("period", "missing period");
    else if (period === null) fail("period", `period "${periodText}" must be a month (2026-03) or a quarter (2026-Q1)`);

    const postcodeText = get("postcode");
    const country = get("country");
    let postcode: string | null = null;
    let nonUk = false;
    if (country !== "" && !UK_NAMES.has(country.toLowerCase())) {
      nonUk = true;
    } else if (postcodeText === "") {
      fail("postcode", "missing postcode");
    } else {
      const parsed = parsePostcode(postcodeText);
      if (parsed.ok) postcode = parsed.value.postcode;
      else if (country !== "" || looksUk(postcodeText)) fail("postcode", `bad postcode: ${parsed.reason}`);
      else fail("postcode", `bad postcode: ${parsed.reason}; for a supplier outside the UK, name its country in a "country" column`);
    }

    if (errors.length === before) {
      if (nonUk) {
        flags.push({ line, column: "country", reason: `supplier ${supplier} treated as outside the UK (country is ${country})` });
      }
      const category = get("category");
      valid.push({
        line,
        supplier,
        postcode,
        postcodeAsWritten: postcodeText,
        nonUk,
        amount: (amount as { ok: true; amount: Minor }).amount,
        period: period!,
        category: category === "" ? null : category,
      });
    }
  }
  return { ok: errors.length === 0, rows: valid, errors, flags };
}
