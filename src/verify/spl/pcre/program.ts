import { fixedLength, type Assertion, type Node } from "./ast.js";
import { classTest, dotTest, type CharTest } from "./chars.js";
import { PcreSyntaxError } from "./parse-atoms.js";

/**
 * A parsed pattern as backtracking instructions. `split` tries `first` before `second` (the
 * order a greedy or lazy quantifier and an alternation prefer); atomic groups, possessive
 * quantifiers and lookarounds are sub-programs run to completion on their own, as PCRE2 runs
 * them (lookarounds are atomic too: "there is no backtracking into the assertion").
 */
export type Inst =
  | { readonly op: "char"; readonly test: CharTest }
  | { readonly op: "split"; readonly first: number; readonly second: number }
  | { readonly op: "jmp"; readonly to: number }
  | { readonly op: "assert"; readonly what: Assertion }
  /** Lookahead: `subs[0]` from here. Lookbehind: some `sub` from `len` characters back. */
  | {
      readonly op: "look";
      readonly behind: boolean;
      readonly negated: boolean;
      readonly subs: readonly { readonly sub: number; readonly len: number }[];
    }
  | { readonly op: "atomic"; readonly sub: number }
  | { readonly op: "match" };

export interface Program {
  /** programs[0] is the pattern; the others are the sub-programs it names. */
  readonly programs: readonly (readonly Inst[])[];
}

/**
 * Counted repeats are unrolled; a pattern past this size is refused rather than slow to build.
 * Large enough for the longest value lists in SigmaHQ (a driver rule's 4,400 hashes, one
 * alternation of about 590,000 characters once case-folded).
 */
const MAX_INSTRUCTIONS = 500_000;

export function compileProgram(root: Node): Program {
  const programs: Inst[][] = [];
  let total = 0;

  const sub = (node: Node): number => {
    const index = programs.length;
    const code: Inst[] = [];
    programs.push(code);
    emit(node, code);
    code.push({ op: "match" });
    return index;
  };

  const push = (code: Inst[], inst: Inst): number => {
    if (++total > MAX_INSTRUCTIONS)
      throw new PcreSyntaxError(0, `the pattern unrolls to more than ${MAX_INSTRUCTIONS} steps`);
    code.push(inst);
    return code.length - 1;
  };

  /** Patch a placeholder `split`/`jmp` once its targets are known. */
  const patch = (code: Inst[], at: number, inst: Inst): void => {
    code[at] = inst;
  };

  const emit = (node: Node, code: Inst[]): void => {
    switch (node.kind) {
      case "empty":
        return;
      case "char":
        push(code, { op: "char", test: classTest(node.items, node.negated, node.caseless) });
        return;
      case "dot":
        push(code, { op: "char", test: dotTest(node.dotall) });
        return;
      case "seq":
        for (const item of node.items) emit(item, code);
        return;
      case "alt": {
        // split(a, next) a… jmp end; next: split(b, next2) b… jmp end; … last…; end:
        const jumps: number[] = [];
        node.items.forEach((item, k) => {
          const last = k === node.items.length - 1;
          const split = last ? -1 : push(code, { op: "jmp", to: -1 });
          emit(item, code);
          if (!last) {
            jumps.push(push(code, { op: "jmp", to: -1 }));
            patch(code, split, { op: "split", first: split + 1, second: code.length });
          }
        });
        for (const j of jumps) patch(code, j, { op: "jmp", to: code.length });
        return;
      }
      case "assert":
        push(code, { op: "assert", what: node.what });
        return;
      case "look": {
        // A lookbehind tries each alternative from its own fixed length back; a lookahead's
        // alternatives are one sub-program, tried in order from here.
        const subs = node.behind
          ? node.alternatives.map((alt) => ({ sub: sub(alt), len: fixedLength(alt)! }))
          : [{ sub: sub({ kind: "alt", items: node.alternatives }), len: 0 }];
        push(code, { op: "look", behind: node.behind, negated: node.negated, subs });
        return;
      }
      case "atomic":
        push(code, { op: "atomic", sub: sub(node.body) });
        return;
      case "repeat":
        if (node.mode === "possessive") {
          const greedy: Node = { ...node, mode: "greedy" };
          push(code, { op: "atomic", sub: sub(greedy) });
          return;
        }
        repeat(node.body, node.min, node.max, node.mode === "lazy", code);
        return;
    }
  };

  const repeat = (body: Node, min: number, max: number, lazy: boolean, code: Inst[]): void => {
    for (let k = 0; k < min; k++) emit(body, code);
    const choice = (at: number, enter: number, leave: number): void =>
      patch(code, at, {
        op: "split",
        first: lazy ? leave : enter,
        second: lazy ? enter : leave,
      });
    if (max === Infinity) {
      // loop: split(body, out); body; jmp loop; out:
      const loop = push(code, { op: "jmp", to: -1 });
      emit(body, code);
      push(code, { op: "jmp", to: loop });
      choice(loop, loop + 1, code.length);
      return;
    }
    // (body (body …)?)?: every optional copy leaves to the same end.
    const splits: number[] = [];
    for (let k = min; k < max; k++) {
      splits.push(push(code, { op: "jmp", to: -1 }));
      emit(body, code);
    }
    for (const s of splits) choice(s, s + 1, code.length);
  };

  sub(root);
  return { programs };
}
