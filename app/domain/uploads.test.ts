import { describe, expect, it } from "vitest";
import { checkUpload, safeStoredName, sniffKind } from "./uploads";

const enc = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...enc(p)] : p)));

/** A minimal ZIP local header naming its first entry (what office files start with). */
function zip(firstEntry: string, rest = "") {
  const name = enc(firstEntry);
  const header = [0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, name.length, 0, 0, 0];
  return bytes(header, firstEntry, rest);
}

const SAMPLES = {
  pdf: bytes("%PDF-1.7\n%âãÏÓ\n1 0 obj"),
  png: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], "JFIF"),
  gif: bytes("GIF89a", [1, 0, 1, 0]),
  webp: bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 "),
  xlsx: zip("[Content_Types].xml", "<Types/>PK xl/workbook.xml"),
  docx: zip("[Content_Types].xml", "<Types/>PK word/document.xml"),
  ods: zip("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
  odt: zip("mimetype", "application/vnd.oasis.opendocument.text"),
  csv: bytes("name,amount\r\nO'Brien,12.50\r\n"),
  txt: bytes("Notes from the visit\n\tAccounts seen.\n"),
};

describe("uploads are judged by their content", () => {
  it("accepts each allowed kind under its own extension, storing the type found in the bytes", () => {
    const names: Record<keyof typeof SAMPLES, string> = { pdf: "plan.pdf", png: "shop.png", jpeg: "shop.JPG", gif: "logo.gif", webp: "photo.webp", xlsx: "accounts.xlsx", docx: "letter.docx", ods: "cash.ods", odt: "minutes.odt", csv: "sales.csv", txt: "notes.txt" };
    for (const [kind, data] of Object.entries(SAMPLES) as [keyof typeof SAMPLES, Uint8Array][]) {
      const r = checkUpload(names[kind], data);
      expect({ kind, ok: r.ok, found: r.ok ? r.kind : r.reason }).toEqual({ kind, ok: true, found: kind });
    }
    expect(checkUpload("plan.pdf", SAMPLES.pdf)).toEqual({ ok: true, kind: "pdf", contentType: "application/pdf", filename: "plan.pdf" });
  });

  it("refuses the issue's setup.exe and invoice.pdf.exe, and programs whatever they are called, with a clear message", () => {
    const windows = bytes("MZ", [0x90, 0, 3, 0], "This program cannot be run in DOS mode");
    for (const name of ["setup.exe", "invoice.pdf.exe", "invoice.pdf", "notes.txt", "accounts"]) {
      const r = checkUpload(name, windows);
      expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^This file is a Windows program, not a document, so it cannot be uploaded\. Upload PDF, images/) });
    }
    expect(checkUpload("run.bin", bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toMatchObject({ ok: false, reason: expect.stringContaining("a Linux program") });
    expect(checkUpload("app.pdf", bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]))).toMatchObject({ ok: false, reason: expect.stringContaining("a macOS program") });
    expect(checkUpload("notes.txt", bytes("#!/bin/sh\nrm -rf ~\n"))).toMatchObject({ ok: false, reason: expect.stringContaining("a script") });
    // A text file named as a program is refused by its name.
    expect(checkUpload("invoice.pdf.exe", bytes("hello"))).toEqual({ ok: false, reason: expect.stringMatching(/^Files ending \.exe cannot be uploaded\./) });
    for (const name of ["run.bat", "x.ps1", "page.html", "image.svg", "tool.jar", "macro.xlsm", "a.JS"]) expect(checkUpload(name, bytes("hello")).ok).toBe(false);
  });

  it("refuses a file whose name says one kind and whose content is another", () => {
    expect(checkUpload("plan.pdf", SAMPLES.png)).toEqual({ ok: false, reason: "The file's name ends .pdf, saying it is a PDF, but its content is a PNG image. Rename it to match, or upload the right file." });
    expect(checkUpload("accounts.xlsx", SAMPLES.docx)).toMatchObject({ ok: false, reason: expect.stringContaining("saying it is an Excel spreadsheet, but its content is a Word document") });
    expect(checkUpload("plan.pdf", SAMPLES.txt)).toMatchObject({ ok: false, reason: expect.stringContaining("its content is a text file") });
    expect(checkUpload("photo.png", SAMPLES.jpeg).ok).toBe(false);
  });

  it("refuses archives, macros, Java programs, markup and binary data that is no allowed kind", () => {
    expect(checkUpload("stuff.zip", zip("evil.exe"))).toMatchObject({ ok: false, reason: expect.stringContaining("(it is an archive)") });
    expect(checkUpload("accounts.xlsx", zip("[Content_Types].xml", "xl/workbook.xml xl/vbaProject.bin"))).toMatchObject({ ok: false, reason: expect.stringContaining("contains macros") });
    expect(checkUpload("plan.docx", zip("META-INF/MANIFEST.MF", "Main-Class: x"))).toMatchObject({ ok: false, reason: expect.stringContaining("Java program") });
    expect(checkUpload("notes.txt", bytes("<!DOCTYPE html><script>alert(1)</script>"))).toMatchObject({ ok: false, reason: expect.stringContaining("not one of the kinds") });
    expect(checkUpload("notes.txt", bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toMatchObject({ ok: false });
    expect(checkUpload("notes.txt", bytes("abc", [0], "def"))).toMatchObject({ ok: false });
    expect(checkUpload("notes.log", SAMPLES.txt)).toEqual({ ok: false, reason: expect.stringMatching(/^Files ending \.log cannot be uploaded\./) });
  });

  it("sniffs by bytes alone", () => {
    expect(sniffKind(SAMPLES.pdf)).toBe("pdf");
    expect(sniffKind(SAMPLES.ods)).toBe("ods");
    expect(sniffKind(SAMPLES.csv)).toBe("text");
    expect(sniffKind(new Uint8Array([0xff, 0xfe, 0x00]))).toBeNull();
  });

  it("stores a safe name: no path, no control or odd characters, the kind's own extension", () => {
    expect(safeStoredName("C:\\Users\\ann\\plan.PDF", "pdf")).toBe("plan.pdf");
    expect(safeStoredName("../../etc/passwd.txt", "txt")).toBe("passwd.txt");
    expect(safeStoredName("a\u0000b\r\n<script>.txt", "txt")).toBe("a_b_script_.txt");
    expect(safeStoredName("..hidden..txt", "txt")).toBe("hidden.txt");
    expect(safeStoredName("Café accounts (2025).xlsx", "xlsx")).toBe("Café accounts (2025).xlsx");
    expect(safeStoredName("noextension", "png")).toBe("noextension.png");
    expect(safeStoredName("...", "pdf")).toBe("document.pdf");
    expect(checkUpload("photo", SAMPLES.jpeg)).toMatchObject({ ok: true, filename: "photo.jpg" });
  });
});
