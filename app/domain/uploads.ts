/*
 * What an uploaded lending document really is, judged by its first bytes
 * (its "magic number"), never by the name or type the browser sends. Only
 * the kinds the page offers are kept: PDF, images (PNG, JPEG, GIF, WebP),
 * spreadsheets and documents (XLSX, DOCX, OpenDocument ODS/ODT, CSV) and
 * plain text. The file's extension must name the kind its content is, so
 * "invoice.pdf.exe" or a program renamed "plan.pdf" is refused, and a
 * program (Windows, Linux or macOS executable, script with #!, Java
 * archive) is refused whatever it is called. The stored name is rebuilt
 * from safe characters with the kind's own extension.
 *
 * Pure: bytes and a name in, a verdict out.
 */

export type UploadKind = "pdf" | "png" | "jpeg" | "gif" | "webp" | "xlsx" | "docx" | "ods" | "odt" | "csv" | "txt";

interface KindInfo {
  contentType: string;
  extensions: readonly string[];
  label: string;
}

export const UPLOAD_KINDS: Record<UploadKind, KindInfo> = {
  pdf: { contentType: "application/pdf", extensions: ["pdf"], label: "a PDF" },
  png: { contentType: "image/png", extensions: ["png"], label: "a PNG image" },
  jpeg: { contentType: "image/jpeg", extensions: ["jpg", "jpeg"], label: "a JPEG image" },
  gif: { contentType: "image/gif", extensions: ["gif"], label: "a GIF image" },
  webp: { contentType: "image/webp", extensions: ["webp"], label: "a WebP image" },
  xlsx: { contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extensions: ["xlsx"], label: "an Excel spreadsheet" },
  docx: { contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extensions: ["docx"], label: "a Word document" },
  ods: { contentType: "application/vnd.oasis.opendocument.spreadsheet", extensions: ["ods"], label: "an OpenDocument spreadsheet" },
  odt: { contentType: "application/vnd.oasis.opendocument.text", extensions: ["odt"], label: "an OpenDocument text" },
  csv: { contentType: "text/csv", extensions: ["csv"], label: "a CSV file" },
  txt: { contentType: "text/plain", extensions: ["txt", "text", "md"], label: "a text file" },
};

export const ALLOWED_UPLOADS = "PDF, images (PNG, JPEG, GIF, WebP), spreadsheets and documents (XLSX, ODS, CSV, DOCX, ODT) and plain text";

export type UploadCheck =
  | { ok: true; kind: UploadKind; contentType: string; filename: string }
  | { ok: false; reason: string };

const EXECUTABLE_EXTENSIONS = new Set([
  "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "msc", "dll", "cpl", "sys", "jar", "js", "jse", "mjs", "vbs", "vbe", "wsf", "wsh", "hta",
  "ps1", "psm1", "sh", "bash", "zsh", "command", "app", "apk", "dmg", "pkg", "deb", "rpm", "run", "bin", "elf", "so", "dylib", "py", "pl", "rb", "php",
  "lnk", "reg", "inf", "iso", "img", "vhd", "xlsm", "docm", "pptm", "xlam", "html", "htm", "xhtml", "svg", "xml",
]);

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0) {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The kind of program the bytes are, if they are one. */
function executableKind(bytes: Uint8Array): string | null {
  if (startsWith(bytes, ascii("MZ"))) return "a Windows program";
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return "a Linux program";
  for (const magic of [[0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xce, 0xfa, 0xed, 0xfe], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe]]) {
    if (startsWith(bytes, magic)) return "a macOS program";
  }
  if (startsWith(bytes, ascii("#!"))) return "a script";
  return null;
}

/** Whether a byte string occurs in the bytes (names inside a ZIP are stored as plain bytes). */
function contains(bytes: Uint8Array, needle: string) {
  const n = ascii(needle);
  outer: for (let i = 0; i + n.length <= bytes.length; i++) {
    for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

/** Which office document a ZIP archive is, from the names inside it; null for any other archive. */
function zipKind(bytes: Uint8Array): UploadKind | "macro" | "jar" | null {
  // OpenDocument: the first entry is "mimetype", stored, holding the type.
  if (startsWith(bytes, ascii("mimetype"), 30)) {
    if (startsWith(bytes, ascii("application/vnd.oasis.opendocument.spreadsheet"), 38)) return "ods";
    if (startsWith(bytes, ascii("application/vnd.oasis.opendocument.text"), 38)) return "odt";
    return null;
  }
  if (contains(bytes, "META-INF/MANIFEST.MF") && !contains(bytes, "[Content_Types].xml")) return "jar";
  if (!contains(bytes, "[Content_Types].xml")) return null;
  if (contains(bytes, "vbaProject.bin")) return "macro";
  if (contains(bytes, "xl/workbook.xml")) return "xlsx";
  if (contains(bytes, "word/document.xml")) return "docx";
  return null;
}

/** Plain text: valid UTF-8 (a BOM allowed) with no control characters other than tab, line breaks and form feed. */
function isPlainText(bytes: Uint8Array) {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) return false;
  }
  // Markup is not plain text: an HTML or SVG page could run as a page if ever shown inline.
  return !/^\s*<(!doctype|html|svg|\?xml|script)/i.test(text.slice(0, 512));
}

/** What the content is, from its bytes alone (extension not considered). */
export function sniffKind(bytes: Uint8Array): UploadKind | "zip" | "macro" | "jar" | "text" | null {
  if (startsWith(bytes, ascii("%PDF-"))) return "pdf";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "webp";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return zipKind(bytes) ?? "zip";
  if (isPlainText(bytes)) return "text";
  return null;
}

function extensionOf(filename: string) {
  const base = filename.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

/** A stored name of safe characters only (letters, digits, space, . _ - ( )), ending with the kind's extension. */
export function safeStoredName(filename: string, kind: UploadKind) {
  const base = (filename.split(/[\\/]/).pop() ?? "").normalize("NFC");
  const dot = base.lastIndexOf(".");
  const stem = (dot > 0 ? base.slice(0, dot) : base)
    .replace(/[^\p{L}\p{N} ._()-]+/gu, "_")
    .replace(/\.{2,}/g, ".")
    .replace(/^[\s.]+|[\s.]+$/g, "")
    .slice(0, 120);
  const ext = extensionOf(base);
  const own = UPLOAD_KINDS[kind].extensions.includes(ext) ? ext : UPLOAD_KINDS[kind].extensions[0];
  return `${stem || "document"}.${own}`;
}

export function checkUpload(filename: string, bytes: Uint8Array): UploadCheck {
  const ext = extensionOf(filename);
  const program = executableKind(bytes);
  if (program) return { ok: false, reason: `This file is ${program}, not a document, so it cannot be uploaded. Upload ${ALLOWED_UPLOADS}.` };
  if (EXECUTABLE_EXTENSIONS.has(ext)) return { ok: false, reason: `Files ending .${ext} cannot be uploaded. Upload ${ALLOWED_UPLOADS}.` };
  const sniffed = sniffKind(bytes);
  if (sniffed === "macro") return { ok: false, reason: `This Office file contains macros (programs), so it cannot be uploaded. Save it without macros (as .xlsx or .docx) or as a PDF.` };
  if (sniffed === "jar") return { ok: false, reason: `This file is a Java program, not a document, so it cannot be uploaded. Upload ${ALLOWED_UPLOADS}.` };
  if (sniffed === null || sniffed === "zip") {
    return { ok: false, reason: `This file is not one of the kinds that can be uploaded${sniffed === "zip" ? " (it is an archive)" : ""}. Upload ${ALLOWED_UPLOADS}.` };
  }
  // Text has no magic number: its extension says which kind of text it is.
  const kind: UploadKind = sniffed === "text" ? (ext === "csv" ? "csv" : "txt") : sniffed;
  const claimed = (Object.keys(UPLOAD_KINDS) as UploadKind[]).find((k) => UPLOAD_KINDS[k].extensions.includes(ext));
  if (ext && !claimed) return { ok: false, reason: `Files ending .${ext} cannot be uploaded. Upload ${ALLOWED_UPLOADS}.` };
  if (claimed && claimed !== kind) {
    return { ok: false, reason: `The file's name ends .${ext}, saying it is ${UPLOAD_KINDS[claimed].label}, but its content is ${UPLOAD_KINDS[kind].label}. Rename it to match, or upload the right file.` };
  }
  return { ok: true, kind, contentType: UPLOAD_KINDS[kind].contentType, filename: safeStoredName(filename, kind) };
}
