import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import type { Expr } from "../ir.js";
import { Engine, messageOf, type EngineOptions, type Sink, type SourceCounts } from "./engine.js";
import { openSource, plainFileSize } from "./input.js";
import { CHUNK_BYTES, WorkerPool } from "./pool.js";

/**
 * The streaming scanner: NDJSON (plain or gzip, files or stdin) in, matches out. Per block of
 * lines, each rule's sound prefilter marks the lines that may match; only those are decoded and
 * JSON.parse'd, and the reference predicate decides (engine.ts). Lines the prefilter rejects are
 * checked only for their shape (`{`…`}` after whitespace), so a rejected line that is `{`-shaped
 * but invalid JSON is not counted as malformed; `prefilter: false` parses every line and counts
 * exactly. With `workers` > 1, large plain files are scanned by worker threads (pool.ts); the
 * callbacks still see every file in turn and its lines in order.
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
  /**
   * Threads that scan a plain file of at least two chunks (2 × `workerChunkBytes`); gzip and standard input
   * are always scanned on the calling thread. Default 1: no worker threads (they cost ~40 ms to
   * start, and the caller knows best how many cores it may take).
   */
  readonly workers?: number;
  /** Size of the byte ranges handed to worker threads. Default 32 MiB. */
  readonly workerChunkBytes?: number;
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

export async function scan<R extends ScanRule>(options: ScanOptions<R>): Promise<ScanSummary> {
  const started = performance.now();
  const engineOptions: EngineOptions = {
    usePrefilter: options.prefilter ?? true,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE,
  };
  const irs = options.rules.map((r) => r.ir);
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const chunkBytes = Math.max(1, Math.floor(options.workerChunkBytes ?? CHUNK_BYTES));
  let engine: Engine | null = null;
  let pool: WorkerPool | null = null;
  const matches = options.rules.map(() => 0);
  const totals = { lines: 0, bytes: 0, parsed: 0, malformed: 0 };
  const listed: MalformedLine[] = [];
  const files: FileSummary[] = [];

  try {
    for (const input of options.inputs) {
      const file = input === "-" ? STDIN_NAME : input;
      let fileMalformed = 0;
      const sink: Sink = {
        match(rule, text, line) {
          matches[rule]!++;
          options.onMatch(options.rules[rule]!, text, line, file);
        },
        malformed(line, reason) {
          fileMalformed++;
          totals.malformed++;
          if (listed.length < MAX_LISTED_MALFORMED) listed.push({ file, line, reason });
          options.onMalformed(file, line, reason);
        },
      };
      const progress = (bytes: number): void => options.onProgress?.(totals.bytes + bytes, file);
      let result: (SourceCounts & { gzip: boolean; error?: string }) | { error: string };
      const size = workers > 1 ? await plainFileSize(input) : null;
      if (size !== null && size >= 2 * chunkBytes) {
        pool ??= new WorkerPool(workers, irs, engineOptions);
        const { error, ...counts } = await pool.scanFile(input, size, chunkBytes, sink, progress);
        result = { ...counts, gzip: false, ...(error === null ? {} : { error }) };
      } else {
        engine ??= new Engine(irs, engineOptions);
        result = await scanSerial(engine, input, options.stdin ?? process.stdin, sink, progress);
      }
      if (!("lines" in result)) {
        files.push({ file, gzip: false, lines: 0, bytes: 0, malformed: 0, error: result.error });
        continue;
      }
      totals.lines += result.lines;
      totals.bytes += result.bytes;
      totals.parsed += result.parsed;
      files.push({
        file,
        gzip: result.gzip,
        lines: result.lines,
        bytes: result.bytes,
        malformed: fileMalformed,
        ...(result.error === undefined ? {} : { error: result.error }),
      });
    }
  } finally {
    await pool?.close();
  }

  const elapsedMs = performance.now() - started;
  return {
    files,
    lines: totals.lines,
    bytes: totals.bytes,
    parsed: totals.parsed,
    matches: options.rules.map((r, i) => ({ id: r.id, title: r.title, matches: matches[i]! })),
    malformedCount: totals.malformed,
    malformed: listed,
    elapsedMs,
    mbPerSec: elapsedMs > 0 ? totals.bytes / 1e6 / (elapsedMs / 1000) : 0,
  };
}

/** One input on the calling thread; `{ error }` when it cannot be opened at all. */
async function scanSerial(
  engine: Engine,
  input: string,
  stdin: Readable,
  sink: Sink,
  progress: (bytes: number) => void,
): Promise<(SourceCounts & { gzip: boolean; error?: string }) | { error: string }> {
  let source;
  try {
    source = await openSource(input, stdin);
  } catch (e) {
    return { error: messageOf(e) };
  }
  try {
    const counts = await engine.run(source, sink, progress);
    return {
      ...counts,
      gzip: source.gzip,
      ...(source.error === undefined ? {} : { error: source.error }),
    };
  } finally {
    await source.close();
  }
}
