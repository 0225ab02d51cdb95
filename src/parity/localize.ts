import { assertNever } from "../diagnostics.js";
import { not, type Expr, type MatchExpr } from "../ir.js";
import { evaluate } from "../sigma/evaluate.js";
import type { Deviation } from "../backends/types.js";
import { replaceDeclared } from "./replace.js";

/**
 * Where a disagreement is: the predicates of the rule that can account for it. Used only for
 * reporting, never to decide a verdict.
 */

function matches(e: Expr, into: MatchExpr[] = []): MatchExpr[] {
  switch (e.kind) {
    case "and":
    case "or":
      for (const i of e.items) matches(i, into);
      return into;
    case "not":
      return matches(e.item, into);
    case "const":
      return into;
    case "match":
      into.push(e);
      return into;
    default:
      return assertNever(e);
  }
}

/**
 * The predicates whose answer, flipped alone, turns `expected` into the target's answer: the first
 * place to look for a translation bug (an escaping or an operator at that value).
 */
export function suspects(expected: Expr, seen: unknown, got: boolean): MatchExpr[] {
  return matches(expected).filter(
    (m) =>
      evaluate(replaceDeclared(expected, [{ node: m, effective: not(m), codes: [] }]), seen) ===
      got,
  );
}

/**
 * The declared deviations that explain a difference between the rule's answer on the seen event
 * and the target's: each one that alone gives the target's answer, else all of them.
 */
export function responsible(
  ir: Expr,
  deviations: readonly Deviation[],
  seen: unknown,
  got: boolean,
): readonly Deviation[] {
  const alone = deviations.filter((d) => evaluate(replaceDeclared(ir, [d]), seen) === got);
  return alone.length > 0 ? alone : deviations;
}
