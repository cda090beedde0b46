import { describe, expect, it } from "vitest";
import { csvStream, neutraliseCell, toCsv } from "./csv.server";

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
});
