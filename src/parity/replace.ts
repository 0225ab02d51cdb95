import { assertNever } from "../diagnostics.js";
import { and, not, or, type Expr } from "../ir.js";
import type { Deviation } from "../backends/types.js";

/**
 * The rule's IR with exactly the declared deviations' nodes (by identity) replaced by their
 * effective forms: the only changes of meaning a target may make.
 */
export function replaceDeclared(ir: Expr, deviations: readonly Deviation[]): Expr {
  if (deviations.length === 0) return ir;
  const byNode = new Map<Expr, Expr>(deviations.map((d) => [d.node, d.effective]));
  const walk = (e: Expr): Expr => {
    const replaced = byNode.get(e);
    if (replaced !== undefined) return replaced;
    switch (e.kind) {
      case "and":
        return and(e.items.map(walk));
      case "or":
        return or(e.items.map(walk));
      case "not":
        return not(walk(e.item));
      case "const":
      case "match":
        return e;
      default:
        return assertNever(e);
    }
  };
  return walk(ir);
}
