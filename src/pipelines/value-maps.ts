import { assertNever, DiagnosticError } from "../diagnostics.js";
import { and, FALSE, not, or, type Expr, type MatchExpr } from "../ir.js";
import { compilePredicate } from "../sigma/evaluate.js";
import type { TargetName } from "../targets/types.js";
import type { ResolvedMapping } from "./types.js";

/**
 * Value maps (`values:` on a field mapping): the target stores a raw value `v` exactly as
 * `values[v]` and keeps no other value (Elastic's Windows integration turns Sysmon's Initiated
 * "true"/"false" into network.direction egress/ingress). A predicate on such a field holds on the
 * target for exactly the raw values it holds for, so it becomes the OR of case-sensitive equalities
 * with their stored values: the raw values are finitely many, and the reference evaluator decides
 * each one, whatever the test (pattern, regex, number, boolean). Presence tests keep their meaning
 * (the field is there exactly when the raw value is one of the map's). Comparing such a field with
 * another field has no such translation: refused.
 */

function rewriteMatch(
  m: MatchExpr,
  valueMaps: ResolvedMapping["valueMaps"],
  target: TargetName,
  file: string,
): Expr {
  const field = m.field;
  const mapped = field !== null && Object.hasOwn(valueMaps, field) ? valueMaps[field] : undefined;
  const other = m.test.kind === "fieldref" ? m.test.other : undefined;
  if (other !== undefined && (mapped !== undefined || Object.hasOwn(valueMaps, other)))
    throw new DiagnosticError({
      severity: "error",
      code: "UNSUPPORTED_VALUE_MAP_FIELDREF",
      message: `${target} stores ${mapped !== undefined ? field : other} under other values (the pipeline's 'values' map), so comparing it with another field has no ${target} form`,
      file: m.origin.file ?? file,
      loc: m.origin,
      target,
    });
  if (mapped === undefined || field === null) return m;
  if (m.test.kind === "exists" || m.test.kind === "null") return m;
  const holds = compilePredicate(m);
  const stored = Object.entries(mapped)
    .filter(([raw]) => holds({ [field]: raw }))
    .map(([, value]) => value);
  const equalities = [...new Set(stored)].map((value): MatchExpr => ({
    kind: "match",
    field,
    test: { kind: "pattern", pattern: [{ kind: "text", text: value }], cased: true },
    origin: m.origin,
  }));
  return equalities.length === 0 ? FALSE : or(equalities);
}

/** The IR with every predicate on a value-mapped field said in the target's stored values. */
export function applyValueMaps(
  ir: Expr,
  mapping: ResolvedMapping | undefined,
  target: TargetName,
  file: string,
): Expr {
  const valueMaps = mapping?.valueMaps ?? {};
  if (Object.keys(valueMaps).length === 0) return ir;
  // Unchanged subtrees keep their identity: backends' deviations name nodes of this IR.
  const visit = (e: Expr): Expr => {
    switch (e.kind) {
      case "and":
      case "or": {
        const items = e.items.map(visit);
        if (items.every((x, i) => x === e.items[i])) return e;
        return e.kind === "and" ? and(items) : or(items);
      }
      case "not": {
        const item = visit(e.item);
        return item === e.item ? e : not(item);
      }
      case "const":
        return e;
      case "match":
        return rewriteMatch(e, valueMaps, target, file);
      default:
        return assertNever(e);
    }
  };
  return visit(ir);
}
