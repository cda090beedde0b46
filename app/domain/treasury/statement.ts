import { MAX_MINOR_UNITS } from "~/domain/money";

/*
 * The one shape every bank statement format is read into, and the exact
 * readings of amounts and dates the formats share. Pure: text in, values or
 * a reason out. Amounts never pass through floating point.
 */

export interface StatementLine {
  /** The line of the file the entry starts on (CSV row, OFX <STMTTRN>, CAMT <Ntry>). */
  lineNumber: number;
  /** The booking date, ISO yyyy-mm-dd. */
  date: string;
  /** Minor units; money in (credit) positive, money out (debit) negative. */
  amountMinor: bigint;
  currency: string;
  description: string;
  payerName?: string;
  /** The payer's own reference (a member or loan number, if they gave it). */
  reference?: string;
  /** The bank's own id for the entry (FITID, AcctSvcrRef, Monzo's transaction id). */
  bankReference?: string;
  balanceMinor?: bigint;
}

export interface StatementError {
  line: number;
  /** For XML formats: the entry's position in the file, from 1. */
  entry?: number;
  column?: string;
  reason: string;
}

export type StatementFormat = "csv" | "ofx" | "camt053";

export type StatementParse =
  | { ok: true; format: StatementFormat; layout: string; lines: StatementLine[]; currency: string; accountId?: string }
  | { ok: false; format: StatementFormat; errors: StatementError[] };

/** Decimal places of a currency's minor unit (ISO 4217); 2 unless listed. */
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, HUF: 2, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };
export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

/**
 * A statement amount to minor units, exactly. Takes what banks write:
 * "1,234.56", "£1,234.56", "-12.30", "+5", "(12.30)" (negative), "12.30 DR"
 * / "12.30 CR", "12.300" (trailing zeros beyond the currency's places).
 * Refuses anything else, and any non-zero digit below a minor unit.
 */
export function parseStatementAmount(text: string, scale = 2): bigint {
  let s = text.trim().replace(/\u00a0/g, " ");
  let negative = false;
  const drcr = /\s*\b(DR|CR)$/i.exec(s);
  if (drcr) {
    negative = drcr[1].toUpperCase() === "DR";
    s = s.slice(0, drcr.index).trim();
  }
  if (/^\(.*\)$/.test(s)) {
    negative = !negative;
    s = s.slice(1, -1).trim();
  }
  const sign = /^[+-]/.exec(s);
  if (sign) {
    if (sign[0] === "-") negative = !negative;
    s = s.slice(1).trim();
  }
  const symbol = /^(£|\$|€|GBP|EUR|USD)\s*/i.exec(s);
  if (symbol) s = s.slice(symbol[0].length);
  if (symbol && !sign && s.startsWith("-")) {
    negative = !negative;
    s = s.slice(1);
  }
  // Thousands separators only in their places ("1,234,567.89").
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new RangeError(`"${text.trim().slice(0, 40)}" is not an amount`);
  const whole = m[1];
  let frac = m[2] ?? "";
  if (frac.length > scale) {
    if (/[^0]/.test(frac.slice(scale))) throw new RangeError(`"${text.trim().slice(0, 40)}" has more than ${scale} decimal places`);
    frac = frac.slice(0, scale);
  }
  const units = BigInt(whole) * 10n ** BigInt(scale) + BigInt(frac.padEnd(scale, "0") || "0");
  if (units > MAX_MINOR_UNITS) throw new RangeError(`"${text.trim().slice(0, 40)}" is larger than any amount taken`);
  return negative ? -units : units;
}

export const DATE_FORMATS = ["dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd", "dd-mm-yyyy", "dd.mm.yyyy", "dd mmm yyyy", "yyyymmdd"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function isoDate(y: number, m: number, d: number, text: string): string {
  const ok = y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (!ok) throw new RangeError(`"${text.trim().slice(0, 40)}" is not a real date`);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A statement date in the given format to ISO yyyy-mm-dd; "dd/mm/yyyy" also takes two-digit years (20yy). */
export function parseStatementDate(text: string, format: DateFormat): string {
  const s = text.trim();
  const fail = () => new RangeError(`"${s.slice(0, 40)}" is not a date in the form ${format}`);
  const year = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));
  let m: RegExpExecArray | null;
  switch (format) {
    case "dd/mm/yyyy":
    case "dd-mm-yyyy":
    case "dd.mm.yyyy": {
      const sep = format[2] === "." ? "\\." : format[2];
      m = new RegExp(`^(\\d{1,2})${sep}(\\d{1,2})${sep}(\\d{4}|\\d{2})$`).exec(s);
      if (!m) throw fail();
      return isoDate(year(m[3]), Number(m[2]), Number(m[1]), s);
    }
    case "mm/dd/yyyy":
      m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
      if (!m) throw fail();
      return isoDate(Number(m[3]), Number(m[1]), Number(m[2]), s);
    case "yyyy-mm-dd":
      m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
      if (!m) throw fail();
      return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), s);
    case "yyyymmdd":
      m = /^(\d{4})(\d{2})(\d{2})/.exec(s);
      if (!m) throw fail();
      return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), s);
    case "dd mmm yyyy": {
      m = /^(\d{1,2})[ -]([A-Za-z]{3})[a-z]*[ -](\d{4}|\d{2})$/.exec(s);
      const month = m ? MONTHS.indexOf(m[2].toLowerCase()) + 1 : 0;
      if (!m || month === 0) throw fail();
      return isoDate(year(m[3]), month, Number(m[1]), s);
    }
  }
}

/** A statement file as text: UTF-8 (a BOM dropped), or Windows-1252 when it is not valid UTF-8 (Nationwide's "£"). */
export function decodeStatement(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder("windows-1252").decode(bytes);
  }
  return text.replace(/^\uFEFF/, "");
}

/** Text tidied for storage: whitespace runs to one space, trimmed, at most `max` characters. */
export function tidy(text: string | undefined | null, max = 500): string | undefined {
  const t = (text ?? "").replace(/\s+/g, " ").trim();
  return t ? t.slice(0, max) : undefined;
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const FORMAT_LABELS: Record<StatementFormat, string> = { csv: "CSV", ofx: "OFX / QFX", camt053: "CAMT.053 XML" };
export function formatOf(format: string): string {
  return FORMAT_LABELS[format as StatementFormat] ?? format;
}
