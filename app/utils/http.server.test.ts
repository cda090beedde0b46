import { describe, expect, it } from "vitest";
import { newNonce } from "./http.server";

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
