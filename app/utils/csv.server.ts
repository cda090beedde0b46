import { neutraliseCell } from "~/domain/csv";

/*
 * CSV out of the app. Every cell, header rows included, goes through the
 * one neutraliser (neutraliseCell in app/domain/csv.ts) against CSV
 * injection; nothing writes CSV any other way.
 */
export { neutraliseCell };

/** A field holding a comma, a double quote or a line end goes in double quotes (RFC 4180). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV record, every cell neutralised, ending LF: the bytes csv-stringify
 * wrote with its defaults (which every export used until December 2026;
 * csv.server.test.ts checks the two agree on any cells). Written here
 * because a csv-stringify call a line (a stringifier built for each) was
 * most of the server's time on a 100,000-line export.
 */
export function csvLine(cells: readonly unknown[]): string {
  let line = "";
  for (let i = 0; i < cells.length; i++) {
    const text = neutraliseCell(cells[i]);
    if (i > 0) line += ",";
    line += NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }
  return line + "\n";
}

export function toCsv(header: readonly unknown[], rows: Iterable<readonly unknown[]>): string {
  let out = csvLine(header);
  for (const row of rows) out += csvLine(row);
  return out;
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

/** About how much CSV text goes out in one chunk of a stream. */
const STREAM_CHUNK_CHARS = 64 * 1024;

/**
 * Streams rows from an async source as CSV with back-pressure, so a
 * million-row export holds one batch in memory at a time. Lines go out
 * about 64 KB a chunk: a chunk a line (100,000 for the portfolio) cost the
 * server more than reading the rows from the database.
 */
export function csvStream(header: readonly unknown[], rows: AsyncIterable<readonly unknown[]>): ReadableStream<Uint8Array> {
  return linesStream(header, rows, false);
}

/**
 * The same from a source that hands over rows a batch at a time (a cursor's
 * fetch): one wait a batch instead of one a row, which on 100,000 rows is a
 * good part of the server's time (a promise and its bookkeeping each).
 */
export function csvStreamOfBatches(header: readonly unknown[], batches: AsyncIterable<readonly (readonly unknown[])[]>): ReadableStream<Uint8Array> {
  return linesStream(header, batches, true);
}

function linesStream(header: readonly unknown[], source: AsyncIterable<readonly unknown[]>, batched: boolean): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pendingHeader: readonly unknown[] | null = header.length ? header : null;
  let iterator: AsyncIterator<readonly unknown[]> | undefined;
  // The batch being written out, and how far: a chunk may end part way through one.
  let batch: readonly (readonly unknown[])[] = [];
  let at = 0;
  return new ReadableStream<Uint8Array>({
    start() {
      iterator = source[Symbol.asyncIterator]();
    },
    async pull(controller) {
      if (pendingHeader) {
        controller.enqueue(encoder.encode(csvLine(pendingHeader)));
        pendingHeader = null;
        return;
      }
      let text = "";
      while (text.length < STREAM_CHUNK_CHARS) {
        if (at < batch.length) {
          text += csvLine(batch[at++]);
          continue;
        }
        const next = await iterator!.next();
        if (next.done) {
          if (text) controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        if (batched) {
          batch = next.value as readonly (readonly unknown[])[];
          at = 0;
        } else text += csvLine(next.value);
      }
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}
