import type { ByteSource } from "./input.js";

/**
 * Cuts a byte source into blocks of complete lines inside one reusable buffer, so that lines are
 * found on raw bytes and nothing is decoded before the prefilter has spoken. A line longer than the
 * buffer grows it (a 50 MB line is one 64 MB buffer); a line longer than `maxLineBytes` is skipped
 * to its newline and reported instead of being held in memory.
 */
export type Frame =
  /** raw[0, length) holds complete lines (the last one may lack its newline only at the end). */
  | { readonly kind: "block"; readonly raw: Buffer; readonly length: number }
  /** The next line exceeded the limit and was skipped (it still counts as one line). */
  | { readonly kind: "overlong"; readonly bytes: number };

export interface FrameStats {
  bytes: number;
}

export const DEFAULT_BLOCK_BYTES = 4 << 20;

export async function* frames(
  source: ByteSource,
  maxLineBytes: number,
  stats: FrameStats,
  blockBytes = DEFAULT_BLOCK_BYTES,
): AsyncGenerator<Frame> {
  // allocUnsafeSlow: a buffer of its own, starting at offset 0, so the SWAR fold can use words.
  let buf = Buffer.allocUnsafeSlow(blockBytes);
  let filled = 0;
  // While skipping an overlong line: how many of its bytes were dropped so far.
  let skipped = -1;

  for (;;) {
    if (filled === buf.length) {
      const grown = Buffer.allocUnsafeSlow(buf.length * 2);
      buf.copy(grown, 0, 0, filled);
      buf = grown;
    }
    const n = await source.read(buf, filled, buf.length - filled);
    stats.bytes += n;

    if (skipped >= 0) {
      const nl = n === 0 ? -1 : buf.indexOf(10, filled);
      if (nl === -1 || nl >= filled + n) {
        skipped += n;
        if (n === 0) {
          yield { kind: "overlong", bytes: skipped };
          return;
        }
        continue;
      }
      yield { kind: "overlong", bytes: skipped + (nl - filled) };
      skipped = -1;
      buf.copy(buf, 0, nl + 1, filled + n);
      filled = filled + n - (nl + 1);
      continue;
    }

    if (n === 0) {
      if (filled > 0) yield { kind: "block", raw: buf, length: filled };
      return;
    }
    filled += n;
    const last = buf.lastIndexOf(10, filled - 1);
    if (last === -1) {
      // No newline in the buffer yet: all of it is one line. Grow (above), or give up on it.
      if (filled > maxLineBytes) {
        skipped = filled;
        filled = 0;
      }
      continue;
    }
    const length = last + 1;
    yield { kind: "block", raw: buf, length };
    buf.copy(buf, 0, length, filled);
    filled -= length;
  }
}
