import { describe, expect, it } from "vitest";
import { readCsvRecords } from "./csv";

describe("readCsvRecords", () => {
  it("keeps blank lines as records, so every record has the line a spreadsheet shows", () => {
    expect(readCsvRecords('name,address\r\n\r\n"Ann","1 Long\r\nRoad"\rBen,2 Short Road\n')).toEqual({
      ok: true,
      rows: [["name", "address"], [""], ["Ann", "1 Long\nRoad"], ["Ben", "2 Short Road"]],
      lineNumbers: [1, 2, 3, 5],
    });
  });

  it("refuses a quote inside a field that is not quoted, on its line, saying how to write it", () => {
    const r = readCsvRecords('name\nAnn\nO"Brien\n');
    expect(r).toMatchObject({ ok: false, line: 3 });
    expect(r.ok ? "" : r.reason).toContain('"O""Brien"');
  });
});
