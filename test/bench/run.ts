import { performance } from "node:perf_hooks";
import { statSync } from "node:fs";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import { BlockBuilder } from "../../src/scan/block.js";
import { frames } from "../../src/scan/frame.js";
import { openSource } from "../../src/scan/input.js";
import { scan, type ScanRule } from "../../src/scan/scan.js";
import { ensureAuditLog } from "./generate.js";
import { FAILED_REQUEST_RULE, TOKEN_REQUEST_RULE } from "./rules.js";

/**
 * The scanner benchmark: one table, every figure the median of BENCH_RUNS runs with its spread,
 * every speed also as a ratio to the baselines measured in the same process on the same file:
 *   read      the bytes through the scanner's own input layer, nothing else;
 *   parse     + split lines and JSON.parse every line;
 *   evaluate  + the reference predicate on every event (the scanner without its prefilter);
 *   scan      the scanner (prefilter, then parse + predicate on candidates only).
 * The match counts of scan and evaluate must be equal, or the run fails.
 *
 * Build and run from the repository root:
 *   npx tsc -p test/bench && node dist/test/bench/run.js
 * Environment: BENCH_EVENTS (default 1000000, about 1.4 GB, cached in .cache/bench/), BENCH_RUNS (5).
 *
 * More rows (compile throughput per target, peak RSS, cold start) plug in through EXTRA_BENCHES.
 */

export interface Bench {
  readonly name: string;
  /** Bytes and events one run processes (for MB/s, events/s); 0 when not a throughput figure. */
  readonly bytes: number;
  readonly events: number;
  /** One run; returns a count to report (matches, rules compiled…). */
  run(): Promise<number>;
}

/** Rows the lead adds once the compiler exists (e.g. compileAll(paths, targets) over the corpus). */
export const EXTRA_BENCHES: Bench[] = [];

const EVENTS = Number(process.env["BENCH_EVENTS"] ?? 1_000_000);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);

async function readOnly(path: string): Promise<number> {
  const source = await openSource(path, process.stdin);
  const stats = { bytes: 0 };
  let blocks = 0;
  for await (const frame of frames(source, 1 << 30, stats)) if (frame.kind === "block") blocks++;
  await source.close();
  return blocks;
}

/** Every line parsed and, when a predicate is given, evaluated: the naive scanner. */
async function parseAll(path: string, predicate?: (event: unknown) => boolean): Promise<number> {
  const source = await openSource(path, process.stdin);
  const builder = new BlockBuilder(false);
  let count = 0;
  for await (const frame of frames(source, 1 << 30, { bytes: 0 })) {
    if (frame.kind !== "block") continue;
    const block = builder.build(frame.raw, frame.length);
    for (let i = 0; i < block.count; i++) {
      const event: unknown = JSON.parse(
        block.raw.toString("utf8", block.starts[i]!, block.ends[i]!),
      );
      if (predicate === undefined ? event !== null : predicate(event)) count++;
    }
  }
  await source.close();
  return count;
}

async function scanCount(path: string, rule: ScanRule): Promise<number> {
  const summary = await scan({
    rules: [rule],
    inputs: [path],
    onMatch: () => undefined,
    onMalformed: () => undefined,
  });
  return summary.matches[0]!.matches;
}

interface Row {
  readonly name: string;
  readonly ms: number[];
  readonly count: number;
  readonly bytes: number;
  readonly events: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function measure(bench: Bench): Promise<Row> {
  const ms: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    count = await bench.run();
    ms.push(performance.now() - t);
  }
  return { name: bench.name, ms, count, bytes: bench.bytes, events: bench.events };
}

function table(rows: readonly Row[], baselines: Record<string, Row>): string {
  const header = [
    "benchmark",
    "median ms",
    "spread ms",
    "MB/s",
    "events/s",
    "× read",
    "× parse",
    "× evaluate",
    "count",
  ];
  const speed = (r: Row): number => r.bytes / 1e6 / (median(r.ms) / 1000);
  const ratio = (r: Row, base: Row | undefined): string =>
    base === undefined || r.bytes === 0 ? "" : (speed(r) / speed(base)).toFixed(2);
  const body = rows.map((r) => [
    r.name,
    median(r.ms).toFixed(0),
    `${Math.min(...r.ms).toFixed(0)}–${Math.max(...r.ms).toFixed(0)}`,
    r.bytes === 0 ? "" : speed(r).toFixed(0),
    r.events === 0 ? "" : (r.events / (median(r.ms) / 1000)).toFixed(0),
    ratio(r, baselines["read"]),
    ratio(r, baselines["parse"]),
    ratio(r, baselines["evaluate"]),
    String(r.count),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const path = await ensureAuditLog({ events: EVENTS, seed: 1 });
  const bytes = statSync(path).size;
  const tokenPredicate = compilePredicate(TOKEN_REQUEST_RULE.ir);
  const failedPredicate = compilePredicate(FAILED_REQUEST_RULE.ir);
  const benches: Bench[] = [
    { name: "read", bytes, events: EVENTS, run: () => readOnly(path) },
    { name: "parse", bytes, events: EVENTS, run: () => parseAll(path) },
    { name: "evaluate", bytes, events: EVENTS, run: () => parseAll(path, tokenPredicate) },
    {
      name: "scan TokenRequest",
      bytes,
      events: EVENTS,
      run: () => scanCount(path, TOKEN_REQUEST_RULE),
    },
    {
      name: "evaluate status>=400",
      bytes,
      events: EVENTS,
      run: () => parseAll(path, failedPredicate),
    },
    {
      name: "scan status>=400 (no literal)",
      bytes,
      events: EVENTS,
      run: () => scanCount(path, FAILED_REQUEST_RULE),
    },
    ...EXTRA_BENCHES,
  ];
  const rows: Row[] = [];
  for (const b of benches) rows.push(await measure(b));
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  console.log(
    `${path}: ${EVENTS} events, ${(bytes / 1e6).toFixed(0)} MB, ${RUNS} runs, 1 core, node ${process.version}`,
  );
  console.log(table(rows, byName));
  const pairs: [string, string][] = [
    ["scan TokenRequest", "evaluate"],
    ["scan status>=400 (no literal)", "evaluate status>=400"],
  ];
  let ok = true;
  for (const [a, b] of pairs) {
    if (byName[a]!.count !== byName[b]!.count) {
      console.log(`MISMATCH: ${a} found ${byName[a]!.count}, ${b} found ${byName[b]!.count}`);
      ok = false;
    }
  }
  if (!ok) process.exitCode = 1;
}

await main();
