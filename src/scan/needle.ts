import { lineOf } from "./block.js";
import type { Literal } from "./literals.js";
import type { Clause } from "./requirement.js";

/**
 * Fast search for one literal over a whole block. Buffer#indexOf stops at every occurrence of the
 * needle's first byte, so `"token"` (first byte `"`, ~10 % of JSON bytes) is searched 4× slower
 * than `ken"` (first byte `k`, ~1 %). A Needle therefore searches the suffix of the literal that
 * starts at its rarest byte, and checks the skipped prefix in place: the occurrences found are
 * exactly the literal's occurrences (each occurrence of the literal holds one of the suffix at
 * the same offset, and the prefix check rejects every other suffix hit).
 */
export class Needle {
  private readonly skip: number;
  private readonly suffix: Buffer;

  readonly literal: Buffer;
  /** Searched in the ASCII-folded block. */
  readonly folded: boolean;

  constructor(literal: Literal, frequency: ByteFrequency) {
    this.literal = literal.bytes;
    this.folded = literal.folded;
    const bytes = literal.bytes;
    let skip = 0;
    for (let k = 1; k < bytes.length; k++)
      if (frequency.of(bytes[k]!) < frequency.of(bytes[skip]!)) skip = k;
    this.skip = skip;
    this.suffix = bytes.subarray(skip);
  }

  /** The first byte the search stops on. */
  get lead(): number {
    return this.suffix[0]!;
  }

  /** Position of the next occurrence of the literal in hay[from, length), or -1. */
  find(hay: Buffer, from: number, length: number): number {
    const { skip, suffix, literal } = this;
    let pos = from + skip;
    for (;;) {
      const at = hay.indexOf(suffix, pos);
      if (at === -1 || at + suffix.length > length) return -1;
      const start = at - skip;
      if (start >= from && prefixAt(hay, start, literal, skip)) return start;
      pos = at + 1;
    }
  }

  /** Sets flags[i] = 1 for every line i of hay[0, length) that contains the literal. */
  markLines(hay: Buffer, length: number, starts: Int32Array, flags: Uint8Array): void {
    let pos = 0;
    let line = 0;
    for (;;) {
      const at = this.find(hay, pos, length);
      if (at === -1) return;
      line = lineOf(starts, at, line);
      flags[line] = 1;
      // The rest of this line cannot change its flag: continue on the next line.
      pos = line + 1 < starts.length ? starts[line + 1]! : length;
    }
  }

  /** How many occurrences of the literal hay[0, length) holds (for choosing the anchor). */
  count(hay: Buffer, length: number): number {
    let n = 0;
    for (let at = this.find(hay, 0, length); at !== -1; at = this.find(hay, at + 1, length)) n++;
    return n;
  }
}

function prefixAt(hay: Buffer, start: number, literal: Buffer, length: number): boolean {
  for (let i = 0; i < length; i++) if (hay[start + i] !== literal[i]) return false;
  return true;
}

/** Byte counts over a sample of the data (the first block of the scan). */
export class ByteFrequency {
  private readonly counts = new Float64Array(256);

  constructor(sample: Buffer) {
    for (let i = 0; i < sample.length; i++) this.counts[sample[i]!]!++;
  }

  of(byte: number): number {
    return this.counts[byte]!;
  }
}

const SAMPLE_BYTES = 1 << 20;
/** A hit costs a line lookup and the other clauses' checks: worth many skipped lead bytes. */
const HIT_COST = 50;

export interface Anchor {
  readonly clause: Clause;
  readonly needles: readonly Needle[];
}

/**
 * Picks the clause to search over the whole block: the one with the fewest expected stops
 * (lead-byte occurrences, plus hits weighted by what a hit costs), counted on a sample of the
 * block. Only speed depends on the choice; every clause is checked on every candidate line.
 */
export function chooseAnchor(
  clauses: readonly Clause[],
  raw: Buffer,
  folded: Buffer | null,
  length: number,
): Anchor {
  const n = Math.min(length, SAMPLE_BYTES);
  const rawFrequency = new ByteFrequency(raw.subarray(0, n));
  const foldedFrequency = folded === null ? rawFrequency : new ByteFrequency(folded.subarray(0, n));
  let best: { anchor: Anchor; cost: number } | null = null;
  for (const clause of clauses) {
    let cost = 0;
    const needles = clause.map((l) => {
      const frequency = l.folded ? foldedFrequency : rawFrequency;
      const needle = new Needle(l, frequency);
      const hay = l.folded ? folded! : raw;
      cost += frequency.of(needle.lead) + HIT_COST * needle.count(hay, n);
      return needle;
    });
    if (best === null || cost < best.cost) best = { anchor: { clause, needles }, cost };
  }
  return best!.anchor;
}
