import { describe, expect, it } from "vitest";
import { clientAddress, newNonce } from "./http.server";

describe("CSP nonces", () => {
  it("are 16 random bytes, never repeated, across many refills of the pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const nonce = newNonce();
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
      seen.add(nonce);
    }
    expect(seen.size).toBe(5000);
  });
});

describe("client address", () => {
  const req = (remoteAddress: string | undefined, forwardedFor?: string) =>
    ({ socket: { remoteAddress }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} }) as Parameters<typeof clientAddress>[0];

  it("is the socket's address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress(req("10.0.0.5", "203.0.113.9"), 0)).toBe("10.0.0.5");
  });

  it("behind one proxy is the address that proxy appended (the rightmost), not one the client wrote", () => {
    expect(clientAddress(req("10.0.0.5", "203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddress(req("10.0.0.5", "192.0.2.1, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddress(req("10.0.0.5", "192.0.2.1, 203.0.113.9"), 2)).toBe("192.0.2.1");
  });

  it("falls back to the socket when the header is missing", () => {
    expect(clientAddress(req("10.0.0.5"), 1)).toBe("10.0.0.5");
  });
});
