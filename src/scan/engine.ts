import type { Expr } from "../ir.js";
import { compilePredicate } from "../sigma/evaluate.js";
import { BlockBuilder, type Block } from "./block.js";
import { frames } from "./frame.js";
import type { ByteSource } from "./input.js";
import { compilePrefilter, type Prefilter } from "./prefilter.js";

/**
 * The scanning loop shared by the calling thread and the worker threads: one byte source of
 * complete lines in, matches and malformed lines out through a sink, numbered from 1 within the
 * source. Per block of lines, each rule's sound prefilter marks the lines that may match; only
 * those are decoded and JSON.parse'd, and the reference predicate decides. Lines the prefilter
 * rejects are checked only for their shape (`{`…`}` after whitespace).
 */

export interface EngineOptions {
  /** False parses every line (exact malformed counts, slower). */
  readonly usePrefilter: boolean;
  /** Lines longer than this are skipped and reported as malformed. */
  readonly maxLineBytes: number;
}

export interface Sink {
  match(ruleIndex: number, eventText: string, lineNo: number): void;
  malformed(lineNo: number, reason: string): void;
}

export interface SourceCounts {
  readonly lines: number;
  /** Lines that were decoded and parsed (the rest were rejected on raw bytes). */
  readonly parsed: number;
  readonly bytes: number;
}

interface CompiledRule {
  readonly prefilter: Prefilter;
  readonly predicate: (event: unknown) => boolean;
  flags: Uint8Array;
}

export class Engine {
  private readonly rules: readonly CompiledRule[];
  private readonly builder: BlockBuilder;

  constructor(
    irs: readonly Expr[],
    private readonly options: EngineOptions,
  ) {
    this.rules = irs.map((ir) => ({
      prefilter: compilePrefilter(ir),
      predicate: compilePredicate(ir),
      flags: new Uint8Array(0),
    }));
    const needFold = options.usePrefilter && this.rules.some((r) => r.prefilter.needsFold);
    this.builder = new BlockBuilder(needFold);
  }

  /** Scans the source to its end. `onBlock` gets the bytes read so far after every block. */
  async run(
    source: ByteSource,
    sink: Sink,
    onBlock?: (bytes: number) => void,
  ): Promise<SourceCounts> {
    const stats = { bytes: 0 };
    let lines = 0;
    let parsed = 0;
    for await (const frame of frames(source, this.options.maxLineBytes, stats)) {
      if (frame.kind === "overlong") {
        lines++;
        sink.malformed(lines, overlong(frame.bytes));
        continue;
      }
      const block = this.builder.build(frame.raw, frame.length);
      parsed += this.scanBlock(block, lines, sink);
      lines += block.count;
      onBlock?.(stats.bytes);
    }
    return { lines, parsed, bytes: stats.bytes };
  }

  /** Returns how many lines were parsed; `lineBase` is the number of lines before the block. */
  private scanBlock(block: Block, lineBase: number, sink: Sink): number {
    const { usePrefilter, maxLineBytes } = this.options;
    const rules = this.rules;
    for (const r of rules) {
      if (r.flags.length < block.count) r.flags = new Uint8Array(block.count * 2);
      if (usePrefilter) {
        r.flags.fill(0, 0, block.count);
        r.prefilter.markCandidates(block, r.flags);
      } else {
        r.flags.fill(1, 0, block.count);
      }
    }
    // With one rule (the common case) its flags are the wanted lines; otherwise OR them.
    const wanted = rules.length === 1 ? rules[0]!.flags : this.union(block.count);
    let parsed = 0;
    const { raw, starts, ends } = block;
    for (let i = 0; i < block.count; i++) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (wanted[i] !== 1) {
        // Fast path for the usual `{…}` line; only odd lines go through the exact shape check.
        if (e - s <= maxLineBytes && raw[s] === 0x7b && raw[e - 1] === 0x7d) continue;
        if (e - s > maxLineBytes) sink.malformed(lineBase + i + 1, overlong(e - s));
        else if (objectShape(raw, s, e) === "bad")
          sink.malformed(lineBase + i + 1, "not a JSON object");
        continue;
      }
      const lineNo = lineBase + i + 1;
      if (e - s > maxLineBytes) {
        sink.malformed(lineNo, overlong(e - s));
        continue;
      }
      if (objectShape(raw, s, e) === "blank") continue;
      parsed++;
      const text = raw.toString("utf8", s, e);
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch (err) {
        sink.malformed(lineNo, `invalid JSON: ${messageOf(err)}`);
        continue;
      }
      if (typeof event !== "object" || event === null || Array.isArray(event)) {
        sink.malformed(lineNo, "not a JSON object");
        continue;
      }
      for (let k = 0; k < rules.length; k++) {
        const r = rules[k]!;
        if (r.flags[i] === 1 && r.predicate(event)) sink.match(k, text, lineNo);
      }
    }
    return parsed;
  }

  private unionFlags = new Uint8Array(0);

  private union(count: number): Uint8Array {
    if (this.unionFlags.length < count) this.unionFlags = new Uint8Array(count * 2);
    const out = this.unionFlags;
    out.fill(0, 0, count);
    for (const r of this.rules) for (let i = 0; i < count; i++) out[i]! |= r.flags[i]!;
    return out;
  }
}

export function overlong(bytes: number): string {
  return `line of ${bytes} bytes exceeds the line limit`;
}

/** JSON whitespace: space, tab, LF, CR. */
function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** A cheap necessary condition for a JSON object line: first and last non-space bytes are { }. */
function objectShape(raw: Buffer, s: number, e: number): "blank" | "object" | "bad" {
  while (s < e && isSpace(raw[s]!)) s++;
  if (s === e) return "blank";
  while (isSpace(raw[e - 1]!)) e--;
  return raw[s] === 0x7b && raw[e - 1] === 0x7d ? "object" : "bad";
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
