import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSafeRedirectPath, safeRedirect } from "./redirects";

const ORIGIN = "https://coop.example";
/** Control characters (C0, DEL, C1) and the backslash: written out separately from the code under test. */
// eslint-disable-next-line no-control-regex
const BAD = /[\u0000-\u001f\u007f-\u009f\\]/;

/** What a browser would do with the path as a Location header: where it ends up. */
function landsOn(path: string) {
  return new URL(path, `${ORIGIN}/login`);
}

function fullyDecoded(text: string) {
  let t = text;
  for (let i = 0; i < 10; i++) {
    const d = decodeURIComponent(t);
    if (d === t) break;
    t = d;
  }
  return t;
}

describe("safeRedirect", () => {
  it("keeps ordinary same-site paths, with their query and fragment", () => {
    for (const path of ["/dashboard", "/members/12?tab=shares#history", "/register.csv?asAt=2026-01-01", "/a%20b", "/caf%C3%A9"]) {
      expect(safeRedirect(path, "/fallback")).toBe(path);
    }
  });

  it("percent-encodes spaces and letters beyond ASCII, so the Location header is valid", () => {
    expect(safeRedirect("/café menu", "/fallback")).toBe("/caf%C3%A9%20menu");
    expect(() => new Headers({ Location: safeRedirect("/\uff0fevil", "/f") })).not.toThrow();
  });

  it("refuses the addresses from the issue and their relatives", () => {
    const hostile = [
      "/\t/evil.example/phish", // what /login?redirectTo=%2F%09%2Fevil.example%2Fphish hands the form
      "/\n/evil.example", "/\r\n/evil.example", "/\u0000/evil.example", "/\u007f", "/\u0085x",
      "//evil.example", "///evil.example", "/\\evil.example", "/\\/evil.example", "\\\\evil.example",
      "/%09/evil.example", "/%0A/evil.example", "/%0d%0aSet-Cookie:x=1", "/%2F/evil.example", "/%2f%2fevil.example",
      "/%5Cevil.example", "/%5c%5cevil.example", "/%252F/evil.example", "/%25252F%25252Fevil.example", "/%E0%A4%A", "/%",
      "https://evil.example", "http:/evil.example", "javascript:alert(1)", "evil.example", "", " /dashboard", "/ /evil.example",
    ];
    for (const to of hostile) expect([to, safeRedirect(to, "/fallback")]).toEqual([to, "/fallback"]);
  });

  it("refuses anything that is not a string", () => {
    for (const v of [null, undefined, 5, ["/dashboard"], { toString: () => "/dashboard" }]) expect(safeRedirect(v, "/x")).toBe("/x");
  });

  it("fuzzed: whatever it lets through stays on this site and holds nothing a browser would reinterpret", () => {
    const piece = fc.constantFrom(
      "/", "//", "\\", "%2F", "%2f", "%5C", "%5c", "%09", "%0A", "%0D", "%00", "%25", "%", "%2", "\t", "\n", "\r", " ", "\u0000", "\u007f", "\u0085",
      "\u2028", "\uff0f", ".", "..", ":", "@", "?", "#", "evil.example", "http:", "https:", "javascript:", "a", "dashboard", "%E2%80%A8", "%C0%AF",
    );
    const candidate = fc.array(piece, { minLength: 0, maxLength: 8 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(candidate, (to) => {
        const out = safeRedirect(to, "/fallback");
        if (out === "/fallback") return true;
        expect(decodeURIComponent(out)).toBe(decodeURIComponent(to));
        const url = landsOn(out);
        expect(url.origin).toBe(ORIGIN);
        expect(out.startsWith("/") && !out.startsWith("//")).toBe(true);
        expect(BAD.test(out)).toBe(false);
        const decoded = fullyDecoded(out);
        expect(decoded.startsWith("//")).toBe(false);
        expect(BAD.test(decoded)).toBe(false);
        expect(landsOn(decoded).origin).toBe(ORIGIN);
        // A response header can carry it (an invalid one was a 500 after the session was created).
        expect(() => new Headers({ Location: out })).not.toThrow();
        return true;
      }),
      { numRuns: 5000 },
    );
  });

  it("fuzzed over arbitrary unicode text: the result is always the fallback or a same-site path", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (tail) => {
        for (const to of [tail, `/${tail}`, `/${encodeURIComponent(tail)}`]) {
          const out = safeRedirect(to, "/fallback");
          expect(landsOn(out).origin).toBe(ORIGIN);
          expect(out === "/fallback" || isSafeRedirectPath(out)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
