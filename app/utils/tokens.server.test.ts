import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateToken, hashToken, pooledRandomBytes } from "./tokens.server";

describe("session tokens", () => {
  it("are hashed with SHA-256 (FIPS 180-2 test vector), as sessions stored before have been", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const token = generateToken();
    expect(hashToken(token)).toBe(createHash("sha256").update(Buffer.from(token, "utf8")).digest("hex"));
    expect(token).toMatch(/^[a-z2-7]{32}$/);
  });
});

describe("pooled random bytes", () => {
  it("hands out each byte once: slices across many refills never overlap or change", () => {
    const slices: Buffer[] = [];
    const copies: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const b = pooledRandomBytes(12);
      expect(b).toHaveLength(12);
      slices.push(b);
      copies.push(b.toString("hex"));
    }
    // Later draws (and refills) left earlier slices as they were.
    expect(slices.map((b) => b.toString("hex"))).toEqual(copies);
    expect(new Set(copies).size).toBe(2000);
    expect(pooledRandomBytes(10_000)).toHaveLength(10_000);
  });
});
