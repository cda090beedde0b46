import { describe, expect, it } from "vitest";
import { checkMembersFile, checkMembersFileFormat, decodeCsvBytes, firstInvalidUtf8, parseCsvText, validateMemberImport } from "./import";
import type { ShareClass } from "./rules";
import type { MoneyStyle } from "~/domain/money";

const community: ShareClass = {
  id: "community",
  name: "Community Shares",
  parValue: 100n,
  minHolding: 10,
  withdrawable: true,
  transferable: false,
  noticeDays: 90,
  interestRateBasisPoints: 300,
  voting: "one-member-one-vote",
};
const GBP: MoneyStyle = { currency: "GBP", locale: "en-GB" };
const options = { shareClasses: [community], existingMemberNumbers: ["M900"], money: GBP };

const HEADER = "member_number,kind,name,email,address,postcode,joined_on,share_class,shares";

function rowsOf(lines: string[]): string[][] {
  const parsed = parseCsvText(lines.join("\n"));
  if (!parsed.ok) throw new Error(parsed.error.reason);
  return parsed.rows;
}

describe("validateMemberImport", () => {
  it("accepts a good file and normalises what it can", () => {
    const r = validateMemberImport(
      rowsOf([
        HEADER,
        'M001,person,Ada Lovelace,ada@example.org,"1 Fishergate, Preston",pr1 2ab,2024-05-01,community,250',
        "M002,Organisation,Preston Food Co-op Ltd,,2 Church St,PR1 3DE,2024-05-02,Community Shares,100000",
      ]),
      options,
    );
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.rows).toEqual([
      {
        line: 2,
        memberNumber: "M001",
        kind: "person",
        name: "Ada Lovelace",
        email: "ada@example.org",
        address: "1 Fishergate, Preston",
        postcode: "PR1 2AB",
        joinedOn: "2024-05-01",
        shareClassId: "community",
        shares: 250,
        amount: 25_000n,
      },
      expect.objectContaining({ line: 3, kind: "organisation", email: null, shares: 100_000, amount: 10_000_000n }),
    ]);
  });

  it("reports every bad row with its line and reason", () => {
    const r = validateMemberImport(
      rowsOf([
        HEADER,
        "M001,person,,a@example.org,1 Road,PR1 2AB,2024-05-01,community,20", // 2: missing name
        "M002,person,Bea,b@example.org,2 Road,XYZ,2024-05-01,community,20", // 3: bad postcode
        "M001,person,Cy,c@example.org,3 Road,PR1 2AB,2024-05-01,community,20", // 4: duplicate of line 2
        "m900,person,Di,d@example.org,4 Road,PR1 2AB,2024-05-01,community,20", // 5: already in use
        "M005,person,Ed,e@example.org,5 Road,PR1 2AB,2024-05-01,community,100001", // 6: over £100,000
        "M006,person,Flo,f@example.org,6 Road,PR1 2AB,2024-05-01,community,ten", // 7: non-numeric
        "M007,person,Gus,g@example.org,7 Road,PR1 2AB,2026-02-30,community,20", // 8: bad date
        "M008,person,Hal,h@example.org,8 Road,PR1 2AB,2024-05-01,gold,20", // 9: unknown class
        "M009,person,Ivy,ivy@example,9 Road,PR1 2AB,2024-05-01,community,20", // 10: bad email
        "M010,person,Jo,j@example.org,10 Road,PR1 2AB,2024-05-01,community,20", // 11: fine
        "M011,robot,Kit,k@example.org,11 Road,PR1 2AB,2024-05-01,community,5", // 12: two problems
        "M012,person,Lu,l@example.org,12 Road,PR1 2AB,2024-05-01,community", // 13: short row
        "M013,person,Mo,m@example.org,,PR1 2AB,2024-05-01,community,1.5", // 14: no address, fractional shares
      ]),
      options,
    );
    expect(r.ok).toBe(false);
    expect(r.rows.map((x) => x.memberNumber)).toEqual(["M010"]);
    expect(r.errors).toEqual([
      { line: 2, column: "name", reason: "missing name" },
      { line: 3, column: "postcode", reason: 'bad postcode: "XYZ" is not a UK postcode' },
      { line: 4, column: "member_number", reason: "duplicate member number M001 (also on line 2)" },
      { line: 5, column: "member_number", reason: "member number m900 is already in use" },
      {
        line: 6,
        column: "shares",
        reason: "a holding in Community Shares may not exceed £100,000.00; 100001 shares would be £100,001.00",
      },
      { line: 7, column: "shares", reason: 'shares must be a whole number, not "ten"' },
      { line: 8, column: "joined_on", reason: 'bad date "2026-02-30" (use YYYY-MM-DD, a real date)' },
      { line: 9, column: "share_class", reason: 'unknown share class "gold"' },
      { line: 10, column: "email", reason: 'bad email "ivy@example"' },
      { line: 12, column: "kind", reason: 'kind must be person or organisation, not "robot"' },
      { line: 12, column: "shares", reason: "membership needs at least 10 shares in Community Shares; this row has 5" },
      { line: 13, reason: "expected 9 fields, found 8" },
      { line: 14, column: "address", reason: "missing address" },
      { line: 14, column: "shares", reason: 'shares must be a whole number, not "1.5"' },
    ]);
  });

  it("uses the file's line numbers when a quoted address spans lines, and skips blank lines", () => {
    const text = [
      HEADER,
      'M001,person,Ada,,"1 Fishergate',
      'Preston",PR1 2AB,2024-05-01,community,20',
      "",
      "M002,person,,,2 Road,PR1 2AB,2024-05-01,community,20",
      'M003,person,Cy,,"3 Road\r\nPreston\r\nLancs",PR1 2AB,2024-13-01,community,20',
      "M004,person,Di,,4 Road,BFPO 57,2024-05-01,community,20",
    ].join("\n");
    const parsed = parseCsvText(text);
    if (!parsed.ok) throw new Error("parse failed");
    expect(parsed.lineNumbers).toEqual([1, 2, 5, 6, 9]);
    const r = validateMemberImport(parsed.rows, { ...options, lineNumbers: parsed.lineNumbers });
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [5, "name"],
      [6, "joined_on"],
    ]);
    expect(r.rows.map((x) => [x.line, x.address, x.postcode])).toEqual([
      [2, "1 Fishergate\nPreston", "PR1 2AB"],
      [9, "4 Road", "BFPO 57"],
    ]);
  });

  it("checks the header: missing, unknown and repeated columns, in any order and case", () => {
    const r = validateMemberImport([["Member_Number", "kind", "name", "email", "adress", "postcode", "joined_on", "shares", "shares"]], options);
    expect(r.errors).toEqual([
      { line: 1, column: "adress", reason: 'unknown column "adress"' },
      { line: 1, column: "shares", reason: 'column "shares" appears twice' },
      { line: 1, column: "address", reason: 'missing column "address"' },
      { line: 1, column: "share_class", reason: 'missing column "share_class"' },
    ]);
    const reordered = validateMemberImport(
      [
        ["shares", "share_class", "joined_on", "postcode", "address", "email", "name", "kind", "member_number"],
        ["20", "community", "2024-05-01", "PR1 2AB", "1 Road", "", "Ada", "person", "M1"],
      ],
      options,
    );
    expect(reordered.ok).toBe(true);
  });

  it("refuses an empty file and a header with no members", () => {
    expect(validateMemberImport([], options).errors).toEqual([{ line: 1, reason: "the file is empty" }]);
    expect(validateMemberImport([HEADER.split(",")], options).errors).toEqual([{ line: 1, reason: "the file has a header but no members" }]);
  });

  it("refuses a joining date in the future when told today's date", () => {
    const r = validateMemberImport(rowsOf([HEADER, "M1,person,Ada,,1 Road,PR1 2AB,2026-05-02,community,20"]), { ...options, today: "2026-05-01" });
    expect(r.errors).toEqual([{ line: 2, column: "joined_on", reason: "joining date 2026-05-02 is in the future" }]);
  });

  it("validates 100,000 rows in well under 5 seconds", () => {
    const lines = [HEADER];
    for (let i = 1; i <= 100_000; i++) {
      lines.push(`M${i},person,Member ${i},m${i}@example.org,"${i} High Street, Preston",PR${(i % 9) + 1} ${i % 10}AB,2024-05-01,community,${10 + (i % 500)}`);
    }
    const text = lines.join("\n");
    const t0 = performance.now();
    const parsed = parseCsvText(text);
    const t1 = performance.now();
    if (!parsed.ok) throw new Error("parse failed");
    const r = validateMemberImport(parsed.rows, { shareClasses: [community], existingMemberNumbers: ["X1"], lineNumbers: parsed.lineNumbers, money: GBP });
    const t2 = performance.now();
    console.log(`100,000 member rows: parse ${(t1 - t0).toFixed(0)} ms, validate ${(t2 - t1).toFixed(0)} ms`);
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(100_000);
    expect(r.rows[99_999].line).toBe(100_001);
    expect(t2 - t1).toBeLessThan(5000);
  });
});

describe("decodeCsvBytes", () => {
  const enc = new TextEncoder();

  it("decodes UTF-8 and drops a byte-order mark", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("name\nZoë Brontë\n")]);
    expect(decodeCsvBytes(bytes)).toEqual({ ok: true, text: "name\nZoë Brontë\n" });
  });

  it("reports bad encoding on the line of the first invalid byte", () => {
    // "Zoë" saved as Windows-1252: ë is the single byte 0xEB.
    const bytes = new Uint8Array([...enc.encode("name\nAda\nZo"), 0xeb, ...enc.encode("\nBea\n")]);
    expect(decodeCsvBytes(bytes)).toEqual({
      ok: false,
      error: { line: 3, reason: "bad encoding: line 3 is not valid UTF-8 (save the file as CSV UTF-8)" },
    });
  });

  it("counts lines after a byte-order mark and in files without newlines", () => {
    expect(decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0xff]))).toMatchObject({ ok: false, error: { line: 1 } });
  });

  it("recognises a UTF-16 file", () => {
    expect(decodeCsvBytes(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).toMatchObject({ ok: false, error: { line: 1, reason: expect.stringMatching(/UTF-16/) } });
  });

  it("finds overlong forms, surrogates, truncated sequences and values above U+10FFFF", () => {
    expect(firstInvalidUtf8(enc.encode("abc€😀"))).toBe(enc.encode("abc€😀").length);
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xc0, 0xaf]))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0xaf]))).toBe(0); // overlong 3-byte
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0x42, 0xed, 0xa0, 0x80]))).toBe(2); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xe2, 0x82]))).toBe(1); // cut short
    expect(firstInvalidUtf8(new Uint8Array([0x80]))).toBe(0); // stray continuation byte
  });
});

describe("checkMembersFile", () => {
  it("goes from bytes to checked rows", () => {
    const bytes = new TextEncoder().encode(`${HEADER}\r\nM1,person,Ada,,1 Road,PR1 2AB,2024-05-01,community,20\r\n`);
    const r = checkMembersFile(bytes, options);
    expect(r.ok).toBe(true);
    expect(r.rows[0]).toMatchObject({ memberNumber: "M1", line: 2 });
  });

  it("stops at bad encoding or broken CSV", () => {
    expect(checkMembersFile(new Uint8Array([0x61, 0x0a, 0xff]), options).errors).toEqual([
      { line: 2, reason: "bad encoding: line 2 is not valid UTF-8 (save the file as CSV UTF-8)" },
    ]);
    const broken = checkMembersFile(new TextEncoder().encode(`${HEADER}\nM1,person,"Ada,,1 Road\n`), options);
    expect(broken.ok).toBe(false);
    expect(broken.errors[0].reason).toMatch(/not valid CSV/);
  });
});

describe("parseCsvText", () => {
  it("handles quotes, doubled quotes and every kind of line ending", () => {
    const r = parseCsvText('a,"b ""quoted""",c\r\n1,,3\r4,5,6\n"x,y","",z');
    expect(r).toEqual({
      ok: true,
      rows: [
        ["a", 'b "quoted"', "c"],
        ["1", "", "3"],
        ["4", "5", "6"],
        ["x,y", "", "z"],
      ],
      lineNumbers: [1, 2, 3, 4],
    });
  });

  it("reports an unclosed quote at the line where it opens", () => {
    expect(parseCsvText('a,b\n1,"open\n2,3\n')).toEqual({
      ok: false,
      error: { line: 2, reason: "the file is not valid CSV: a quoted field is never closed" },
    });
  });

  it("reports text after a closing quote", () => {
    expect(parseCsvText('a,b\n\n1,"x"y\n')).toMatchObject({ ok: false, error: { line: 3 } });
  });
});

describe("decodeCsvBytes line counting", () => {
  it("counts CRLF once and a lone CR as a line break", () => {
    const crlf = new Uint8Array([0x61, 0x0d, 0x0a, 0x62, 0x0d, 0x0a, 0xff]);
    expect(decodeCsvBytes(crlf)).toMatchObject({ ok: false, error: { line: 3 } });
    const cr = new Uint8Array([0x61, 0x0d, 0x62, 0x0d, 0xff]);
    expect(decodeCsvBytes(cr)).toMatchObject({ ok: false, error: { line: 3 } });
  });
});

describe("checkMembersFileFormat (the quick check before a large file goes to its job)", () => {
  const enc = (text: string) => new TextEncoder().encode(text);
  it("passes a file whose header names the columns, whatever its rows hold", () => {
    // The rows are the job's to check: a bad row is not looked at here.
    expect(checkMembersFileFormat(enc(`\ufeff\r\n${HEADER}\r\n1,person,,,,,,,\r\n`))).toEqual([]);
    expect(checkMembersFileFormat(enc(HEADER.split(",").reverse().join(" , ").toUpperCase()))).toEqual([]);
  });
  it("reports a wrong header on its line, bad encoding on the line of the first bad byte, and an empty file", () => {
    expect(checkMembersFileFormat(enc(`\n${HEADER.replace("postcode", "post_code")}\n1,person`))).toEqual([
      { line: 2, column: "post_code", reason: 'unknown column "post_code"' },
      { line: 2, column: "postcode", reason: 'missing column "postcode"' },
    ]);
    expect(checkMembersFileFormat(new Uint8Array([...enc(`${HEADER}\n1,person,Jos`), 0xe9]))).toMatchObject([{ line: 2, reason: expect.stringMatching(/UTF-8/) }]);
    expect(checkMembersFileFormat(enc(" \n\n"))).toEqual([{ line: 1, reason: "the file is empty" }]);
  });
});

describe("a members file's reasons write money as the organisation does (#17.3)", () => {
  const file = [HEADER, "M1,person,Ada,,1 Road,PR1 2AB,2026-05-01,community,100001"];
  it("the maximum holding in euros in German, dollars in American English", () => {
    const reason = (money: MoneyStyle) => validateMemberImport(rowsOf(file), { ...options, money }).errors.map((e) => e.reason);
    expect(reason({ currency: "EUR", locale: "de-DE" })).toEqual(["a holding in Community Shares may not exceed 100.000,00\u00a0€; 100001 shares would be 100.001,00\u00a0€"]);
    expect(reason({ currency: "USD", locale: "en-US" })).toEqual(["a holding in Community Shares may not exceed $100,000.00; 100001 shares would be $100,001.00"]);
  });
});
