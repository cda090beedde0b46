import { stringify as stringifySync } from "csv-stringify/sync";

/**
 * CSV out of the app. A cell that starts with = + - @ (or a tab/CR) would
 * run as a formula when a spreadsheet opens the file (CSV injection), so
 * such text cells get a leading apostrophe. Numbers we format ourselves
 * (amounts like "-12.50") are left alone so they stay numbers.
 */
export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (/^-?\d+(\.\d+)?$/.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function toCsv(header: string[], rows: Iterable<unknown[]>): string {
  return stringifySync([header, ...[...rows].map((r) => r.map(neutraliseCell))]);
}

export function csvResponse(filename: string, body: string | ReadableStream<Uint8Array>) {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]+/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}

/**
 * Streams rows from an async source as CSV with back-pressure, so a
 * million-row export holds one batch in memory at a time.
 */
export function csvStream(header: string[], rows: AsyncIterable<unknown[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<unknown[]> | undefined;
  return new ReadableStream<Uint8Array>({
    start() {
      iterator = rows[Symbol.asyncIterator]();
    },
    async pull(controller) {
      if (header.length) {
        controller.enqueue(encoder.encode(stringifySync([header])));
        header = [];
        return;
      }
      const next = await iterator!.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(stringifySync([next.value.map(neutraliseCell)])));
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}
