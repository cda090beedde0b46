import { describe, expect, it } from "vitest";
import { statementFile } from "../../../tests/fixtures/statements/paths";
import { lineIdentities, parseStatementFile, statementFormat } from "./index";
import { CSV_LAYOUTS, CsvMappingSchema, detectLayout, type CsvMapping } from "./layouts";
import { sgmlToXml } from "./ofx";
import { decodeStatement, parseStatementAmount, parseStatementDate } from "./statement";

const GBP = { currency: "GBP" };
const parse = (name: string, opts: { currency: string; mapping?: CsvMapping | null } = GBP) => parseStatementFile(statementFile(name), opts);
function ok(name: string, opts?: { currency: string; mapping?: CsvMapping | null }) {
  const r = parse(name, opts);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.errors)} ${r.needsMapping ? "needs mapping" : ""}`);
  return r;
}
const brief = (r: ReturnType<typeof ok>) => r.lines.map((l) => [l.lineNumber, l.date, l.amountMinor, l.reference ?? null, l.bankReference ?? null]);

describe("amounts, exactly in minor units", () => {
  it("reads what banks write", () => {
    expect(parseStatementAmount("1,234.56")).toBe(123456n);
    expect(parseStatementAmount("£1,234.56")).toBe(123456n);
    expect(parseStatementAmount("-£12.30")).toBe(-1230n);
    expect(parseStatementAmount("(12.30)")).toBe(-1230n);
    expect(parseStatementAmount("12.30 DR")).toBe(-1230n);
    expect(parseStatementAmount("+5")).toBe(500n);
    expect(parseStatementAmount("12.300")).toBe(1230n);
    expect(parseStatementAmount("0.1")).toBe(10n);
    expect(parseStatementAmount("1000", 0)).toBe(1000n);
    // 0.1 + 0.2 in floating point is 0.30000000000000004: no float is involved here.
    expect(parseStatementAmount("9007199254740.99")).toBe(900719925474099n);
  });
  it("refuses anything that is not an amount, or finer than a penny", () => {
    for (const bad of ["", "abc", "12.345", "1,23.00", "12.3.4", "1e3", "--5", "10.005"]) expect(() => parseStatementAmount(bad)).toThrow(RangeError);
  });
});

describe("dates", () => {
  it("reads each format to ISO and refuses dates that do not exist", () => {
    expect(parseStatementDate("02/03/2026", "dd/mm/yyyy")).toBe("2026-03-02");
    expect(parseStatementDate("03/02/2026", "mm/dd/yyyy")).toBe("2026-03-02");
    expect(parseStatementDate("07 Jun 2026", "dd mmm yyyy")).toBe("2026-06-07");
    expect(parseStatementDate("20261104120000.000[+1:BST]", "yyyymmdd")).toBe("2026-11-04");
    expect(parseStatementDate("2026-12-04T10:15:00", "yyyy-mm-dd")).toBe("2026-12-04");
    expect(() => parseStatementDate("31/04/2026", "dd/mm/yyyy")).toThrow(/not a real date/);
    expect(() => parseStatementDate("29/02/2027", "dd/mm/yyyy")).toThrow(/not a real date/);
    expect(parseStatementDate("29/02/2028", "dd/mm/yyyy")).toBe("2028-02-29");
    expect(() => parseStatementDate("2026-03-02", "dd/mm/yyyy")).toThrow(/dd\/mm\/yyyy/);
  });
});

describe("known CSV layouts, recognised by their header rows", () => {
  it("has one table of layouts, each recognised by its own header and no other's", () => {
    for (const layout of CSV_LAYOUTS) expect(detectLayout(layout.signature)?.id).toBe(layout.id);
    expect(detectLayout(["Date", "Description", "Amount"])).toBeNull();
  });

  it("Barclays: signed Amount, Memo as description, thousands separators", () => {
    const r = ok("barclays.csv");
    expect(r.layout).toBe("barclays");
    expect(brief(r)).toEqual([
      [2, "2026-03-02", 2500n, null, null],
      [3, "2026-03-02", -1840n, null, null],
      [4, "2026-03-03", 125000n, null, null],
      [5, "2026-03-05", -350n, null, null],
    ]);
    expect(r.lines[0].description).toBe("J OKAFOR M00042 BGC");
  });

  it("Lloyds: debit and credit columns, balance", () => {
    const r = ok("lloyds.csv");
    expect(r.layout).toBe("lloyds");
    expect(r.lines.map((l) => [l.amountMinor, l.balanceMinor])).toEqual([[10000n, 510000n], [10000n, 520000n], [-6420n, 513580n], [41277n, 554857n]]);
  });

  it("NatWest: blank first line, apostrophes, trailing comma, both date styles", () => {
    const r = ok("natwest.csv");
    expect(r.layout).toBe("natwest");
    expect(brief(r)).toEqual([[3, "2026-05-12", 2000n, null, null], [4, "2026-05-13", -25000n, null, null], [5, "2026-05-14", 33333n, null, null]]);
    expect(r.lines[0].description).toBe("R WILLIAMS , M00008");
  });

  it("Nationwide: Windows-1252 pounds, a preamble before the header", () => {
    expect(decodeStatement(statementFile("nationwide.csv"))).toContain("£250.00");
    const r = ok("nationwide.csv");
    expect(r.layout).toBe("nationwide");
    expect(brief(r)).toEqual([[6, "2026-06-07", 25000n, null, null], [7, "2026-06-08", -12000n, null, null], [8, "2026-06-09", 50000n, null, null]]);
    expect(r.lines[2].balanceMinor).toBe(163000n);
  });

  it("Monzo: transaction id as the bank reference, notes as the payer's reference", () => {
    const r = ok("monzo.csv");
    expect(r.layout).toBe("monzo");
    expect(brief(r)).toEqual([
      [2, "2026-07-10", 3000n, "M00061", "tx_0000AbCdEf123456789"],
      [3, "2026-07-11", -1299n, null, "tx_0000AbCdEf123456790"],
      [4, "2026-07-12", 21050n, "L0021", "tx_0000AbCdEf123456791"],
    ]);
    expect(r.lines[0].payerName).toBe("Lucy Evans");
  });

  it("Monzo: a line in another currency than the account's refuses the file", () => {
    const r = parse("monzo.csv", { currency: "EUR" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4]);
  });

  it("Starling: counter party and reference", () => {
    const r = ok("starling.csv");
    expect(r.layout).toBe("starling");
    expect(r.lines[1]).toMatchObject({ lineNumber: 3, date: "2026-08-03", amountMinor: 7500n, payerName: "T Nguyen", reference: "M00104" });
  });
});

describe("other CSV layouts: the column mapping", () => {
  it("asks for a mapping, showing the first rows, when the header is not known", () => {
    const r = parse("unity-trust.csv");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([]);
    expect(r.needsMapping?.rows[0]).toEqual(["Posting Date", "Narrative", "Their Reference", "Payer", "Money In", "Money Out", "Running Balance"]);
  });

  const unity = CsvMappingSchema.parse({
    hasHeader: true,
    headers: ["Posting Date", "Narrative", "Their Reference", "Payer", "Money In", "Money Out", "Running Balance"],
    date: 0, dateFormat: "yyyy-mm-dd", paidIn: 4, paidOut: 5, description: 1, reference: 2, payer: 3, balance: 6,
  });

  it("reads the file through a mapping with paid-in and paid-out columns", () => {
    const r = ok("unity-trust.csv", { currency: "GBP", mapping: unity });
    expect(r.layout).toBe("mapping");
    expect(brief(r)).toEqual([[2, "2026-09-01", 4000n, "M00077", null], [3, "2026-09-02", -5510n, "INSURANCE", null], [4, "2026-09-03", 100000n, "L0004", null]]);
    expect(r.lines[2].payerName).toBe("ACORN HOUSING COOP");
  });

  it("asks again when the remembered mapping was made for another header", () => {
    const r = parse("unity-trust.csv", { currency: "GBP", mapping: { ...unity, headers: ["Date", "Narrative"] } });
    expect(r.ok === false && r.needsMapping).toBeTruthy();
  });

  it("reads a file with no header row by column position", () => {
    const mapping = CsvMappingSchema.parse({ hasHeader: false, headers: [], date: 0, dateFormat: "dd/mm/yyyy", amount: 2, description: 1 });
    const r = ok("hsbc-no-header.csv", { currency: "GBP", mapping });
    expect(brief(r)).toEqual([[1, "2026-10-14", 2000n, null, null], [2, "2026-10-15", -4500n, null, null], [3, "2026-10-16", 152045n, null, null]]);
  });

  it("turns a debit-positive amount column round", () => {
    const mapping = CsvMappingSchema.parse({ hasHeader: false, headers: [], date: 0, dateFormat: "dd/mm/yyyy", amount: 2, amountSign: "debit-positive", description: 1 });
    expect(ok("hsbc-no-header.csv", { currency: "GBP", mapping }).lines[0].amountMinor).toBe(-2000n);
  });

  it("needs an amount, or both paid-in and paid-out columns", () => {
    expect(CsvMappingSchema.safeParse({ hasHeader: false, headers: [], date: 0, dateFormat: "dd/mm/yyyy", paidIn: 2, description: 1 }).success).toBe(false);
  });
});

describe("all or nothing, with line numbers", () => {
  it("refuses the whole file and names every bad line", () => {
    const r = parse("bad-lines.csv");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[3, "Transaction Date"], [4, "Credit Amount"], [6, "Credit Amount"]]);
    expect(r.errors[0].reason).toMatch(/31\/04\/2026/);
    expect(r.errors[1].reason).toMatch(/more than 2 decimal places/);
    expect(r.errors[2].reason).toMatch(/both paid in and paid out/);
  });

  it("counts lines the way a spreadsheet shows them, even past a quoted field over two lines", () => {
    const text = 'Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance\n01/04/2026,FPI,x,1,"TWO\nLINES",,1.00,1.00\n02/04/2026,FPI,x,1,BAD,,x,1.00\n';
    const r = parseStatementFile(new TextEncoder().encode(text), GBP);
    expect(r.ok === false && r.errors.map((e) => e.line)).toEqual([4]);
  });
});

describe("OFX and QFX", () => {
  it("reads OFX 1 (SGML) with unclosed elements and an unescaped ampersand", () => {
    const r = ok("statement-v1.ofx");
    expect(r.format).toBe("ofx");
    expect(r.layout).toBe("ofx1");
    expect(r.accountId).toBe("65432198");
    expect(brief(r)).toEqual([
      [39, "2026-11-02", 2500n, "M00033 SHARES", "202611020001"],
      [47, "2026-11-03", -9999n, "INV 4471", "202611030001"],
      [55, "2026-11-04", 100000n, "L0018", "202611040001"],
    ]);
    expect(r.lines[1].payerName).toBe("PRINT & POST LTD");
  });

  it("reads OFX 2 (XML), as QFX writes it", () => {
    const r = ok("statement-v2.qfx");
    expect(r.layout).toBe("ofx2");
    expect(brief(r)).toEqual([[25, "2026-11-28", 6000n, "M00120", "QFX-9001"], [33, "2026-11-29", -1575n, null, "QFX-9002"]]);
  });

  it("closes SGML elements that hold data and leaves aggregates alone", () => {
    expect(sgmlToXml("<OFX><A><B>1<C>x</C></A></OFX>")).toBe("<OFX><A><B>1</B>\n<C>x</C></A></OFX>");
  });

  it("refuses the file when a transaction is bad, naming its line and entry", () => {
    const text = new TextDecoder().decode(statementFile("statement-v1.ofx")).replace("<TRNAMT>-99.99", "<TRNAMT>-99.9.9").replace("<DTPOSTED>20261104120000.000[+1:BST]", "<DTPOSTED>20261304");
    const r = parseStatementFile(new TextEncoder().encode(text), GBP);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => [e.line, e.entry, e.column])).toEqual([[47, 2, "TRNAMT"], [55, 3, "DTPOSTED"]]);
  });
});

describe("ISO 20022 CAMT.053", () => {
  it("reads entries: direction, booking date, bank reference, remittance, payer", () => {
    const r = ok("camt053.xml");
    expect(r.format).toBe("camt053");
    expect(r.accountId).toBe("GB29NWBK60161331926819");
    expect(brief(r)).toEqual([
      [21, "2026-12-02", 15000n, "M00045", "FP2612020000101"],
      [38, "2026-12-03", -4210n, "DD-REF-7781", "DD2612030000007"],
      [54, "2026-12-04", 250000n, "L0011 DECEMBER", "BACS261204000555"],
    ]);
    expect(r.lines.map((l) => l.payerName)).toEqual(["GRACE OBI", "MUTUAL INSURANCE SOCIETY", "OAKTREE NURSERY LTD"]);
    expect(r.lines[1].description).toBe("DIRECT DEBIT MUTUAL INSURANCE");
  });

  it("reads version .001.08: status code, party under Pty, structured reference, a reversal", () => {
    const r = ok("camt053-v8.xml");
    expect(brief(r)).toEqual([[8, "2027-01-15", 1234n, "M00200", "X8-0001"], [19, "2027-01-16", -1234n, null, "X8-0002"]]);
    expect(r.lines[0].payerName).toBe("PAT LEE");
  });

  it("refuses the file, naming each bad entry with its number and line", () => {
    const r = parse("camt053-bad.xml");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.entry, e.line, e.column])).toEqual([
      [2, 15, "Amt"],
      [3, 21, "Sts"],
      [3, 21, "Amt"],
      [3, 21, "CdtDbtInd"],
      [3, 21, "BookgDt"],
    ]);
  });

  it("refuses XML that is not well-formed, with its line", () => {
    const text = new TextDecoder().decode(statementFile("camt053.xml")).replace("<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>DBIT</CdtDbtIn>");
    const r = parseStatementFile(new TextEncoder().encode(text), GBP);
    expect(r.ok === false && r.errors[0].line).toBe(40);
  });
});

describe("format detection and line identity", () => {
  it("tells the formats apart by content", () => {
    expect(statementFormat(decodeStatement(statementFile("statement-v1.ofx")))).toBe("ofx");
    expect(statementFormat(decodeStatement(statementFile("statement-v2.qfx")))).toBe("ofx");
    expect(statementFormat(decodeStatement(statementFile("camt053.xml")))).toBe("camt053");
    expect(statementFormat(decodeStatement(statementFile("lloyds.csv")))).toBe("csv");
  });

  it("uses the bank's reference when given, and numbers identical lines without one", () => {
    const line = { lineNumber: 2, date: "2026-01-01", amountMinor: 1000n, currency: "GBP", description: "CASH" };
    const ids = lineIdentities([line, { ...line, lineNumber: 3 }, { ...line, bankReference: "R1" }], (c) => c);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toBe("ref:R1");
    // The same two lines later in another file (after other lines) get the same identities.
    const again = lineIdentities([{ ...line, date: "2025-12-31" }, { ...line, lineNumber: 9 }, { ...line, lineNumber: 10 }], (c) => c);
    expect(again.slice(1)).toEqual(ids.slice(0, 2));
  });
});
