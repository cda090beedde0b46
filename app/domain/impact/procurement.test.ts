import { describe, expect, it } from "vitest";
import { parseCsvText } from "~/domain/shares/import";
import { procurementLocalShare } from "./local";
import { parsePeriod, parseSpendAmount, validateSupplierSpend } from "./procurement";

function rowsOf(text: string): string[][] {
  const r = parseCsvText(text);
  if (!r.ok) throw new Error(r.error.reason);
  return r.rows;
}

describe("parsePeriod", () => {
  it("takes months and quarters", () => {
    expect(parsePeriod("2026-03")).toBe("2026-03");
    expect(parsePeriod(" 2026-q1 ")).toBe("2026-Q1");
    expect(parsePeriod("2026-13")).toBeNull();
    expect(parsePeriod("2026-Q5")).toBeNull();
    expect(parsePeriod("March 2026")).toBeNull();
    expect(parsePeriod("2026-3")).toBeNull();
  });
});

describe("parseSpendAmount", () => {
  it("reads amounts as spreadsheets write them", () => {
    expect(parseSpendAmount("1234.56")).toEqual({ ok: true, amount: 123_456n });
    expect(parseSpendAmount("£1,234.5")).toEqual({ ok: true, amount: 123_450n });
    expect(parseSpendAmount("1,234,567")).toEqual({ ok: true, amount: 123_456_700n });
    expect(parseSpendAmount("0")).toEqual({ ok: true, amount: 0n });
  });

  it("refuses what is not a sum of money", () => {
    expect(parseSpendAmount("")).toEqual({ ok: false, reason: "missing amount" });
    expect(parseSpendAmount("12,34")).toMatchObject({ ok: false });
    expect(parseSpendAmount("1.234")).toMatchObject({ ok: false });
    expect(parseSpendAmount("abc")).toMatchObject({ ok: false });
    expect(parseSpendAmount("-5.00")).toMatchObject({ ok: false, reason: expect.stringMatching(/negative/) });
  });
});

describe("validateSupplierSpend", () => {
  it("accepts good rows, normalising postcodes, periods and amounts", () => {
    const r = validateSupplierSpend(
      rowsOf(
        [
          "Supplier,Postcode,Amount,Period,Category,Notes",
          "Local Veg,pr1 5xy,£4000,2026-01,Food,weekly box",
          'Big Energy,EC1A 1BB,"3,000.00",2026-q1,,',
        ].join("\n"),
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual([]);
    expect(r.rows).toEqual([
      { line: 2, supplier: "Local Veg", postcode: "PR1 5XY", postcodeAsWritten: "pr1 5xy", nonUk: false, amount: 400_000n, period: "2026-01", category: "Food" },
      { line: 3, supplier: "Big Energy", postcode: "EC1A 1BB", postcodeAsWritten: "EC1A 1BB", nonUk: false, amount: 300_000n, period: "2026-Q1", category: null },
    ]);
  });

  it("reports every bad row with its line and reason", () => {
    const r = validateSupplierSpend(
      rowsOf(
        [
          "supplier,postcode,amount,period,category",
          ",PR1 5XY,10,2026-01,Food", // 2 missing supplier
          "A,PR1 5X,10,2026-01,Food", // 3 mistyped UK postcode
          "B,PR1 5XY,ten,2026-01,Food", // 4 bad amount
          "C,PR1 5XY,10,2026-13,Food", // 5 bad period
          "D,,10,,Food", // 6 missing postcode and period
          "E,PR1 5XY,10,2026-02,Food", // 7 fine
          "F,PR1 5XY,-10,2026-02,", // 8 negative
        ].join("\n"),
      ),
    );
    expect(r.ok).toBe(false);
    expect(r.rows.map((x) => x.line)).toEqual([7]);
    expect(r.errors).toEqual([
      { line: 2, column: "supplier", reason: "missing supplier" },
      { line: 3, column: "postcode", reason: 'bad postcode: "PR1 5X" is not a UK postcode' },
      { line: 4, column: "amount", reason: 'amount "ten" is not a sum of money (like 1234.56)' },
      { line: 5, column: "period", reason: 'period "2026-13" must be a month (2026-03) or a quarter (2026-Q1)' },
      { line: 6, column: "period", reason: "missing period" },
      { line: 6, column: "postcode", reason: "missing postcode" },
      { line: 8, column: "amount", reason: 'amount "-10" is negative; net off credit notes before exporting' },
    ]);
  });

  it("flags suppliers outside the UK and never counts them as local", () => {
    const r = validateSupplierSpend(
      rowsOf(
        [
          "supplier,postcode,amount,period,country",
          "Dublin Roasters,D02 X285,100,2026-01,Ireland",
          "Paris Books,75001,50,2026-01,France",
          "Lancs Mill,PR1 1AA,50,2026-01,UK",
          "Typo Ltd,PR1 1A,50,2026-01,United Kingdom",
          "Oddity,PR1 1AA,50,2026-01,Germany",
        ].join("\n"),
      ),
    );
    expect(r.errors).toEqual([{ line: 5, column: "postcode", reason: 'bad postcode: "PR1 1A" is not a UK postcode' }]);
    expect(r.flags).toEqual([
      { line: 2, column: "country", reason: "supplier Dublin Roasters treated as outside the UK (country is Ireland)" },
      { line: 3, column: "country", reason: "supplier Paris Books treated as outside the UK (country is France)" },
      { line: 6, column: "country", reason: "supplier Oddity treated as outside the UK (country is Germany)" },
    ]);
    expect(r.rows.filter((x) => x.nonUk).map((x) => [x.supplier, x.postcode, x.postcodeAsWritten])).toEqual([
      ["Dublin Roasters", null, "D02 X285"],
      ["Paris Books", null, "75001"],
      ["Oddity", null, "PR1 1AA"],
    ]);
    const share = procurementLocalShare({ spend: r.rows, localArea: ["PR1"], widerArea: ["PR"] });
    expect(share.overall).toMatchObject({ total: 25_000n, local: 5_000n, localPercent: "20.0" });
  });

  it("refuses a mistyped or foreign-looking postcode with its line when no country says the supplier is abroad", () => {
    const r = validateSupplierSpend(
      rowsOf(["supplier,postcode,amount,period", "Preston Print,PRI 2AB,100,2026-01", "Dublin Roasters,D02 X285,50,2026-01", "Lancs Mill,PR1 1AA,50,2026-01"].join("\n")),
    );
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [2, "postcode"],
      [3, "postcode"],
    ]);
    expect(r.errors[0].reason).toMatch(/^bad postcode: .*PRI 2AB.*"country" column/);
    expect(r.flags).toEqual([]);
    expect(r.rows.some((x) => x.nonUk)).toBe(false);
  });

  it("checks the header and uses file line numbers", () => {
    expect(validateSupplierSpend([["supplier", "amount", "amount"]]).errors).toEqual([
      { line: 1, column: "amount", reason: 'column "amount" appears twice' },
      { line: 1, column: "postcode", reason: 'missing column "postcode"' },
      { line: 1, column: "period", reason: 'missing column "period"' },
    ]);
    expect(validateSupplierSpend([]).errors).toEqual([{ line: 1, reason: "the file is empty" }]);
    const parsed = parseCsvText('supplier,postcode,amount,period\n"Multi\nLine Ltd",PR1 1AA,x,2026-01\n');
    if (!parsed.ok) throw new Error("parse");
    const r = validateSupplierSpend(parsed.rows, { lineNumbers: parsed.lineNumbers });
    expect(r.errors[0].line).toBe(2);
    const r2 = validateSupplierSpend([...parsed.rows, ["A", "PR1 1AA", "1", "2026-01"]], { lineNumbers: [...parsed.lineNumbers, 4] });
    expect(r2.rows[0].line).toBe(4);
  });
});
