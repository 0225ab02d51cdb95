import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldAscii, foldBytes, HAZARD_CODE_POINTS } from "../../src/scan/fold.js";

describe("ASCII folding", () => {
  it("the hazard list is every non-ASCII code point whose case mapping contains ASCII", () => {
    const found: number[] = [];
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const s = String.fromCodePoint(cp);
      if (/[\x00-\x7f]/.test(s.toLowerCase() + s.toUpperCase())) found.push(cp);
    }
    expect(found).toEqual(HAZARD_CODE_POINTS);
  });

  it("SWAR folding equals byte-wise folding, aligned or not, any length", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 3 }),
        (bytes, shift) => {
          const src = Buffer.allocUnsafeSlow(bytes.length + shift).subarray(shift);
          src.set(bytes);
          const dst = Buffer.allocUnsafeSlow(bytes.length);
          const nonAscii = foldAscii(src, dst, bytes.length);
          expect([...dst]).toEqual([...foldBytes(Buffer.from(bytes))]);
          expect(nonAscii).toBe(bytes.some((b) => b >= 0x80));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("lowercases exactly A–Z", () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const folded = foldBytes(all);
    for (let i = 0; i < 256; i++) expect(folded[i]).toBe(i >= 65 && i <= 90 ? i + 32 : i);
  });
});
