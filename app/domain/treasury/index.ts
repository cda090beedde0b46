import { parseCamtStatement, looksLikeCamt } from "./camt";
import { parseCsvStatement } from "./csv";
import type { CsvMapping } from "./layouts";
import { looksLikeOfx, parseOfxStatement } from "./ofx";
import { decodeStatement, formatOf, type StatementError, type StatementFormat, type StatementLine } from "./statement";

export type { StatementLine, StatementError, StatementFormat } from "./statement";

export type StatementFileParse =
  | { ok: true; format: StatementFormat; layout: string; lines: StatementLine[]; currency: string; accountId?: string }
  | { ok: false; format: StatementFormat; errors: StatementError[]; needsMapping?: { rows: string[][]; firstLine: number } };

/** Which format a statement file is, from its content: OFX/QFX, CAMT.053 XML, or else CSV. */
export function statementFormat(text: string): StatementFormat {
  if (looksLikeOfx(text)) return "ofx";
  if (looksLikeCamt(text) || /^\s*<\?xml/.test(text)) return "camt053";
  return "csv";
}

/** Any statement file to lines, all or nothing. `mapping`: the bank account's remembered CSV column mapping. */
export function parseStatementFile(bytes: Uint8Array, opts: { currency: string; mapping?: CsvMapping | null }): StatementFileParse {
  const text = decodeStatement(bytes);
  switch (statementFormat(text)) {
    case "ofx":
      return parseOfxStatement(text, opts);
    case "camt053":
      return parseCamtStatement(text, opts);
    case "csv":
      return parseCsvStatement(text, opts);
  }
}

// How many text lines a file has (app/domain/csv.ts): shared with the members import, which decides the same way.
export { textLineCount } from "../csv";

/**
 * The quick check made before a large file is kept for its job: a CSV file
 * whose layout the app does not know (and no remembered mapping reads) needs
 * the mapping step first. Only the first rows are read, where the header is.
 */
export function csvNeedsMapping(bytes: Uint8Array, mapping: CsvMapping | null): { rows: string[][]; firstLine: number } | null {
  const text = decodeStatement(bytes);
  if (statementFormat(text) !== "csv") return null;
  const head = text.split("\n", 40).join("\n");
  const parsed = parseCsvStatement(head, { currency: "GBP", mapping });
  return !parsed.ok && parsed.needsMapping ? parsed.needsMapping : null;
}

/**
 * Each line's identity on its bank account, for "never imported twice": the
 * bank's own reference where it gives one, else a hash of what the line
 * says (date, amount, description, payer, reference, balance) and how many
 * identical lines came before it in the file, so two genuine identical
 * payments on one day are two lines, and the same two in an overlapping
 * file are recognised as already there. `digest` shortens what a line says
 * to a fixed-length key (the model passes SHA-256: the domain does no crypto).
 */
export function lineIdentities(lines: readonly StatementLine[], digest: (content: string) => string): string[] {
  const seen = new Map<string, number>();
  return lines.map((l) => {
    if (l.bankReference) return `ref:${l.bankReference}`;
    const content = [l.date, l.amountMinor.toString(), l.description, l.payerName ?? "", l.reference ?? "", l.balanceMinor?.toString() ?? ""].join("\u001f");
    const n = (seen.get(content) ?? 0) + 1;
    seen.set(content, n);
    return `hash:${digest(`${content}\u001f${n}`)}`;
  });
}

export { formatOf };
