import { describe, expect, it } from "vitest";
import { parseSupplierSpendCsv, parseSurveyCsv } from "./csv";

describe("parseSupplierSpendCsv", () => {
  it("reads good rows with their line numbers", () => {
    const r = parseSupplierSpendCsv("supplier,postcode,amount,period,category\nPR Bakes,pr1 2ab,\"1,250.00\",2025-Q1,Catering\nCivic Ltd,M1 1AE,99.99,2025-Q1,\n");
    expect(r.ok).toBe(true);
    expect(r.rows.map((x) => [x.line, x.postcode, x.amount, x.period, x.category])).toEqual([
      [2, "PR1 2AB", 125_000n, "2025-Q1", "Catering"],
      [3, "M1 1AE", 9_999n, "2025-Q1", null],
    ]);
  });

  it("refuses the whole file, naming every bad row's line, even after blank and multi-line rows", () => {
    const text = [
      "supplier,postcode,amount,period",
      "\"Two",
      "Lines Ltd\",PR1 2AB,10.00,2025-01",
      "",
      "Bad Postcode,PR1 2A,10.00,2025-01",
      "Bad Amount,PR1 2AB,ten,2025-01",
      "Bad Period,PR1 2AB,10.00,2025-13",
    ].join("\n");
    const r = parseSupplierSpendCsv(text);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [5, "postcode"],
      [6, "amount"],
      [7, "period"],
    ]);
  });

  it("flags a foreign supplier whose country is given, and refuses a foreign-looking postcode without one", () => {
    const r = parseSupplierSpendCsv("supplier,postcode,amount,period,country\nDublin Print,D02 X285,50.00,2025-01,Ireland\n");
    expect(r.ok).toBe(true);
    expect(r.rows[0].nonUk).toBe(true);
    expect(r.flags[0].line).toBe(2);
    const bare = parseSupplierSpendCsv("supplier,postcode,amount,period\nDublin Print,D02 X285,50.00,2025-01\n");
    expect(bare.ok).toBe(false);
    expect(bare.errors[0]).toMatchObject({ line: 2, column: "postcode" });
  });

  it("reports unreadable CSV", () => {
    const r = parseSupplierSpendCsv("supplier,postcode,amount,period\n\"unclosed,PR1 2AB,1,2025-01\n");
    expect(r.ok).toBe(false);
    expect(r.errors[0].reason).toMatch(/not valid CSV/);
  });

  it("puts an unclosed quote in a Windows (CRLF) file on a line the file has", () => {
    // Found by the fuzz test: csv-parse counted each \r inside the open quote as a line.
    const r = parseSupplierSpendCsv("supplier,postcode,amount,period\r\n\"unterminated\r\n\r\nFishergate Bakery");
    expect(r.ok).toBe(false);
    expect(r.errors[0].line).toBeLessThanOrEqual(4);
  });

  it("numbers rows the same whatever the line endings", () => {
    const rows = ["supplier,postcode,amount,period", "\"Two\r\nline name\",PR1 2AB,1.00,2025-01", "Fishergate Bakery,PR1 2AB,2.00,2025-01"];
    for (const eol of ["\n", "\r\n", "\r"]) {
      const r = parseSupplierSpendCsv(rows.join(eol));
      expect(r.ok, eol).toBe(true);
      expect(r.rows.map((row) => row.line), JSON.stringify(eol)).toEqual([2, 4]);
    }
  });
});

describe("parseSurveyCsv", () => {
  it("reads answers", () => {
    const r = parseSurveyCsv("respondent,recipient,amount,local_percent\nFlour mill,supplier,1000.00,40\nBaker,staff,2000.00,62.5%\n");
    expect(r).toEqual({
      ok: true,
      answers: [
        { line: 2, respondent: "Flour mill", recipient: "supplier", amountReceived: 100_000n, localSpendPercent: "40" },
        { line: 3, respondent: "Baker", recipient: "staff", amountReceived: 200_000n, localSpendPercent: "62.5" },
      ],
    });
  });
  it("refuses bad rows with their lines", () => {
    const r = parseSurveyCsv("recipient,amount,local_percent\nvolunteer,10,5\nstaff,10,101\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => [e.line, e.column])).toEqual([[2, "recipient"], [3, "local_percent"]]);
  });
});
