import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../../src/diagnostics.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import { compileDetection } from "../../src/sigma/normalize.js";
import { sourceFromBytes } from "../../src/sigma/read-input.js";
import { CORPUS, HAVE_CORPUS } from "../helpers/shared-data.js";

/**
 * Loader fuzzing: random and mutated rule files (mutations of real SigmaHQ rules) go through
 * the same steps as `sigprism lint` (bytes → SourceFile → loadSigmaFile → compileDetection).
 * Nothing may throw, and every error must be a coded Diagnostic positioned inside the file.
 *
 * test/fuzz/loader-fuzz.test.ts runs 2,000 cases in `npm test`; the long run is
 * `FUZZ_CASES=100000 vitest run test/fuzz/loader-fuzz.test.ts` (npm run fuzz:loader).
 * A failure names the case's seed: `FUZZ_SEED=<seed> FUZZ_CASES=1` replays exactly that case.
 */

const PROJECT_RULES = new URL("../../rules", import.meta.url).pathname;

/** mulberry32: small, fast, and the same sequence on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seedFiles: string[] | undefined;

/** Rule files to mutate: the project's rules and the SigmaHQ corpus, in a stable order. */
export function corpusFiles(): string[] {
  if (seedFiles !== undefined) return seedFiles;
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) out.push(path);
    }
  };
  walk(PROJECT_RULES);
  // Without the corpus beside the checkout, the project's rules alone seed the mutations.
  if (HAVE_CORPUS) walk(CORPUS);
  seedFiles = out;
  return out;
}

/** Text fragments that YAML, Sigma and the condition grammar give meaning to. */
const TOKENS = [
  "|",
  "|contains",
  "|contians",
  "|re",
  "|all",
  "|cidr",
  "|exists",
  "|base64offset",
  "|windash",
  "|expand",
  "|fieldref",
  "|gt",
  "|utf16le",
  ":",
  ": ",
  "- ",
  "-",
  "&a ",
  "*a",
  "!!binary ",
  "!!str ",
  "? ",
  "{",
  "}",
  "[",
  "]",
  ",",
  "'",
  '"',
  "\\",
  "#",
  "%",
  "---\n",
  "...\n",
  "\t",
  "\r",
  "\n",
  "condition: ",
  "detection:",
  "selection",
  "1 of ",
  "all of them",
  " and ",
  " or ",
  "not ",
  "(",
  ")",
  "null",
  "~",
  "true",
  "1e9999",
  "0x",
  "\u202e",
  "\u00e9",
  "\ufeff",
  "*",
  "?",
  "%placeholder%",
] as const;

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

/** One mutation of a rule's bytes. */
function mutate(r: Rand, bytes: Buffer): Buffer {
  const text = bytes.toString("latin1");
  const lines = text.split("\n");
  switch (int(r, 9)) {
    case 0: {
      // Byte flips, including bytes that break UTF-8.
      const out = Buffer.from(bytes);
      for (let k = 1 + int(r, 4); k > 0 && out.length > 0; k--)
        out[int(r, out.length)] = int(r, 256);
      return out;
    }
    case 1:
      lines.splice(int(r, lines.length), 1 + int(r, 3));
      break;
    case 2: {
      const i = int(r, lines.length);
      lines.splice(i, 0, ...lines.slice(i, i + 1 + int(r, 3)));
      break;
    }
    case 3: {
      // Indentation changes: more, less, or a tab.
      const i = int(r, lines.length);
      const line = lines[i] ?? "";
      const change = int(r, 3);
      lines[i] =
        change === 0 ? "  " + line : change === 1 ? line.replace(/^ {1,4}/, "") : "\t" + line;
      break;
    }
    case 4:
      return bytes.subarray(0, int(r, bytes.length + 1));
    case 5: {
      // Rename a key: drop, double or swap a letter, or add a modifier.
      const i = int(r, lines.length);
      lines[i] = (lines[i] ?? "").replace(/([A-Za-z_.|]+):/, (_m, key: string) => {
        const p = int(r, key.length);
        const edits = [
          key.slice(0, p) + key.slice(p + 1),
          key.slice(0, p) + key[p] + key.slice(p),
          key +
            pick(
              r,
              TOKENS.filter((t) => t.startsWith("|")),
            ),
          key.slice(0, p) + pick(r, TOKENS) + key.slice(p),
        ];
        return pick(r, edits) + ":";
      });
      break;
    }
    case 6: {
      // Insert a meaningful token anywhere.
      const at = int(r, text.length + 1);
      return Buffer.from(text.slice(0, at) + pick(r, TOKENS) + text.slice(at), "latin1");
    }
    case 7: {
      // Swap two lines.
      const i = int(r, lines.length);
      const j = int(r, lines.length);
      [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
      break;
    }
    default: {
      // Change a value on the condition line.
      const i = lines.findIndex((l) => /condition:/.test(l));
      if (i >= 0)
        lines[i] = lines[i]!.replace(/condition:.*/, "condition: " + tokenSoup(r, 1 + int(r, 8)));
      break;
    }
  }
  return Buffer.from(lines.join("\n"), "latin1");
}

function tokenSoup(r: Rand, n: number): string {
  let s = "";
  for (let k = 0; k < n; k++) s += pick(r, TOKENS);
  return s;
}

/** Case number `seed`: one in ten is random (token soup or raw bytes), the rest mutated rules. */
export function fuzzCase(seed: number): { readonly name: string; readonly bytes: Buffer } {
  const r = rng(seed);
  const kind = int(r, 10);
  if (kind === 0) {
    const bytes = Buffer.alloc(int(r, 400));
    for (let i = 0; i < bytes.length; i++) bytes[i] = int(r, 256);
    return { name: `random-bytes-${seed}`, bytes };
  }
  if (kind === 1)
    return { name: `token-soup-${seed}`, bytes: Buffer.from(tokenSoup(r, int(r, 60)), "utf8") };
  const files = corpusFiles();
  const file = pick(r, files);
  let bytes: Buffer = readFileSync(file);
  for (let k = 1 + int(r, 3); k > 0; k--) bytes = mutate(r, bytes);
  return { name: `${file} (mutated, seed ${seed})`, bytes };
}

export interface CaseResult {
  /** What went wrong, or undefined when the front end behaved. */
  readonly problem?: string;
  /** The distinct error codes the case produced (to show the fuzz reaches every stage). */
  readonly codes: readonly string[];
}

export function checkCase(name: string, bytes: Buffer): CaseResult {
  let diagnostics: Diagnostic[];
  let text = "";
  try {
    const read = sourceFromBytes(name, bytes);
    diagnostics = [...read.diagnostics];
    if (read.source !== undefined) {
      text = read.source.text;
      const loaded = loadSigmaFile(read.source);
      diagnostics.push(...loaded.diagnostics);
      for (const doc of loaded.documents) {
        const compiled = compileDetection({
          source: doc.source,
          detection: doc.detection,
          conditions: doc.conditions,
        });
        diagnostics.push(...compiled.diagnostics);
      }
    } else text = bytes.toString("utf8");
  } catch (e) {
    return {
      problem: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      codes: [],
    };
  }
  const codes = [...new Set(diagnostics.filter((d) => d.severity === "error").map((d) => d.code))];
  const problem = (message: string): CaseResult => ({ problem: message, codes });
  const lineCount = text.split("\n").length;
  for (const d of diagnostics) {
    if (!/^[A-Z][A-Z0-9_]+$/.test(d.code))
      return problem(`diagnostic without a code: ${JSON.stringify(d)}`);
    if (d.message.trim() === "") return problem(`${d.code} has no message`);
    if (d.severity !== "error") continue;
    if (d.loc === undefined) return problem(`${d.code} has no position`);
    const { offset, line, col } = d.loc;
    if (offset < 0 || offset > text.length || line < 1 || line > lineCount || col < 1) {
      return problem(
        `${d.code} at ${line}:${col} (offset ${offset}) is outside the file (${lineCount} lines, ${text.length} chars)`,
      );
    }
  }
  return { codes };
}

export interface FuzzReport {
  readonly cases: number;
  readonly failures: readonly string[];
  readonly slowest: { readonly ms: number; readonly name: string };
  /** Cases without any error (the mutation left a valid rule). */
  readonly clean: number;
  /** How many cases produced each error code. */
  readonly codes: ReadonlyMap<string, number>;
}

export function runLoaderFuzz(cases: number, firstSeed: number): FuzzReport {
  const failures: string[] = [];
  let slowest = { ms: 0, name: "" };
  let clean = 0;
  const codes = new Map<string, number>();
  for (let k = 0; k < cases; k++) {
    const seed = firstSeed + k;
    const { name, bytes } = fuzzCase(seed);
    const started = performance.now();
    const result = checkCase(name, bytes);
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, name };
    if (result.problem !== undefined) failures.push(`seed ${seed}: ${name}: ${result.problem}`);
    if (result.codes.length === 0) clean++;
    for (const c of result.codes) codes.set(c, (codes.get(c) ?? 0) + 1);
  }
  return { cases, failures, slowest, clean, codes };
}
