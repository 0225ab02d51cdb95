import { isAscii } from "node:buffer";

/**
 * ASCII case folding on raw bytes, for case-insensitive literal search without decoding.
 *
 * Folding only `A`–`Z` is exact for ASCII, but the evaluator compares `toLowerCase()` of decoded
 * strings, and a few non-ASCII code points lower- or upper-case to text containing ASCII letters
 * (KELVIN SIGN → "k", "İ" → "i̇", "ﬁ" → "FI" …). A line containing one of those may match a
 * case-insensitive literal that its folded bytes do not contain, so the prefilter must not reject
 * it: HAZARD_CODE_POINTS lists them (every non-ASCII code point whose toLowerCase() or
 * toUpperCase() contains an ASCII character; a test recomputes the list over all of Unicode).
 */
export const HAZARD_CODE_POINTS: readonly number[] = [
  0xdf, 0x130, 0x131, 0x149, 0x17f, 0x1f0, 0x1e96, 0x1e97, 0x1e98, 0x1e99, 0x1e9a, 0x212a, 0xfb00,
  0xfb01, 0xfb02, 0xfb03, 0xfb04, 0xfb05, 0xfb06,
];

/** The UTF-8 encodings of the hazard code points, searched for in chunks that hold non-ASCII bytes. */
export const HAZARD_SEQUENCES: readonly Buffer[] = HAZARD_CODE_POINTS.map((cp) =>
  Buffer.from(String.fromCodePoint(cp), "utf8"),
);

/**
 * Writes the ASCII-lowercased copy of `src[0, length)` into `dst` and reports whether any byte had
 * its high bit set (non-ASCII, decided by Node's vectorised isAscii). Works four bytes at a time
 * (SWAR), four words per iteration, when both buffers start on a 4-byte boundary, which the
 * scanner guarantees by allocating its own buffers.
 */
export function foldAscii(src: Buffer, dst: Buffer, length: number): boolean {
  let i = 0;
  if (src.byteOffset % 4 === 0 && dst.byteOffset % 4 === 0) {
    const words = length >>> 2;
    const s = new Int32Array(src.buffer, src.byteOffset, words);
    const d = new Int32Array(dst.buffer, dst.byteOffset, words);
    let w = 0;
    // Per byte b (< 0x80): b + 0x3f has bit 7 set iff b >= 'A'; b + 0x25 iff b > 'Z'. No carry
    // crosses a byte because the high bits are masked off first; bytes >= 0x80 are left alone.
    // Unrolled four words per iteration and written out (a helper function is not reliably
    // inlined once this function is inlined into the block builder).
    for (; w + 4 <= words; w += 4) {
      const a = s[w]!;
      const b = s[w + 1]!;
      const c = s[w + 2]!;
      const e = s[w + 3]!;
      const la = a & 0x7f7f7f7f;
      const lb = b & 0x7f7f7f7f;
      const lc = c & 0x7f7f7f7f;
      const le = e & 0x7f7f7f7f;
      d[w] = a | ((((la + 0x3f3f3f3f) ^ (la + 0x25252525)) & ~a & 0x80808080) >>> 2);
      d[w + 1] = b | ((((lb + 0x3f3f3f3f) ^ (lb + 0x25252525)) & ~b & 0x80808080) >>> 2);
      d[w + 2] = c | ((((lc + 0x3f3f3f3f) ^ (lc + 0x25252525)) & ~c & 0x80808080) >>> 2);
      d[w + 3] = e | ((((le + 0x3f3f3f3f) ^ (le + 0x25252525)) & ~e & 0x80808080) >>> 2);
    }
    for (; w < words; w++) {
      const x = s[w]!;
      const l = x & 0x7f7f7f7f;
      d[w] = x | ((((l + 0x3f3f3f3f) ^ (l + 0x25252525)) & ~x & 0x80808080) >>> 2);
    }
    i = words << 2;
  }
  for (; i < length; i++) {
    const b = src[i]!;
    dst[i] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
  }
  return !isAscii(src.subarray(0, length));
}

/** Byte-wise fold of a small buffer (literals, single lines); returns a new buffer. */
export function foldBytes(src: Buffer): Buffer {
  const out = Buffer.allocUnsafe(src.length);
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    out[i] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
  }
  return out;
}

/** True when the bytes contain a non-ASCII code point whose case mapping yields ASCII. */
export function hasHazard(bytes: Buffer): boolean {
  for (const seq of HAZARD_SEQUENCES) if (bytes.indexOf(seq) !== -1) return true;
  return false;
}
