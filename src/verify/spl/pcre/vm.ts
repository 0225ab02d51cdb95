import { CaseNotCheckedError } from "../../types.js";
import type { Assertion } from "./ast.js";
import { isWordChar, LF } from "./chars.js";
import type { Inst, Program } from "./program.js";

/** The matcher gave up: the pattern needed more steps than its budget on this subject. */
export class PcreStepBudgetExceeded extends CaseNotCheckedError {
  constructor(readonly budget: number) {
    super(
      "VERIFY_SPL_STEP_BUDGET",
      `PCRE model: the match needed more than ${budget} steps; the interpreter gives up rather than guess`,
    );
  }
}

export interface SearchResult {
  readonly matched: boolean;
  /** Instructions executed, sub-programs included: the measure of the matcher's work. */
  readonly steps: number;
}

/**
 * A backtracking search over code points (UTF mode: one character is one code point) that
 * remembers every (instruction, position) it has explored, as RE2's BitState does: without
 * backreferences, whether a state leads to a match does not depend on how it was reached, so
 * no state is explored twice and a search costs at most instructions × (length + 1) steps.
 * Atomic groups run to their first match (in PCRE2's preference order) and never again from
 * the same position; lookarounds are memoised per position. Every step is counted against a
 * budget; past it the search throws instead of running on.
 */
export function searchProgram(program: Program, text: string, budget: number): SearchResult {
  return new Search(program, text, budget).run();
}

class Search {
  private readonly cps: number[];
  private readonly n: number;
  private readonly width: number;
  private steps = 0;
  private readonly visited: (Uint32Array | undefined)[] = [];
  private readonly lookMemo = new Map<number, boolean>();
  private readonly atomicMemo = new Map<number, number>();

  constructor(
    private readonly program: Program,
    text: string,
    private readonly budget: number,
  ) {
    this.cps = Array.from(text, (c) => c.codePointAt(0)!);
    this.n = this.cps.length;
    this.width = this.n + 1;
  }

  run(): SearchResult {
    for (let start = 0; start <= this.n; start++) {
      // A state that failed from one start fails from every start: the marks are kept.
      if (this.exec(0, start, undefined) >= 0) return { matched: true, steps: this.steps };
    }
    return { matched: false, steps: this.steps };
  }

  private bits(p: number): Uint32Array {
    let v = this.visited[p];
    if (v === undefined) {
      v = new Uint32Array(Math.ceil((this.program.programs[p]!.length * this.width) / 32));
      this.visited[p] = v;
    }
    return v;
  }

  private clear(p: number, touched: readonly number[]): void {
    const v = this.bits(p);
    for (const key of touched) v[key >>> 5]! &= ~(1 << (key & 31));
  }

  /** The end of the first match of program `p` from `start` in preference order, or -1. */
  private exec(p: number, start: number, touched: number[] | undefined): number {
    const code = this.program.programs[p]!;
    const v = this.bits(p);
    const stack: number[] = [0, start];
    while (stack.length > 0) {
      let pos = stack.pop()!;
      let pc = stack.pop()!;
      thread: for (;;) {
        const key = pc * this.width + pos;
        const word = key >>> 5;
        const bit = 1 << (key & 31);
        if ((v[word]! & bit) !== 0) break;
        v[word]! |= bit;
        touched?.push(key);
        if (++this.steps > this.budget) throw new PcreStepBudgetExceeded(this.budget);
        const inst: Inst = code[pc]!;
        switch (inst.op) {
          case "char":
            if (pos < this.n && inst.test(this.cps[pos]!)) {
              pc++;
              pos++;
              continue thread;
            }
            break thread;
          case "split":
            stack.push(inst.second, pos);
            pc = inst.first;
            continue thread;
          case "jmp":
            pc = inst.to;
            continue thread;
          case "assert":
            if (!this.holds(inst.what, pos)) break thread;
            pc++;
            continue thread;
          case "look":
            if (this.look(inst, pos) === inst.negated) break thread;
            pc++;
            continue thread;
          case "atomic": {
            const end = this.atomic(inst.sub, pos);
            if (end < 0) break thread;
            pc++;
            pos = end;
            continue thread;
          }
          case "match":
            return pos;
        }
      }
    }
    return -1;
  }

  private holds(what: Assertion, pos: number): boolean {
    const { cps, n } = this;
    switch (what) {
      case "start":
        return pos === 0;
      case "line-start":
        // Not after a newline that ends the subject (pcre2pattern, "Circumflex and dollar").
        return pos === 0 || (pos < n && cps[pos - 1] === LF);
      case "end":
        return pos === n;
      case "end-or-final-newline":
        return pos === n || (pos === n - 1 && cps[pos] === LF);
      case "line-end":
        return pos === n || cps[pos] === LF;
      case "word-boundary":
      case "not-word-boundary": {
        const before = pos > 0 && isWordChar(cps[pos - 1]!);
        const after = pos < n && isWordChar(cps[pos]!);
        return (before !== after) === (what === "word-boundary");
      }
    }
  }

  /** Whether the lookaround's body matches here (before its own negation). */
  private look(inst: Extract<Inst, { op: "look" }>, pos: number): boolean {
    for (const { sub, len } of inst.subs) {
      const from = pos - len;
      if (from < 0) continue;
      if (this.matchesFrom(sub, from)) return true;
    }
    return false;
  }

  private matchesFrom(sub: number, from: number): boolean {
    const key = sub * this.width + from;
    const known = this.lookMemo.get(key);
    if (known !== undefined) return known;
    const touched: number[] = [];
    const found = this.exec(sub, from, touched) >= 0;
    // A failed run's states all fail from anywhere; a successful run's path does not, so its
    // marks are dropped.
    if (found) this.clear(sub, touched);
    this.lookMemo.set(key, found);
    return found;
  }

  private atomic(sub: number, pos: number): number {
    const key = sub * this.width + pos;
    const known = this.atomicMemo.get(key);
    if (known !== undefined) return known;
    const touched: number[] = [];
    const end = this.exec(sub, pos, touched);
    // The first match depends on where the run started: every run starts clean.
    this.clear(sub, touched);
    this.atomicMemo.set(key, end);
    return end;
  }
}
