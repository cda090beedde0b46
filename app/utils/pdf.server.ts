import { createRequire } from "node:module";
import type PDFDocument from "pdfkit";

/**
 * PDF out of the app (certificates, registers, certified results, reports)
 * with pdfkit: A4, an embedded Unicode font (DejaVu Sans, from the
 * dejavu-fonts-ttf package) so any member's name prints (ŵ ŷ Ł Ș Ø ß ğ ...;
 * pdfkit's built-in Helvetica has only Latin-1), tagged for screen readers
 * (document language, title shown, every run of text a paragraph or heading
 * in the structure tree), and a simple table helper that breaks pages and
 * repeats the header.
 */
export type Pdf = InstanceType<typeof PDFDocument>;

/** The two faces every PDF uses: call `doc.font(FONT)` / `doc.font(BOLD)`. */
export const FONT = "Sans";
export const BOLD = "Sans-Bold";

const fontFile = (name: string) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`);
let fonts: { regular: string; bold: string } | null = null;

/** Text at this size or larger is a heading in the structure tree. */
const HEADING_SIZE = 14;

export async function renderPdf(draw: (doc: Pdf) => void, info: { title: string; author?: string; lang?: string }): Promise<Buffer> {
  // Loaded on first use: pdfkit and its font metrics are a large share of a process's memory, and few requests are PDFs.
  const { default: PDFDocument } = await import("pdfkit");
  fonts ??= { regular: fontFile("DejaVuSans.ttf"), bold: fontFile("DejaVuSans-Bold.ttf") };
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: "A4",
      margin: 48,
      pdfVersion: "1.7",
      tagged: true,
      lang: info.lang ?? "en-GB",
      displayTitle: true,
      info: { Title: info.title, Author: info.author ?? "Co-op Register" },
    });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.registerFont(FONT, fonts!.regular);
    doc.registerFont(BOLD, fonts!.bold);
    doc.font(FONT);
    // Every text() call becomes a paragraph (or, when large, a heading) of
    // the document's structure tree, so screen readers read it in order.
    const root = doc.struct("Document");
    doc.addStructure(root);
    const text = doc.text.bind(doc) as (...args: unknown[]) => Pdf;
    (doc as unknown as { text: (...args: unknown[]) => Pdf }).text = (...args: unknown[]) => {
      const size = (doc as unknown as { _fontSize: number })._fontSize;
      root.add(doc.struct(size >= HEADING_SIZE ? "H1" : "P", {}, () => void text(...args)));
      return doc;
    };
    draw(doc);
    root.end();
    doc.end();
  });
}

export interface PdfColumn {
  header: string;
  width: number;
  align?: "left" | "right";
}

export function pdfTable(doc: Pdf, columns: PdfColumn[], rows: string[][], opts: { fontSize?: number } = {}) {
  const size = opts.fontSize ?? 8;
  const left = doc.page.margins.left;
  const bottom = doc.page.height - doc.page.margins.bottom;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? BOLD : FONT).fontSize(size);
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i].width - 4 }))) + 4;
    if (doc.y + height > bottom) {
      doc.addPage();
      if (!bold) drawRow(columns.map((c) => c.header), true);
    }
    const y = doc.y;
    let x = left;
    cells.forEach((cell, i) => {
      doc.text(cell, x + 2, y + 2, { width: columns[i].width - 4, align: columns[i].align ?? "left" });
      x += columns[i].width;
    });
    doc.y = y + height;
    doc.x = left;
  };
  drawRow(columns.map((c) => c.header), true);
  for (const row of rows) drawRow(row, false);
}

export function pdfResponse(filename: string, pdf: Buffer, disposition: "inline" | "attachment" = "attachment") {
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `${disposition}; filename="${filename.replace(/[^\w.-]+/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}
