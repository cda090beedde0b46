/**
 * Every kind of PDF prints any member's name: Welsh, Polish, Romanian,
 * Turkish, German and Greek letters through the embedded Unicode font, read
 * back with pdf.js; and each is tagged for screen readers.
 */
import { describe, expect, it } from "vitest";
import { certificatePdf } from "~/models/shares/certificates.server";
import { renderPdf, pdfTable, BOLD, FONT } from "~/utils/pdf.server";
import { makeMember } from "../../db/factories";
import { Browser, serverWithSecretary } from "../http";
import { pdfAccessibility, pdfText } from "../pdf-text";

const NAMES = ["Siôn Ŵyn ap Dafydd", "Łucja Wąsowska-Żółć", "Ștefan Țăranu", "Gülşen Yılmaz", "Jürgen Weiß", "Ελένη Παπαδοπούλου"];

const t = serverWithSecretary();

/** pdf.js may split a line into runs: compare with whitespace collapsed. */
const flat = (s: string) => s.replace(/\s+/g, " ");

describe("PDFs carry any name", () => {
  it("renders every name in text and in tables, and reads back the same letters", async () => {
    const pdf = await renderPdf((doc) => {
      doc.font(BOLD).fontSize(16).text("Register");
      doc.font(FONT).fontSize(10);
      for (const n of NAMES) doc.text(n);
      pdfTable(doc, [{ header: "Name", width: 300 }, { header: "Shares", width: 80, align: "right" }], NAMES.map((n, i) => [n, String(i + 1)]));
    }, { title: "Names" });
    const text = flat(await pdfText(pdf));
    for (const n of NAMES) expect(text.split(n).length - 1, n).toBe(2);
  });

  it("tags the document: structure, language and title", async () => {
    const pdf = await renderPdf((doc) => {
      doc.fontSize(16).text("A heading");
      doc.fontSize(10).text("A paragraph.");
    }, { title: "Tagged", lang: "cy" });
    const a11y = await pdfAccessibility(pdf);
    expect(a11y.tagged).toBe(true);
    expect(a11y.title).toBe("Tagged");
    expect(a11y.displayTitle).toBe(true);
    const raw = Buffer.from(pdf).toString("latin1");
    expect(raw).toContain("/Lang (cy)");
    expect(raw).toContain("/StructTreeRoot");
    expect(JSON.stringify(a11y.structure)).toMatch(/"role":"H1"[\s\S]*"role":"P"/);
  });

  it("prints a share certificate for a Welsh name", async () => {
    const pdf = await certificatePdf(
      { number: 7, member_name: NAMES[0], member_number: 12, address: "Tŷ Ŵyn, Caernarfon", shares: 10, par_value: 100n, class_name: "Ordinary shares", issued_on: "2026-12-01", cancelled_on: null, replaced_by: null } as unknown as Parameters<typeof certificatePdf>[0],
      "Cwmni Cydweithredol Caernarfon",
      "GBP",
    );
    const text = flat(await pdfText(pdf));
    expect(text).toContain(NAMES[0]);
    expect(text).toContain("Tŷ Ŵyn, Caernarfon");
  });

  it("prints the register PDF with every name, over HTTP", async () => {
    for (const name of NAMES) await makeMember(t.db, t.org.id, { name, status: "admitted" });
    const b = new Browser(t.server.base);
    await b.login(t.secretary.email, t.secretary.password);
    const res = await b.get("/register/pdf");
    expect(res.status).toBe(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    const text = flat(await pdfText(pdf));
    for (const n of NAMES) expect(text, n).toContain(n);
    expect((await pdfAccessibility(pdf)).tagged).toBe(true);
  });
});
