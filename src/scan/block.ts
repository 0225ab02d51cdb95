import { foldAscii, HAZARD_SEQUENCES } from "./fold.js";

/**
 * A block: complete lines of one input, as raw bytes, with what every rule's prefilter shares —
 * line boundaries, the ASCII-folded copy, and the lines that no prefilter may reject because their
 * bytes do not show their decoded text (a `\u` escape) or their case folding (a hazard code point).
 */
export interface Block {
  readonly raw: Buffer;
  /** ASCII-folded copy of raw[0, length), or null when no rule searches case-insensitively. */
  readonly folded: Buffer | null;
  readonly length: number;
  /** Line i is raw[starts[i], ends[i]) without its newline (and without a trailing CR). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly count: number;
  /** 1 for lines containing the bytes `\u`. */
  readonly escaped: Uint8Array;
  /** 1 for lines containing a hazard code point (only computed when `folded` is set). */
  readonly hazard: Uint8Array;
}

const BACKSLASH_U = Buffer.from("\\u");

/** Reusable per-scan storage so that blocks do not allocate per line. */
export class BlockBuilder {
  private starts = new Int32Array(1 << 14);
  private ends = new Int32Array(1 << 14);
  private escaped = new Uint8Array(1 << 14);
  private hazard = new Uint8Array(1 << 14);
  private foldBuffer: Buffer = Buffer.alloc(0);

  constructor(private readonly needFold: boolean) {}

  /** `raw[0, length)` must hold complete lines (the last one may lack its newline). */
  build(whole: Buffer, length: number): Block {
    // Searches must not run past the block into stale bytes of a reused buffer.
    const raw = whole.subarray(0, length);
    let count = 0;
    let pos = 0;
    while (pos < length) {
      let nl = raw.indexOf(10, pos);
      if (nl === -1) nl = length;
      if (count === this.starts.length) this.grow();
      this.starts[count] = pos;
      this.ends[count] = nl > pos && raw[nl - 1] === 13 ? nl - 1 : nl;
      count++;
      pos = nl + 1;
    }
    const starts = this.starts.subarray(0, count);
    const ends = this.ends.subarray(0, count);
    const escaped = this.escaped.subarray(0, count);
    const hazard = this.hazard.subarray(0, count);
    escaped.fill(0);
    hazard.fill(0);
    markOccurrences(raw, length, BACKSLASH_U, starts, escaped);

    let folded: Buffer | null = null;
    if (this.needFold) {
      if (this.foldBuffer.length < length) this.foldBuffer = Buffer.allocUnsafeSlow(length * 2);
      folded = this.foldBuffer.subarray(0, length);
      const nonAscii = foldAscii(raw, folded, length);
      if (nonAscii)
        for (const seq of HAZARD_SEQUENCES) markOccurrences(raw, length, seq, starts, hazard);
    }
    return { raw, folded, length, starts, ends, count, escaped, hazard };
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const copy = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.starts = copy(this.starts);
    this.ends = copy(this.ends);
    this.escaped = new Uint8Array(n);
    this.hazard = new Uint8Array(n);
  }
}

/** Index of the line that contains byte `pos` (starts is ascending, starts[0] = 0). */
export function lineOf(starts: Int32Array, pos: number, from = 0): number {
  let lo = from;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Sets flags[i] = 1 for every line i of haystack[0, length) that contains needle. */
export function markOccurrences(
  haystack: Buffer,
  length: number,
  needle: Buffer,
  starts: Int32Array,
  flags: Uint8Array,
): void {
  let pos = 0;
  let line = 0;
  for (;;) {
    const at = haystack.indexOf(needle, pos);
    if (at === -1 || at + needle.length > length) return;
    line = lineOf(starts, at, line);
    flags[line] = 1;
    // The rest of this line cannot change its flag: continue on the next line.
    const next = line + 1 < starts.length ? starts[line + 1]! : length;
    pos = Math.max(next, at + 1);
  }
}
