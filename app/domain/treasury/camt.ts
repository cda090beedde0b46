import { at, asArray, parseXml, tagLines, textOf, xmlProblem, type XmlNode } from "./xml";
import { minorDigits, parseStatementAmount, parseStatementDate, reasonOf, tidy, type StatementError, type StatementLine } from "./statement";

/*
 * ISO 20022 CAMT.053 (bank-to-customer statement), any version from .001.02:
 * Document/BkToCstmrStmt/Stmt/Ntry. Each booked entry (Ntry) is one line:
 *  - amount: Amt (always positive, currency in @Ccy) signed by CdtDbtInd
 *    (CRDT in, DBIT out); a reversal (RvslInd true) runs the other way;
 *  - date: BookgDt/Dt (or the date of BookgDt/DtTm), else ValDt;
 *  - bank reference: AcctSvcrRef (the entry's, else its first transaction's);
 *  - the payer's reference: RmtInf/Ustrd of the first TxDtls, else
 *    RmtInf/Strd/CdtrRefInf/Ref, else EndToEndId (unless NOTPROVIDED);
 *  - payer: RltdPties/Dbtr/Nm (.08 on: Dbtr/Pty/Nm); for money out, Cdtr.
 * Entries that are not booked (pending, information only) are refused with
 * their entry number: a statement holds booked entries.
 */

export type CamtStatementParse =
  | { ok: true; format: "camt053"; layout: string; lines: StatementLine[]; currency: string; accountId?: string }
  | { ok: false; format: "camt053"; errors: StatementError[] };

export function looksLikeCamt(text: string): boolean {
  const head = text.slice(0, 4096);
  return /camt\.053/i.test(head) || /<(?:\w+:)?BkToCstmrStmt[\s>]/.test(head);
}

const partyName = (party: unknown) => textOf(at(party, "Nm")) ?? textOf(at(party, "Pty", "Nm"));

export function parseCamtStatement(text: string, opts: { currency: string }): CamtStatementParse {
  const fail = (errors: StatementError[]): CamtStatementParse => ({ ok: false, format: "camt053", errors });
  const problem = xmlProblem(text);
  if (problem) return fail([{ line: problem.line, reason: problem.reason }]);
  const doc = parseXml(text, ["Stmt", "Ntry", "NtryDtls", "TxDtls", "Ustrd", "Bal"]);
  const statements = asArray(at(doc, "Document", "BkToCstmrStmt", "Stmt") as XmlNode[] | undefined);
  if (!statements.length) return fail([{ line: 1, reason: "this is not a CAMT.053 statement: it has no Document/BkToCstmrStmt/Stmt" }]);
  const positions = tagLines(text, "Ntry");
  const accountId = textOf(at(statements[0], "Acct", "Id", "IBAN")) ?? textOf(at(statements[0], "Acct", "Id", "Othr", "Id"));
  const scale = minorDigits(opts.currency);
  const errors: StatementError[] = [];
  const lines: StatementLine[] = [];
  let index = 0;
  for (const st of statements) {
    for (const entry of asArray(st.Ntry as XmlNode[] | undefined)) {
      index++;
      const line = positions[index - 1] ?? 1;
      const bad = (column: string, reason: string) => errors.push({ line, entry: index, column, reason });
      const status = textOf(at(entry, "Sts")) ?? textOf(at(entry, "Sts", "Cd"));
      if (status && status !== "BOOK") bad("Sts", `the entry is ${status === "PDNG" ? "pending" : status}, not booked`);
      const amt = entry.Amt;
      const ccy = (typeof amt === "object" && amt ? textOf((amt as XmlNode)["@_Ccy"]) : undefined) ?? "";
      let amount: bigint | undefined;
      try {
        const amtText = textOf(amt);
        if (!amtText) throw new RangeError("no Amt (amount)");
        if (/^\s*-/.test(amtText)) throw new RangeError(`"${amtText}": Amt is never negative (CdtDbtInd gives the direction)`);
        amount = parseStatementAmount(amtText, scale);
      } catch (e) {
        bad("Amt", reasonOf(e));
      }
      if (ccy.toUpperCase() !== opts.currency) bad("Amt", `the entry is in ${ccy || "no currency"}, the bank account in ${opts.currency}`);
      const direction = textOf(entry.CdtDbtInd);
      if (direction !== "CRDT" && direction !== "DBIT") bad("CdtDbtInd", direction ? `"${direction}" is neither CRDT nor DBIT` : "no CdtDbtInd (credit or debit)");
      const reversal = textOf(entry.RvslInd) === "true";
      const dateText = textOf(at(entry, "BookgDt", "Dt")) ?? textOf(at(entry, "BookgDt", "DtTm")) ?? textOf(at(entry, "ValDt", "Dt")) ?? "";
      let date: string | undefined;
      try {
        date = parseStatementDate(dateText.slice(0, 10), "yyyy-mm-dd");
      } catch (e) {
        bad("BookgDt", dateText ? reasonOf(e) : "no BookgDt (booking date)");
      }
      if (date === undefined || amount === undefined || (direction !== "CRDT" && direction !== "DBIT") || ccy.toUpperCase() !== opts.currency) continue;
      const credit = (direction === "CRDT") !== reversal;
      const tx = at(entry, "NtryDtls", "TxDtls");
      const ustrd = asArray(at(tx, "RmtInf", "Ustrd") as unknown[] | undefined).map(textOf).filter(Boolean).join(" ");
      const endToEnd = textOf(at(tx, "Refs", "EndToEndId"));
      const reference = tidy(ustrd, 200) ?? tidy(textOf(at(tx, "RmtInf", "Strd", "CdtrRefInf", "Ref")), 200) ?? (endToEnd && endToEnd !== "NOTPROVIDED" ? tidy(endToEnd, 200) : undefined);
      const payer = tidy(direction === "CRDT" ? partyName(at(tx, "RltdPties", "Dbtr")) : partyName(at(tx, "RltdPties", "Cdtr")), 200);
      lines.push({
        lineNumber: line,
        date,
        amountMinor: credit ? amount : -amount,
        currency: opts.currency,
        description: tidy(textOf(entry.AddtlNtryInf)) ?? tidy(textOf(at(tx, "AddtlTxInf"))) ?? tidy([payer, reference].filter(Boolean).join(" · ")) ?? "",
        payerName: payer,
        reference,
        bankReference: tidy(textOf(entry.AcctSvcrRef), 200) ?? tidy(textOf(at(tx, "Refs", "AcctSvcrRef")), 200),
      });
    }
  }
  if (errors.length) return fail(errors);
  if (!lines.length) return fail([{ line: 1, reason: "the statement has no entries (Ntry)" }]);
  return { ok: true, format: "camt053", layout: "camt.053", lines, currency: opts.currency, accountId };
}
