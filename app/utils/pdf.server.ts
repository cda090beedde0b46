import type PDFDocument from "pdfkit";

/**
 * PDF out of the app (certificates, registers, certified results, reports)
 * with pdfkit: A4, the built-in Helvetica (no font files to ship), and a
 * simple table helper that breaks pages and repeats the header.
 */
export type Pdf = InstanceType<typeof PDFDocument>;

export async function renderPdf(draw: (doc: Pdf) => void, info: { title: string; author?: string }): Promise<Buffer> {
  // Loaded on first use: pdfkit and its font metrics are a large share of a process's memory, and few requests are PDFs.
  const { default: PDFDocument } = await import("pdfkit");
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 48, info: { Title: info.title, Author: info.author ?? "Co-op Register" } });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    draw(doc);
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
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(size);
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
