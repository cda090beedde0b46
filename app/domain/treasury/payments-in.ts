/*
 * How members and borrowers pay by bank transfer: the reference each is
 * told to give (so the payment can be told apart on the statement), and the
 * bank details of the account marked for payments in, written as people
 * type them. Also the check of an uploaded statement file. Pure.
 */

/** A member's payment reference: "M" and the member number, five digits at least ("M00042"). */
export function memberPaymentReference(memberNumber: number | bigint | string): string {
  return `M${String(memberNumber).padStart(5, "0")}`;
}

/** A loan's payment reference: "L" and the loan's reference number, five digits at least ("L00007"). */
export function loanPaymentReference(loanReference: number | bigint | string): string {
  return `L${String(loanReference).padStart(5, "0")}`;
}

/** "123456" -> "12-34-56". */
export function formatSortCode(sortCode: string): string {
  return sortCode.replace(/^(\d{2})(\d{2})(\d{2})$/, "$1-$2-$3");
}

/** An IBAN in groups of four, as printed. */
export function formatIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, "$1 ");
}

/** "12-34-56", "12 34 56" -> "123456"; null if it is not six digits. */
export function normaliseSortCode(text: string): string | null {
  const digits = text.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** An IBAN without spaces, upper-cased, if its check digits are right (ISO 13616 mod 97); else null. */
export function normaliseIban(text: string): string | null {
  const iban = text.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return null;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1 ? iban : null;
}

export const STATEMENT_EXTENSIONS = ["csv", "txt", "ofx", "qfx", "xml"] as const;

/** A statement upload: a text file (UTF-8 or Windows-1252) named .csv, .txt, .ofx, .qfx or .xml, and not a program. */
export function checkStatementUpload(filename: string, bytes: Uint8Array): { ok: true } | { ok: false; reason: string } {
  const base = filename.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
  if (!(STATEMENT_EXTENSIONS as readonly string[]).includes(ext)) {
    return { ok: false, reason: `A bank statement is a .csv, .ofx, .qfx or .xml (CAMT.053) file${ext ? `, not .${ext}` : ""}. Download it again from online banking in one of those formats.` };
  }
  if (bytes.length === 0) return { ok: false, reason: "The file is empty." };
  const head = bytes.slice(0, 4);
  const magic = String.fromCharCode(...head);
  if (magic.startsWith("MZ") || magic === "\x7fELF" || magic.startsWith("#!") || magic.startsWith("PK") || magic.startsWith("%PDF")) {
    return { ok: false, reason: "This is not a text statement file (it is a program, an archive or a PDF). Download the statement as CSV, OFX or CAMT.053 XML." };
  }
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c)) {
      return { ok: false, reason: "The file holds control characters, so it is not a text statement file. Download the statement as CSV, OFX or CAMT.053 XML." };
    }
  }
  return { ok: true };
}

/** The organisation's bank details for payments in, as shown to a payer. */
export interface PayingDetails {
  accountName: string;
  bank: string;
  sortCode: string | null;
  accountNumber: string | null;
  iban: string | null;
  bic: string | null;
}
