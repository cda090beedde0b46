import { at, asArray, parseXml, tagLines, textOf, xmlProblem, type XmlNode } from "./xml";
import { minorDigits, parseStatementAmount, parseStatementDate, reasonOf, tidy, type StatementError, type StatementLine } from "./statement";

/*
 * OFX and QFX (Quicken's OFX) bank statements: version 1 (SGML, headers as
 * "KEY:VALUE" lines, elements with data left unclosed) and version 2 (XML).
 * Version 1 is first made well-formed by closing each element that holds
 * data, then both are read by the same XML parser. Each <STMTTRN> is one
 * line: DTPOSTED (its date part, as the bank wrote it), TRNAMT (signed,
 * credit positive), FITID (the bank's id for it), NAME (payer or payee),
 * MEMO (usually the payer's reference).
 */

export type OfxStatementParse =
  | { ok: true; format: "ofx"; layout: string; lines: StatementLine[]; currency: string; accountId?: string }
  | { ok: false; format: "ofx"; errors: StatementError[] };

export function looksLikeOfx(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*OFXHEADER\s*:/m.test(head) || /<\?OFX\b/i.test(head) || /<OFX>/i.test(head);
}

const escapeText = (t: string) => t.replace(/&(?!(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);)/g, "&amp;");

/** OFX 1 SGML (from <OFX> on) to XML: an element followed by data and not closed is closed after its data. */
export function sgmlToXml(body: string): string {
  const tokens = [...body.matchAll(/<(\/?)([A-Za-z0-9._]+)>([^<]*)/g)];
  let out = "";
  tokens.forEach((t, i) => {
    const [, slash, name, data] = t;
    if (slash) {
      out += `</${name}>${/\S/.test(data) ? "" : data}`;
      return;
    }
    const next = tokens[i + 1];
    const closedNext = next && next[1] === "/" && next[2] === name;
    if (/\S/.test(data) && !closedNext) out += `<${name}>${escapeText(data.trim())}</${name}>\n`;
    else out += `<${name}>${/\S/.test(data) ? escapeText(data) : data}`;
  });
  return out;
}

export function parseOfxStatement(text: string, opts: { currency: string }): OfxStatementParse {
  const fail = (errors: StatementError[]): OfxStatementParse => ({ ok: false, format: "ofx", errors });
  const start = text.search(/<OFX>/i);
  if (start < 0) return fail([{ line: 1, reason: "this is not an OFX file: it has no <OFX> element" }]);
  const body = text.slice(start);
  const linesBefore = text.slice(0, start).split("\n").length - 1;
  const isXml = /<\?xml\b/i.test(text.slice(0, start)) && xmlProblem(body) === null;
  let xml = body;
  if (!isXml) {
    xml = sgmlToXml(body);
    const problem = xmlProblem(xml);
    if (problem) return fail([{ line: 1, reason: `the OFX file cannot be read: ${problem.reason}` }]);
  }
  const doc = parseXml(xml, ["STMTTRN", "STMTTRNRS", "CCSTMTTRNRS"]);
  const statements = [
    ...asArray(at(doc, "OFX", "BANKMSGSRSV1", "STMTTRNRS") as XmlNode[] | undefined).map((r) => at(r, "STMTRS")),
    ...asArray(at(doc, "OFX", "CREDITCARDMSGSRSV1", "CCSTMTTRNRS") as XmlNode[] | undefined).map((r) => at(r, "CCSTMTRS")),
  ].filter(Boolean);
  if (!statements.length) return fail([{ line: 1, reason: "the OFX file holds no bank or card statement (STMTRS)" }]);
  const positions = tagLines(body, "STMTTRN").map((l) => l + linesBefore);
  const currency = (textOf(at(statements[0], "CURDEF")) ?? opts.currency).toUpperCase();
  const accountId = textOf(at(statements[0], "BANKACCTFROM", "ACCTID")) ?? textOf(at(statements[0], "CCACCTFROM", "ACCTID"));
  const errors: StatementError[] = [];
  if (currency !== opts.currency) errors.push({ line: 1, reason: `the statement is in ${currency}, the bank account in ${opts.currency}` });
  const scale = minorDigits(opts.currency);
  const lines: StatementLine[] = [];
  let index = 0;
  for (const st of statements) {
    for (const trn of asArray(at(st, "BANKTRANLIST", "STMTTRN") as XmlNode[] | undefined)) {
      index++;
      const line = positions[index - 1] ?? 1;
      const problem = (column: string, reason: string) => errors.push({ line, entry: index, column, reason });
      let date: string | undefined;
      let amount: bigint | undefined;
      const posted = textOf(trn.DTPOSTED) ?? "";
      try {
        date = parseStatementDate(posted, "yyyymmdd");
      } catch (e) {
        problem("DTPOSTED", posted ? reasonOf(e) : "no DTPOSTED (date posted)");
      }
      const amountText = (textOf(trn.TRNAMT) ?? "").replace(/^([+-]?\d+),(\d+)$/, "$1.$2");
      try {
        if (!amountText) throw new RangeError("no TRNAMT (amount)");
        amount = parseStatementAmount(amountText, scale);
      } catch (e) {
        problem("TRNAMT", reasonOf(e));
      }
      if (date === undefined || amount === undefined) continue;
      const name = tidy(textOf(trn.NAME) ?? textOf(at(trn, "PAYEE", "NAME")), 200);
      const memo = tidy(textOf(trn.MEMO), 200);
      lines.push({
        lineNumber: line,
        date,
        amountMinor: amount,
        currency: opts.currency,
        description: tidy([name, memo].filter(Boolean).join(" · ")) ?? tidy(textOf(trn.TRNTYPE)) ?? "",
        payerName: name,
        reference: memo ?? tidy(textOf(trn.REFNUM), 200) ?? tidy(textOf(trn.CHECKNUM), 200),
        bankReference: tidy(textOf(trn.FITID), 200),
      });
    }
  }
  if (errors.length) return fail(errors);
  if (!lines.length) return fail([{ line: 1, reason: "the statement has no transactions (STMTTRN)" }]);
  return { ok: true, format: "ofx", layout: isXml ? "ofx2" : "ofx1", lines, currency: opts.currency, accountId };
}
