/**
 * Reads a PDF back as a reader would: its text (pdf.js, Mozilla's reader)
 * and the marks that make it accessible (tagged, language, title shown).
 */
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export async function pdfText(pdf: Uint8Array | Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => ("str" in i ? i.str + (i.hasEOL ? "\n" : "") : "")).join(""));
  }
  await doc.destroy();
  return pages.join("\n");
}

export async function pdfAccessibility(pdf: Uint8Array | Buffer) {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const [markInfo, meta, tree, viewer] = await Promise.all([doc.getMarkInfo(), doc.getMetadata(), (await doc.getPage(1)).getStructTree(), doc.getViewerPreferences()]);
  await doc.destroy();
  const info = meta.info as { Title?: string; Language?: string };
  return { tagged: markInfo?.Marked === true, title: info.Title, language: info.Language, structure: tree, displayTitle: (viewer as { DisplayDocTitle?: boolean } | null)?.DisplayDocTitle === true };
}
