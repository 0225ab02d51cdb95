import type { MutantResult, Status } from "./mutant.js";

/** Counts, score and the survivor list of a run, as data and as text. */

export interface Summary {
  readonly total: number;
  readonly killed: number;
  readonly timedOut: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly invalid: number;
  /** (killed + timed out) / (killed + timed out + survived + not covered); null when none ran. */
  readonly score: number | null;
}

export function summarize(results: readonly MutantResult[]): Summary {
  const count = (s: Status): number => results.filter((r) => r.status === s).length;
  const killed = count("killed");
  const timedOut = count("timeout");
  const survived = count("survived");
  const noCoverage = count("no-coverage");
  const judged = killed + timedOut + survived + noCoverage;
  return {
    total: results.length,
    killed,
    timedOut,
    survived,
    noCoverage,
    invalid: count("invalid"),
    score: judged === 0 ? null : (killed + timedOut) / judged,
  };
}

/**
 * The part of the emitters a file belongs to, for a score per backend: the folder under
 * src/backends (elastic, splunk, falco, js, sql), "backends (shared)" for the files all backends
 * use, else the file's folder under src (pipelines).
 */
export function groupOf(file: string): string {
  const m = /^src\/backends\/([^/]+)\//.exec(file);
  if (m) return m[1]!;
  if (/^src\/backends\/[^/]+$/.test(file)) return "backends (shared)";
  return /^src\/([^/]+)\//.exec(file)?.[1] ?? file;
}

/** The summary of each group's mutants, groups in name order. */
export function summarizeByGroup(results: readonly MutantResult[]): [string, Summary][] {
  const groups = new Map<string, MutantResult[]>();
  for (const r of results) {
    const g = groupOf(r.file);
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  return [...groups].sort((a, b) => a[0].localeCompare(b[0])).map(([g, rs]) => [g, summarize(rs)]);
}

/** One line per group: killed, timed out, survived, invalid, score. */
export function groupLines(groups: readonly [string, Summary][]): string[] {
  const width = Math.max(5, ...groups.map(([g]) => g.length));
  const head = `  ${"part".padEnd(width)}  mutants  killed  timeout  survived  invalid  score`;
  return [
    head,
    ...groups.map(([g, s]) => {
      const pct = s.score === null ? "n/a" : `${(100 * s.score).toFixed(1)}%`;
      const cols = [s.total, s.killed, s.timedOut, s.survived + s.noCoverage, s.invalid];
      const widths = [7, 6, 7, 8, 7];
      return `  ${g.padEnd(width)}  ${cols.map((c, i) => String(c).padStart(widths[i]!)).join("  ")}  ${pct.padStart(6)}`;
    }),
  ];
}

const oneLine = (s: string, max = 110): string => {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

export function isSurvivor(r: MutantResult): boolean {
  return r.status === "survived" || r.status === "no-coverage";
}

/** The survivors grouped by file: `file:line:col operator: before → after`. */
export function survivorLines(results: readonly MutantResult[]): string[] {
  const out: string[] = [];
  let file = "";
  for (const r of results.filter(isSurvivor)) {
    if (r.file !== file) {
      file = r.file;
      out.push(`${file}`);
    }
    const tag = r.status === "no-coverage" ? " (no test evaluates it)" : "";
    out.push(`  ${r.file}:${r.line}:${r.col} ${r.operator}${tag}`);
    out.push(`      ${oneLine(r.before)}`);
    out.push(`    → ${oneLine(r.after)}`);
  }
  return out;
}

export function summaryLines(s: Summary): string[] {
  const pct = s.score === null ? "n/a" : `${(100 * s.score).toFixed(1)}%`;
  return [
    `mutants: ${s.total}`,
    `  killed:    ${s.killed}`,
    `  timed out: ${s.timedOut} (counted as killed)`,
    `  survived:  ${s.survived + s.noCoverage}${s.noCoverage > 0 ? ` (${s.noCoverage} evaluated by no test)` : ""}`,
    `  invalid:   ${s.invalid} (do not type-check; not scored)`,
    `score: ${pct} = killed / (killed + survived)`,
  ];
}

/** Which test file killed how many mutants (the first failing file of each run). */
export function killerLines(results: readonly MutantResult[]): string[] {
  const counts = new Map<string, number>();
  for (const r of results) {
    if (r.status !== "killed" || r.detail === undefined) continue;
    const file = r.detail.split(/ > |: /)[0]!;
    counts.set(file, (counts.get(file) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([f, n]) => `  ${String(n).padStart(5)}  ${f}`);
}
