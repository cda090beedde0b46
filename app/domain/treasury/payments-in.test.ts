import { describe, expect, it } from "vitest";
import { checkStatementUpload, formatIban, formatSortCode, loanPaymentReference, memberPaymentReference, normaliseIban, normaliseSortCode } from "./payments-in";

describe("payment references and bank details", () => {
  it("gives each member and loan its own reference", () => {
    expect(memberPaymentReference(42)).toBe("M00042");
    expect(memberPaymentReference(1234567)).toBe("M1234567");
    expect(loanPaymentReference(7)).toBe("L00007");
  });
  it("reads and prints sort codes and IBANs", () => {
    expect(normaliseSortCode("30-99-50")).toBe("309950");
    expect(normaliseSortCode("30 99 5")).toBeNull();
    expect(formatSortCode("309950")).toBe("30-99-50");
    expect(normaliseIban("gb29 nwbk 6016 1331 9268 19")).toBe("GB29NWBK60161331926819");
    expect(normaliseIban("GB28NWBK60161331926819")).toBeNull(); // one check digit wrong
    expect(formatIban("GB29NWBK60161331926819")).toBe("GB29 NWBK 6016 1331 9268 19");
  });
});

describe("statement uploads", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  it("takes text files with a statement's extension", () => {
    for (const name of ["a.csv", "a.OFX", "a.qfx", "camt.xml", "a.txt"]) expect(checkStatementUpload(name, text("Date,Amount\n")).ok).toBe(true);
    expect(checkStatementUpload("nationwide.csv", new Uint8Array([0x22, 0xa3, 0x31, 0x22, 0x0d, 0x0a])).ok).toBe(true);
  });
  it("refuses other names, programs, PDFs and binary content", () => {
    expect(checkStatementUpload("a.exe", text("x"))).toMatchObject({ ok: false });
    expect(checkStatementUpload("statement", text("x"))).toMatchObject({ ok: false });
    expect(checkStatementUpload("a.csv", text("MZ\x90\x00"))).toMatchObject({ ok: false, reason: expect.stringMatching(/program/) });
    expect(checkStatementUpload("a.csv", text("%PDF-1.7"))).toMatchObject({ ok: false });
    expect(checkStatementUpload("a.csv", new Uint8Array([0x41, 0x00, 0x42]))).toMatchObject({ ok: false, reason: expect.stringMatching(/control/) });
    expect(checkStatementUpload("a.csv", new Uint8Array())).toMatchObject({ ok: false });
  });
});
