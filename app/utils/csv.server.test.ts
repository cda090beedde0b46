import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { csvLine, csvStream, csvStreamOfBatches, neutraliseCell, toCsv } from "./csv.server";
import { prng } from "../../tests/prng";

/** How every export wrote a line until December 2026 (csv-stringify with its defaults): the bytes csvLine must keep. */
const csvStringifyLine = (cells: readonly unknown[]) => stringify([cells.map(neutraliseCell)]);


describe("CSV output", () => {
  it("neutralises cells that a spreadsheet would run as formulas", () => {
    for (const evil of ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      expect(neutraliseCell(evil).startsWith("'")).toBe(true);
    }
    expect(neutraliseCell("Alice")).toBe("Alice");
    // Our own amounts stay numbers.
    expect(neutraliseCell("-12.50")).toBe("-12.50");
    expect(neutraliseCell(1234n)).toBe("1234");
    expect(neutraliseCell(null)).toBe("");
    // Also after spaces, on a new line, or in full-width form.
    for (const evil of ["  =1+1", "\n=1+1", "\uff1dcmd", "-1+1", "+1"]) expect(neutraliseCell(evil)).toBe(`'${evil}`);
  });

  it("neutralises the header row too (a count sheet's header holds candidate names)", () => {
    expect(toCsv(["stage", "=cmd|' /C calc'!A0", "@x"], [])).toBe("stage,'=cmd|' /C calc'!A0,'@x\n");
  });

  it("quotes commas, quotes and newlines, and escapes markup-free", () => {
    const csv = toCsv(["name", "note"], [["Smith, Jo", 'said "hi"\nthen left'], ["<script>alert(1)</script>", "=1+1"]]);
    expect(csv).toBe('name,note\n"Smith, Jo","said ""hi""\nthen left"\n<script>alert(1)</script>,\'=1+1\n');
  });

  it("streams rows lazily from an async source", async () => {
    let produced = 0;
    async function* rows() {
      for (let i = 0; i < 5; i++) {
        produced++;
        yield [i, `=row${i}`];
      }
    }
    const stream = csvStream(["n", "label", "+header"], rows());
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("n,label,'+header\n");
    expect(produced).toBe(0);
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(produced).toBe(5);
    expect(text.split("\n")[0]).toBe("0,'=row0");
  });

  it("writes every line byte for byte as csv-stringify did, whatever the cells", () => {
    // Each export's file must not change with the writer: hand-picked cells, then random ones built from the
    // characters that matter (separators, quotes, line ends, formula starts, spaces, digits, signs, non-ASCII).
    const picked: unknown[] = [
      "", " ", "plain", "Smith, Jo", 'said "hi"', '"', '""', ",", "\n", "\r", "\r\n", "a\nb", "a\rb", "=1+1", "+1", "-1", "-12.50", "12.50", "-", "--1",
      "@x", "\t1", " =1", "\n=1", "\uff1d1", "'=1", "Zürich Ökonomie 東京 🚀", "\u2028", "\u00a0=1", "-0", "1e5", ".5", "0.", "- 1", "=\"a,b\"\n",
      null, undefined, 0, -1, 1.5, -12.5, Number.NaN, 9007199254740993n, -42n, 0n, true, false, new Date(Date.UTC(2026, 11, 4, 15, 30)),
    ];
    expect(csvLine([])).toBe(csvStringifyLine([]));
    for (const cell of picked) expect(JSON.stringify(csvLine([cell]))).toBe(JSON.stringify(csvStringifyLine([cell])));
    expect(csvLine(picked)).toBe(csvStringifyLine(picked));
    const rand = prng(20261204);
    const alphabet = [",", '"', "\n", "\r", "\t", " ", "=", "+", "-", "@", "'", ".", "0", "7", "a", "Z", "é", "東", "🚀", "\uff1d", "\uff0d", ";", "\\"];
    for (let k = 0; k < 3000; k++) {
      const cells = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => {
        if (rand() < 0.1) return rand() < 0.5 ? null : BigInt(Math.floor((rand() - 0.5) * 1e6));
        return Array.from({ length: Math.floor(rand() * 7) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
      });
      expect(JSON.stringify(csvLine(cells))).toBe(JSON.stringify(csvStringifyLine(cells)));
    }
  });

  it("streams rows handed over a batch at a time: the same text, in chunks of about 64 KB, and stops the source when cancelled", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [i, `name ${i}, "quoted"`, `=x${i}`, null]);
    let closed = false;
    async function* batches(size: number) {
      try {
        for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
        yield [];
      } finally {
        closed = true;
      }
    }
    const read = async (stream: ReadableStream<Uint8Array>) => {
      const chunks: string[] = [];
      const reader = stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return chunks;
        chunks.push(new TextDecoder().decode(value));
      }
    };
    const header = ["n", "name", "+formula", "empty"];
    const chunks = await read(csvStreamOfBatches(header, batches(1700)));
    expect(chunks.join("")).toBe(toCsv(header, rows));
    // The header alone, then chunks that cross batch boundaries, none much above 64 KB.
    expect(chunks[0]).toBe("n,name,'+formula,empty\n");
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.length).toBeLessThan(64 * 1024 + 100);
    const cancelled = csvStreamOfBatches(header, batches(1700)).getReader();
    await cancelled.read();
    await cancelled.read();
    closed = false;
    await cancelled.cancel();
    expect(closed).toBe(true);
  });
});
