import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import type { Expr } from "../ir.js";
import { compilePredicate } from "../sigma/evaluate.js";
import { BlockBuilder, type Block } from "./block.js";
import { frames } from "./frame.js";
import { openSource } from "./input.js";
import { compilePrefilter, type Prefilter } from "./prefilter.js";

/**
 * The streaming scanner: NDJSON (plain or gzip, files or stdin) in, matches out. Per block of
 * lines, each rule's sound prefilter marks the lines that may match; only those are decoded and
 * JSON.parse'd, and the reference predicate decides. Lines the prefilter rejects are checked only
 * for their shape (`{`…`}` after whitespace), so a rejected line that is `{`-shaped but invalid
 * JSON is not counted as malformed; `prefilter: false` parses every line and counts exactly.
 */

export interface ScanRule {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly ir: Expr;
}

export interface ScanOptions<R extends ScanRule = ScanRule> {
  readonly rules: readonly R[];
  /** Paths, or "-" for standard input. */
  readonly inputs: readonly string[];
  onMatch(rule: R, eventText: string, lineNo: number, file: string): void;
  onMalformed(file: string, lineNo: number, reason: string): void;
  /** Default true. False parses every line (exact malformed counts, slower). */
  readonly prefilter?: boolean;
  /** Lines longer than this are skipped and reported as malformed. Default 256 MiB. */
  readonly maxLineBytes?: number;
  /** Standard input, replaceable for tests. */
  readonly stdin?: Readable;
  /** Called after each block with the bytes read so far over all inputs (for a progress line). */
  onProgress?(bytes: number, file: string): void;
}

export interface MalformedLine {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface FileSummary {
  readonly file: string;
  readonly gzip: boolean;
  readonly lines: number;
  /** Uncompressed bytes scanned. */
  readonly bytes: number;
  readonly malformed: number;
  /** Why the input ended early or could not be read (truncated gzip, missing file…). */
  readonly error?: string;
}

export interface RuleCount {
  readonly id: string;
  readonly title: string;
  readonly matches: number;
}

export interface ScanSummary {
  readonly files: readonly FileSummary[];
  readonly lines: number;
  readonly bytes: number;
  /** Lines that were decoded and parsed (the rest were rejected on raw bytes). */
  readonly parsed: number;
  readonly matches: readonly RuleCount[];
  readonly malformedCount: number;
  /** The first MAX_LISTED_MALFORMED malformed lines; every one goes to onMalformed. */
  readonly malformed: readonly MalformedLine[];
  readonly elapsedMs: number;
  readonly mbPerSec: number;
}

export const STDIN_NAME = "<stdin>";
const MAX_LISTED_MALFORMED = 1000;
const DEFAULT_MAX_LINE = 256 << 20;

interface CompiledRule<R> {
  readonly rule: R;
  readonly prefilter: Prefilter;
  readonly predicate: (event: unknown) => boolean;
  readonly marks: { flags: Uint8Array };
  matches: number;
}

export async function scan<R extends ScanRule>(options: ScanOptions<R>): Promise<ScanSummary> {
  const started = performance.now();
  const usePrefilter = options.prefilter ?? true;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  const compiled: CompiledRule<R>[] = options.rules.map((rule) => ({
    rule,
    prefilter: compilePrefilter(rule.ir),
    predicate: compilePredicate(rule.ir),
    marks: { flags: new Uint8Array(0) },
    matches: 0,
  }));
  const builder = new BlockBuilder(usePrefilter && compiled.some((c) => c.prefilter.needsFold));
  const totals = { lines: 0, bytes: 0, parsed: 0, malformed: 0 };
  const listed: MalformedLine[] = [];
  const files: FileSummary[] = [];

  for (const input of options.inputs) {
    const file = input === "-" ? STDIN_NAME : input;
    const state = { line: 0, malformed: 0 };
    const malformed = (line: number, reason: string): void => {
      state.malformed++;
      totals.malformed++;
      if (listed.length < MAX_LISTED_MALFORMED) listed.push({ file, line, reason });
      options.onMalformed(file, line, reason);
    };
    let source;
    try {
      source = await openSource(input, options.stdin ?? process.stdin);
    } catch (e) {
      files.push({ file, gzip: false, lines: 0, bytes: 0, malformed: 0, error: messageOf(e) });
      continue;
    }
    const stats = { bytes: 0 };
    try {
      for await (const frame of frames(source, maxLineBytes, stats)) {
        if (frame.kind === "overlong") {
          state.line++;
          malformed(state.line, overlong(frame.bytes));
          continue;
        }
        const block = builder.build(frame.raw, frame.length);
        const context = { file, lineBase: state.line, usePrefilter, maxLineBytes, malformed };
        totals.parsed += scanBlock(block, compiled, context, options);
        state.line += block.count;
        options.onProgress?.(totals.bytes + stats.bytes, file);
      }
    } finally {
      await source.close();
    }
    totals.lines += state.line;
    totals.bytes += stats.bytes;
    files.push({
      file,
      gzip: source.gzip,
      lines: state.line,
      bytes: stats.bytes,
      malformed: state.malformed,
      ...(source.error === undefined ? {} : { error: source.error }),
    });
  }

  const elapsedMs = performance.now() - started;
  return {
    files,
    lines: totals.lines,
    bytes: totals.bytes,
    parsed: totals.parsed,
    matches: compiled.map((c) => ({ id: c.rule.id, title: c.rule.title, matches: c.matches })),
    malformedCount: totals.malformed,
    malformed: listed,
    elapsedMs,
    mbPerSec: elapsedMs > 0 ? totals.bytes / 1e6 / (elapsedMs / 1000) : 0,
  };
}

interface BlockContext {
  readonly file: string;
  /** Lines of this input before the block. */
  readonly lineBase: number;
  readonly usePrefilter: boolean;
  readonly maxLineBytes: number;
  readonly malformed: (line: number, reason: string) => void;
}

function overlong(bytes: number): string {
  return `line of ${bytes} bytes exceeds the line limit`;
}

/** Returns how many lines were parsed. */
function scanBlock<R extends ScanRule>(
  block: Block,
  compiled: readonly CompiledRule<R>[],
  context: BlockContext,
  options: ScanOptions<R>,
): number {
  const { file, lineBase, usePrefilter, maxLineBytes, malformed } = context;
  for (const c of compiled) {
    if (c.marks.flags.length < block.count) c.marks.flags = new Uint8Array(block.count * 2);
    const flags = c.marks.flags;
    if (usePrefilter) {
      flags.fill(0, 0, block.count);
      c.prefilter.markCandidates(block, flags);
    } else {
      flags.fill(1, 0, block.count);
    }
  }
  let parsed = 0;
  const raw = block.raw;
  for (let i = 0; i < block.count; i++) {
    let wanted = !usePrefilter;
    for (const c of compiled) if (c.marks.flags[i] === 1) wanted = true;
    const s = block.starts[i]!;
    const e = block.ends[i]!;
    const lineNo = lineBase + i + 1;
    if (e - s > maxLineBytes) {
      malformed(lineNo, overlong(e - s));
      continue;
    }
    if (!wanted) {
      const shape = objectShape(raw, s, e);
      if (shape === "bad") malformed(lineNo, "not a JSON object");
      continue;
    }
    if (objectShape(raw, s, e) === "blank") continue;
    parsed++;
    const text = raw.toString("utf8", s, e);
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (err) {
      malformed(lineNo, `invalid JSON: ${messageOf(err)}`);
      continue;
    }
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      malformed(lineNo, "not a JSON object");
      continue;
    }
    for (const c of compiled) {
      if (c.marks.flags[i] !== 1 && usePrefilter) continue;
      if (c.predicate(event)) {
        c.matches++;
        options.onMatch(c.rule, text, lineNo, file);
      }
    }
  }
  return parsed;
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

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
