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
