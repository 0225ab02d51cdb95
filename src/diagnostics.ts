import type { Loc } from "./source.js";

export type Severity = "error" | "warning" | "info";

/**
 * Everything the user is told is a Diagnostic. Codes are stable UPPER_SNAKE strings; tests assert
 * the code and the position, never the prose.
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  /** The file the diagnostic is about; "<stdin>" for standard input, "" when there is no file. */
  readonly file: string;
  readonly loc?: Loc;
  /** Set for diagnostics that only one target produces (fidelity, unsupported constructs). */
  readonly target?: string;
  /** True for declared deviations of a target from Sigma semantics; `--strict` makes them errors. */
  readonly fidelity?: boolean;
  readonly notes?: readonly string[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/**
 * `--strict`: every declared deviation (a fidelity warning) becomes an error. Fidelity notes of
 * severity "info" describe what a target's data cannot distinguish (Falco renders JSON null as the
 * text "null"); no query can do better, so they stay notes.
 */
export function strictify(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) =>
    d.fidelity && d.severity === "warning" ? { ...d, severity: "error" } : d,
  );
}

/** A thrown Diagnostic is how deep code aborts one rule; callers catch it and collect it. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

/** Damerau-free Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small edit distance, or undefined. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
