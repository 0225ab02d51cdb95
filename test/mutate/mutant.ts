/** The data of a mutation run: what was changed where, and what the tests said about it. */

export const OPERATORS = [
  "equality", // === ↔ !==, == ↔ !=
  "relational", // < ↔ <=, > ↔ >= (the boundary)
  "logical", // && ↔ ||
  "boolean", // true ↔ false
  "negate-condition", // if (c) → if (!(c)), same for while/for/do
  "drop-negation", // !x → x
  "ternary-swap", // c ? a : b → c ? b : a
  "string-token", // a syntax token of an emitted language: " AND " → " OR ", '"' → "'", "\\" escapes
  "regex", // one member of a character class removed, or an anchor dropped
  "off-by-one", // slice/substring/at arguments and numeric indices ± 1
  "remove-call", // escape(x) → x, s.toLowerCase() → s
  "table-element", // one element removed from a declarative array
] as const;

export type Operator = (typeof OPERATORS)[number];

export interface Mutant {
  /** Stable within one run: the position in the list of all mutants of the selected files. */
  readonly id: number;
  /** Repository-relative path with forward slashes. */
  readonly file: string;
  /** 1-based line and column of the edit. */
  readonly line: number;
  readonly col: number;
  readonly operator: Operator;
  /** The edit: the original text's [start, end) is replaced by `replacement`. */
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
  /** For the report: the smallest enclosing expression before and after the edit. */
  readonly before: string;
  readonly after: string;
  /** Where the coverage pass puts the probe that tells which tests run the mutated code. */
  readonly site: Site;
}

/**
 * A probe site: the expression [start, end) of the original text whose evaluation means the
 * mutated code ran. With `getter`, [start, end) is a property `name: value` of a module-level
 * object whose value is a constant (a string, a template, a regex without state): the property
 * becomes a getter, so the probe fires when the value is read, not once when the module loads.
 */
export interface Site {
  readonly start: number;
  readonly end: number;
  readonly getter?: { readonly name: string; readonly valueStart: number };
}

export type Status =
  | "killed"
  | "survived"
  | "no-coverage" // no test of the set evaluates the mutated code: a survivor that costs no run
  | "invalid" // does not type-check: excluded from the score
  | "timeout"; // the hang guard stopped the run: counted as killed, reported apart

export interface Outcome {
  readonly status: Status;
  /** The first failing test ("file > suite > test"), or the type error for an invalid mutant. */
  readonly detail?: string;
  /** The test files run for this mutant, in order. */
  readonly tests?: readonly string[];
  /** Wall time of the test run. */
  readonly ms?: number;
}

export interface MutantResult extends Mutant, Outcome {}

/** Apply one mutant to its file's original text. */
export function applyMutant(text: string, m: Pick<Mutant, "start" | "end" | "replacement">) {
  return text.slice(0, m.start) + m.replacement + text.slice(m.end);
}
