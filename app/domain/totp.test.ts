import { describe, expect, it } from "vitest";
import { generateHOTP } from "@oslojs/otp";
import { matchTotp, normaliseRecoveryCode, secondFactorRequired, totpAt, totpKeyUri, totpStep } from "./totp";

// RFC 6238 appendix B: the SHA-1 seed is the ASCII of "12345678901234567890", codes of 8 digits, 30-second steps.
const RFC_KEY = new TextEncoder().encode("12345678901234567890");
const RFC_VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(RFC_VECTORS)("at %i seconds gives %s (the RFC's SHA-1 vectors)", (seconds, code) => {
    expect(totpAt(RFC_KEY, new Date(seconds * 1000), 8)).toBe(code);
  });

  it("counts 30-second steps from 1970 (the RFC's T values)", () => {
    expect(totpStep(new Date(59_000))).toBe(1n);
    expect(totpStep(new Date(1111111109_000))).toBe(0x23523ecn);
    expect(totpStep(new Date(20000000000_000))).toBe(0x27bc86aan);
  });

  it("accepts the current code and one step either side, nothing further", () => {
    const now = new Date(1234567890_000);
    const step = totpStep(now);
    const codeAt = (s: bigint) => generateHOTP(RFC_KEY, s, 6);
    expect(matchTotp(RFC_KEY, codeAt(step), now, null)).toBe(step);
    expect(matchTotp(RFC_KEY, codeAt(step - 1n), now, null)).toBe(step - 1n);
    expect(matchTotp(RFC_KEY, codeAt(step + 1n), now, null)).toBe(step + 1n);
    expect(matchTotp(RFC_KEY, codeAt(step - 2n), now, null)).toBeNull();
    expect(matchTotp(RFC_KEY, codeAt(step + 2n), now, null)).toBeNull();
  });

  it("refuses a code whose step has been used already (no replay), and malformed input", () => {
    const now = new Date(1234567890_000);
    const step = totpStep(now);
    const code = generateHOTP(RFC_KEY, step, 6);
    expect(matchTotp(RFC_KEY, code, now, step)).toBeNull();
    expect(matchTotp(RFC_KEY, generateHOTP(RFC_KEY, step + 1n, 6), now, step)).toBe(step + 1n);
    expect(matchTotp(RFC_KEY, "12345", now, null)).toBeNull();
    expect(matchTotp(RFC_KEY, "abcdef", now, null)).toBeNull();
    expect(matchTotp(RFC_KEY, ` ${code.slice(0, 3)} ${code.slice(3)} `, now, null)).toBe(step);
  });

  it("writes the otpauth address authenticator apps read", () => {
    const text = totpKeyUri(RFC_KEY, "ann@example.test");
    expect(text.startsWith("otpauth://totp/Co-op%20Register:ann%40example.test?")).toBe(true);
    const uri = new URL(text);
    expect(uri.searchParams.get("secret")).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });

  it("reads recovery codes however they are typed", () => {
    expect(normaliseRecoveryCode(" ABCDE-fghij ")).toBe("abcdefghij");
  });

  it("requires a second factor of officers only, and only where the organisation says so", () => {
    for (const role of ["owner", "secretary", "loan_officer", "board", "auditor"]) expect(secondFactorRequired([role], true)).toBe(true);
    expect(secondFactorRequired(["member", "credit_committee"], true)).toBe(false);
    expect(secondFactorRequired(["secretary"], false)).toBe(false);
    expect(secondFactorRequired(["member", "board"], true)).toBe(true);
  });
});
