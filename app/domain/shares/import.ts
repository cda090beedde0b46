/**
 * Checking a members CSV before an all-or-nothing import.
 *
 * The import either takes every row or none, so the officer needs to see
 * every problem in one go: each bad row is reported with its line number in
 * the file as a spreadsheet would show it (the header is line 1) and a plain
 * reason. Nothing here reads files or the database: the caller passes the
 * bytes or parsed rows in, plus the member numbers already in use.
 */
import { readCsvRecords } from "~/domain/csv";
import { displayMoney, type Minor, type MoneyStyle } from "~/domain/money";
import { parsePostcode } from "~/domain/postcode";
import { isIsoDate, type IsoDate } from "../calendar";
import { maxHoldingFor, type ShareClass } from "./rules";

export interface ImportError {
  /** 1-based line in the file; the header is line 1. */
  line: number;
  column?: string;
  reason: string;
}

export type ImportMemberKind = "person" | "organisation";

export interface ImportedMember {
  line: number;
  memberNumber: string;
  kind: ImportMemberKind;
  name: string;
  email: string | null;
  address: string;
  /** Normalised ("PR1 2AB"). */
  postcode: string;
  joinedOn: IsoDate;
  shareClassId: string;
  shares: number;
  /** shares x par value, minor units. */
  amount: Minor;
}

export const MEMBER_IMPORT_COLUMNS = [
  "member_number",
  "kind",
  "name",
  "email",
  "address",
  "postcode",
  "joined_on",
  "share_class",
  "shares",
] as const;

export type MemberImportColumn = (typeof MEMBER_IMPORT_COLUMNS)[number];

export interface MemberImportOptions {
  shareClasses: readonly ShareClass[];
  /** Member numbers already on the register (compared ignoring case). */
  existingMemberNumbers?: Iterable<string>;
  /**
   * Line in the file on which each row starts, same index as `rows`. Needed
   * when a quoted field spans lines; otherwise row i is taken to be line i+1.
   */
  lineNumbers?: readonly number[];
  /** If given, a joining date after this day is refused. */
  today?: IsoDate;
  /** The organisation's currency and locale, that the reasons write amounts in. */
  money: MoneyStyle;
}

export interface MemberImportResult {
  /** True when there are no errors and the rows may be imported. */
  ok: boolean;
  /** Every row that passed; import them only if `ok`. */
  rows: ImportedMember[];
  errors: ImportError[];
}

// Deliberately simple: something@something.something, no spaces. Full RFC 5322
// checking refuses real addresses more often than it catches mistakes.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const WHOLE_NUMBER = /^\d+$/;

/**
 * The header row: each column found wherever it is, ignoring case and
 * spaces; an unknown, repeated or missing column is a problem on that line.
 */
export function readImportHeader(
  row: readonly string[],
  line: number,
): { ok: true; header: string[]; index: Record<MemberImportColumn, number> } | { ok: false; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const header = row.map((h) => h.trim().toLowerCase());
  const index = {} as Record<MemberImportColumn, number>;
  const known = new Set<string>(MEMBER_IMPORT_COLUMNS);
  header.forEach((h, i) => {
    if (h === "") return;
    if (!known.has(h)) {
      errors.push({ line, column: h, reason: `unknown column "${row[i].trim()}"` });
    } else if (index[h as MemberImportColumn] !== undefined) {
      errors.push({ line, column: h, reason: `column "${h}" appears twice` });
    } else {
      index[h as MemberImportColumn] = i;
    }
  });
  for (const c of MEMBER_IMPORT_COLUMNS) {
    if (index[c] === undefined) errors.push({ line, column: c, reason: `missing column "${c}"` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, header, index };
}

/**
 * Validate parsed CSV rows (first row = header) for a members import.
 * Every problem in every row is reported; the import must not go ahead
 * unless `ok` is true.
 */
export function validateMemberImport(rows: readonly (readonly string[])[], options: MemberImportOptions): MemberImportResult {
  const errors: ImportError[] = [];
  const lineOf = (i: number) => options.lineNumbers?.[i] ?? i + 1;
  if (rows.length === 0) return { ok: false, rows: [], errors: [{ line: 1, reason: "the file is empty" }] };

  const read = readImportHeader(rows[0], lineOf(0));
  if (!read.ok) return { ok: false, rows: [], errors: read.errors };
  const { header, index } = read;

  const classes = new Map<string, ShareClass>();
  for (const c of options.shareClasses) {
    classes.set(c.id.trim().toLowerCase(), c);
    classes.set(c.name.trim().toLowerCase(), c);
  }
  const existing = new Set<string>();
  for (const n of options.existingMemberNumbers ?? []) existing.add(n.trim().toUpperCase());
  const firstLineOfNumber = new Map<string, number>();
  const today = options.today;

  const valid: ImportedMember[] = [];
  let memberRows = 0;
  for (let i = 1; i < rows.length; i++) {
    const fields = rows[i];
    const line = lineOf(i);
    if (fields.every((f) => f.trim() === "")) continue; // blank line
    memberRows++;
    if (fields.length !== header.length) {
      errors.push({ line, reason: `expected ${header.length} fields, found ${fields.length}` });
      continue;
    }
    const get = (c: MemberImportColumn) => fields[index[c]].trim();
    const before = errors.length;
    const fail = (column: MemberImportColumn, reason: string) => errors.push({ line, column, reason });

    const memberNumber = get("member_number");
    if (memberNumber === "") {
      fail("member_number", "missing member number");
    } else {
      const key = memberNumber.toUpperCase();
      const first = firstLineOfNumber.get(key);
      if (first !== undefined) fail("member_number", `duplicate member number ${memberNumber} (also on line ${first})`);
      else firstLineOfNumber.set(key, line);
      if (existing.has(key)) fail("member_number", `member number ${memberNumber} is already in use`);
    }

    const kindText = get("kind").toLowerCase();
    const kind = kindText === "person" || kindText === "organisation" ? kindText : null;
    if (kind === null) fail("kind", kindText === "" ? "missing kind (person or organisation)" : `kind must be person or organisation, not "${get("kind")}"`);

    const name = get("name");
    if (name === "") fail("name", "missing name");

    const emailText = get("email");
    if (emailText !== "" && (emailText.length > 254 || !EMAIL.test(emailText))) fail("email", `bad email "${emailText}"`);

    const address = get("address");
    if (address === "") fail("address", "missing address");

    // Members in the forces may give a BFPO number as their postcode.
    const postcode = parsePostcode(get("postcode"), { allowBfpo: true });
    if (!postcode.ok) fail("postcode", `bad postcode: ${postcode.reason}`);

    const joinedOn = get("joined_on");
    if (joinedOn === "") fail("joined_on", "missing joining date");
    else if (!isIsoDate(joinedOn)) fail("joined_on", `bad date "${joinedOn}" (use YYYY-MM-DD, a real date)`);
    else if (today !== undefined && joinedOn > today) fail("joined_on", `joining date ${joinedOn} is in the future`);

    const classText = get("share_class");
    const cls = classes.get(classText.toLowerCase());
    if (classText === "") fail("share_class", "missing share class");
    else if (!cls) fail("share_class", `unknown share class "${classText}"`);

    const sharesText = get("shares");
    let shares: number | null = null;
    if (sharesText === "") fail("shares", "missing number of shares");
    else if (!WHOLE_NUMBER.test(sharesText) || !Number.isSafeInteger(Number(sharesText))) {
      fail("shares", `shares must be a whole number, not "${sharesText}"`);
    } else shares = Number(sharesText);

    let amount: Minor = 0n;
    if (cls && shares !== null) {
      amount = BigInt(shares) * cls.parValue;
      const max = maxHoldingFor(cls, kind ?? "person");
      if (max !== null && amount > max) {
        fail("shares", `a holding in ${cls.name} may not exceed ${displayMoney(max, options.money)}; ${shares} shares would be ${displayMoney(amount, options.money)}`);
      }
      if (shares < cls.minHolding) fail("shares", `membership needs at least ${cls.minHolding} shares in ${cls.name}; this row has ${shares}`);
    }

    if (errors.length === before) {
      valid.push({
        line,
        memberNumber,
        kind: kind!,
        name,
        email: emailText === "" ? null : emailText,
        address,
        postcode: postcode.ok ? postcode.value.postcode : "",
        joinedOn,
        shareClassId: cls!.id,
        shares: shares!,
        amount,
      });
    }
  }
  if (memberRows === 0) errors.push({ line: lineOf(0), reason: "the file has a header but no members" });
  return { ok: errors.length === 0, rows: valid, errors };
}

// ---------------------------------------------------------------------------
// Bytes and CSV text
// ---------------------------------------------------------------------------

export type DecodeResult = { ok: true; text: string } | { ok: false; error: ImportError };

/**
 * Decode an uploaded file as UTF-8, dropping a byte-order mark. If the bytes
 * are not valid UTF-8 (typically a spreadsheet saved as "CSV" in Windows-1252),
 * report "bad encoding" with the line of the first bad byte so the officer
 * can find the offending name or address.
 */
export function decodeCsvBytes(buf: Uint8Array): DecodeResult {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    return { ok: false, error: { line: 1, reason: "bad encoding: the file is UTF-16; save it as CSV UTF-8" } };
  }
  const body = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(body) };
  } catch {
    const at = firstInvalidUtf8(body);
    let line = 1;
    // Same line counting as parseCsvText: CRLF, LF or a lone CR ends a line.
    for (let i = 0; i < at; i++) if (body[i] === 0x0a || (body[i] === 0x0d && body[i + 1] !== 0x0a)) line++;
    return {
      ok: false,
      error: { line, reason: `bad encoding: line ${line} is not valid UTF-8 (save the file as CSV UTF-8)` },
    };
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (Unicode Table 3-7), or the length if none. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < b.length && b[i] >= lo && b[i] <= hi;
  let i = 0;
  while (i < b.length) {
    const x = b[i];
    if (x <= 0x7f) i += 1;
    else if (x >= 0xc2 && x <= 0xdf) {
      if (!cont(i + 1)) return i;
      i += 2;
    } else if (x >= 0xe0 && x <= 0xef) {
      const lo = x === 0xe0 ? 0xa0 : 0x80;
      const hi = x === 0xed ? 0x9f : 0xbf; // ED A0..BF would be a UTF-16 surrogate
      if (!cont(i + 1, lo, hi) || !cont(i + 2)) return i;
      i += 3;
    } else if (x >= 0xf0 && x <= 0xf4) {
      const lo = x === 0xf0 ? 0x90 : 0x80;
      const hi = x === 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
      if (!cont(i + 1, lo, hi) || !cont(i + 2) || !cont(i + 3)) return i;
      i += 4;
    } else return i;
  }
  return b.length;
}

export type CsvParseResult = { ok: true; rows: string[][]; lineNumbers: number[] } | { ok: false; error: ImportError };

/** CSV text to rows, each with the line it starts on; blank lines are skipped. */
export function parseCsvText(text: string): CsvParseResult {
  const read = readCsvRecords(text);
  if (!read.ok) return { ok: false, error: { line: read.line, reason: read.reason } };
  const rows: string[][] = [];
  const lineNumbers: number[] = [];
  read.rows.forEach((row, i) => {
    if (row.length === 1 && row[0] === "") return; // a blank line
    rows.push(row);
    lineNumbers.push(read.lineNumbers[i]);
  });
  return { ok: true, rows, lineNumbers };
}

/** Bytes to checked members in one step: decode, parse, validate. */
export function checkMembersFile(buf: Uint8Array, options: Omit<MemberImportOptions, "lineNumbers">): MemberImportResult {
  const decoded = decodeCsvBytes(buf);
  if (!decoded.ok) return { ok: false, rows: [], errors: [decoded.error] };
  const parsed = parseCsvText(decoded.text);
  if (!parsed.ok) return { ok: false, rows: [], errors: [parsed.error] };
  return validateMemberImport(parsed.rows, { ...options, lineNumbers: parsed.lineNumbers });
}

/**
 * The quick check made in the request before a large members file is kept for
 * its import job: the file is UTF-8 and its header names the columns. Every
 * row is checked by the job (checkMembersFile), which reports each bad row
 * with its line. Returns the problems found; none means "keep it".
 */
export function checkMembersFileFormat(buf: Uint8Array): ImportError[] {
  const decoded = decodeCsvBytes(buf);
  if (!decoded.ok) return [decoded.error];
  // The header is the first line that is not blank; a header never spans lines.
  const lines = decoded.text.split(/\r\n|\n|\r/);
  const at = lines.findIndex((l) => l.trim() !== "");
  if (at < 0) return [{ line: 1, reason: "the file is empty" }];
  const read = readCsvRecords(lines[at]);
  if (!read.ok) return [{ line: at + 1, reason: read.reason }];
  const header = readImportHeader(read.rows[0] ?? [], at + 1);
  return header.ok ? [] : header.errors;
}
