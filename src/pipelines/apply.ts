import { assertNever, type Diagnostic } from "../diagnostics.js";
import type { Expr, MatchExpr } from "../ir.js";
import type { TargetName } from "../targets/types.js";
import type { ResolvedMapping } from "./types.js";

/**
 * What the mapping itself changes, before any backend runs: a field whose mapping the pipeline
 * declares as a change of meaning (a value split over two fields, say) is a fidelity warning at
 * every predicate on it, so `--strict` refuses it like any other declared deviation.
 */
export function mappingDiagnostics(
  ir: Expr,
  mapping: ResolvedMapping | undefined,
  target: TargetName,
  file: string,
): Diagnostic[] {
  if (
    mapping === undefined ||
    (Object.keys(mapping.deviations).length === 0 && Object.keys(mapping.valueMaps).length === 0)
  )
    return [];
  const out: Diagnostic[] = [];
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case "and":
      case "or":
        e.items.forEach(visit);
        return;
      case "not":
        visit(e.item);
        return;
      case "const":
        return;
      case "match":
        declare(e);
        return;
      default:
        assertNever(e);
    }
  };
  const declare = (m: MatchExpr): void => {
    if (m.field === null) return;
    const values = Object.hasOwn(mapping.valueMaps, m.field)
      ? mapping.valueMaps[m.field]
      : undefined;
    if (values !== undefined)
      // What the data keeps, not a change of the predicate: a data note (info), which the
      // backend's seen event states and the view checks.
      out.push({
        severity: "info",
        code: "FIDELITY_VALUE_MAP",
        message: `${target} keeps ${m.field} only as ${mapping.targetsOf[m.field]?.join(" / ")}, for the raw values ${Object.entries(
          values,
        )
          .map(([raw, stored]) => `'${raw}' (stored as '${stored}')`)
          .join(", ")} exactly: a raw value of another spelling is not stored`,
        file: m.origin.file ?? file,
        loc: m.origin,
        target,
        fidelity: true,
      });
    if (!Object.prototype.hasOwnProperty.call(mapping.deviations, m.field)) return;
    out.push({
      severity: "warning",
      code: "FIDELITY_FIELD_MAPPING",
      message: `${m.field} is ${mapping.targetsOf[m.field]?.join(" / ") ?? "mapped"} in ${target}: ${mapping.deviations[m.field]}`,
      file: m.origin.file ?? file,
      loc: m.origin,
      target,
      fidelity: true,
    });
  };
  visit(ir);
  return out;
}
