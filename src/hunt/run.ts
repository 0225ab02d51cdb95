import { createReadStream, statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { HuntPlan, HuntRule } from "./plan.js";
import { huntQuery, sqlString, type InputFormat } from "./query.js";

/**
 * Running a hunt: DuckDB embedded, one query per input file and table shape, results streamed
 * chunk by chunk (DuckDB spills to disk past its memory limit; only matching records reach
 * JavaScript). Files are read by DuckDB itself: NDJSON (gzip by extension or magic), Parquet;
 * a directory is every such file below it, a glob is expanded by DuckDB.
 */

export interface HuntCallbacks {
  onMatch(rule: HuntRule, eventJson: string): void;
  /** A line DuckDB could not read as JSON (only with skipBadLines). */
  onMalformed(file: string, line: number, reason: string): void;
  onFile(file: string, index: number, total: number, matches: number, ms: number): void;
}

export interface HuntFileError {
  readonly file: string;
  readonly message: string;
}

export interface HuntSummary {
  readonly files: number;
  readonly matches: ReadonlyMap<string, number>;
  readonly malformed: number;
  readonly errors: readonly HuntFileError[];
  readonly elapsedMs: number;
}

const NDJSON_EXT = /\.(json|ndjson|jsonl|log)(\.gz)?$/i;
const PARQUET_EXT = /\.parquet$/i;

export function formatOf(file: string): InputFormat {
  return PARQUET_EXT.test(file) ? "parquet" : "ndjson";
}

/** Directories walked for log files (sorted); globs expanded by DuckDB; files as given. */
export async function expandInputs(
  c: DuckDBConnection,
  inputs: readonly string[],
): Promise<{ files: string[]; errors: HuntFileError[] }> {
  const files: string[] = [];
  const errors: HuntFileError[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (NDJSON_EXT.test(name) || PARQUET_EXT.test(name)) files.push(p);
    }
  };
  for (const input of inputs) {
    if (/[*?[]/.test(input)) {
      const rows = (
        await c.runAndReadAll(`SELECT file FROM glob(${sqlString(input)}) ORDER BY file`)
      ).getRows();
      if (rows.length === 0) errors.push({ file: input, message: "no file matches the pattern" });
      for (const [f] of rows) files.push(String(f));
      continue;
    }
    try {
      if (statSync(input).isDirectory()) walk(input);
      else files.push(input);
    } catch (e) {
      errors.push({ file: input, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { files, errors };
}

/**
 * The malformed lines of a file, with their line numbers, read again only when DuckDB found some
 * (DuckDB's own message names the line where its parser gave up, which for a line cut short is
 * the next one). `firstOnly` stops at the first.
 */
async function malformedLines(
  file: string,
  report: HuntCallbacks["onMalformed"],
  firstOnly = false,
): Promise<number> {
  let stream: NodeJS.ReadableStream = createReadStream(file);
  if (file.toLowerCase().endsWith(".gz")) stream = stream.pipe(createGunzip());
  let line = 0;
  let bad = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    try {
      JSON.parse(text);
    } catch (e) {
      bad++;
      report(file, line, e instanceof Error ? e.message : String(e));
      if (firstOnly) break;
    }
  }
  return bad;
}

export async function createHuntEngine(): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  return db.connect();
}

export async function hunt(
  plan: HuntPlan,
  inputs: readonly string[],
  options: { readonly skipBadLines: boolean },
  on: HuntCallbacks,
): Promise<HuntSummary> {
  const started = Date.now();
  const c = await createHuntEngine();
  const { files, errors } = await expandInputs(c, inputs);
  const matches = new Map<string, number>();
  for (const g of plan.groups) for (const r of g.rules) matches.set(r.id, 0);
  let malformed = 0;
  for (const [index, file] of files.entries()) {
    const fileStarted = Date.now();
    let fileMatches = 0;
    let badRecords = 0;
    try {
      for (const group of plan.groups) {
        const result = await c.stream(huntQuery(group, file, formatOf(file), options.skipBadLines));
        for (;;) {
          const chunk = await result.fetchChunk();
          if (chunk === null || chunk.rowCount === 0) break;
          for (const [raw, , hits] of chunk.getRows()) {
            if (raw === null) {
              badRecords++;
              continue;
            }
            for (const i of (hits as { items: unknown[] }).items) {
              const rule = group.rules[Number(i)]!;
              matches.set(rule.id, (matches.get(rule.id) ?? 0) + 1);
              fileMatches++;
              on.onMatch(rule, String(raw));
            }
          }
        }
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      let where: string | undefined;
      if (/Malformed JSON/.test(message))
        await malformedLines(
          file,
          (_f, line, reason) => (where = `line ${line}: malformed JSON: ${reason}`),
          true,
        );
      errors.push({ file, message: where ?? message });
      continue;
    }
    if (badRecords > 0) malformed += await malformedLines(file, on.onMalformed);
    on.onFile(file, index, files.length, fileMatches, Date.now() - fileStarted);
  }
  c.closeSync();
  return { files: files.length, matches, malformed, errors, elapsedMs: Date.now() - started };
}
