import type { Diagnostic } from "../../diagnostics.js";
import type { MatchExpr, Test } from "../../ir.js";
import type { BackendContext } from "../types.js";
import type { DeviationRecorder } from "../deviations.js";
import { DiagnosticError } from "../../diagnostics.js";
import { FALCO } from "./dialect.js";
import { falcoFieldNames } from "./elements.js";
import { fieldInSource, type FalcoSource } from "./sources.js";
import { isListField } from "./source-fields.js";

/** Where lowering collects its diagnostics, with the helpers every lowering step uses. */
export interface Sink {
  readonly ctx: BackendContext;
  /** The rule's event source (the pipeline's `source`). */
  readonly source: FalcoSource;
  readonly out: Diagnostic[];
  /** Per-field notes already given in this rule (`code field`), so each is said once per field. */
  readonly noted: Set<string>;
  /** The per-predicate deviations declared with `deviate`. */
  readonly recorder: DeviationRecorder;
}

/** A fidelity note (info/warning) or an UNSUPPORTED_* error at the predicate's origin. */
export function report(
  sink: Sink,
  m: MatchExpr,
  severity: Diagnostic["severity"],
  code: string,
  message: string,
): void {
  const fidelity = severity !== "error";
  sink.out.push({
    severity,
    code,
    message,
    file: sink.ctx.rule.source.path,
    loc: m.origin,
    target: "falco",
    ...(fidelity ? { fidelity: true } : {}),
  });
}

/** `report` for a predicate Falco says differently: the lowered form is its declared effect. */
export function deviate(
  sink: Sink,
  m: MatchExpr,
  severity: "warning" | "info",
  code: string,
  message: string,
): void {
  report(sink, m, severity, code, message);
  sink.recorder.declare(code);
}

/** `report`, but only for the first predicate of the rule that reads `field` (a per-field fact). */
export function reportOnce(
  sink: Sink,
  m: MatchExpr,
  field: string,
  severity: Diagnostic["severity"],
  code: string,
  message: string,
): void {
  const key = `${code} ${field}`;
  if (sink.noted.has(key)) return;
  sink.noted.add(key);
  report(sink, m, severity, code, message);
}

/**
 * The Falco field lowering rates a predicate by. A one-to-many field is printed on each of its
 * fields (print.ts); they must be plain scalar fields, which all lower alike.
 */
export function falcoField(sink: Sink, m: MatchExpr, field: string): string {
  const names = falcoFieldNames(sink.ctx, field, m.origin);
  for (const n of names) {
    const found = fieldInSource(sink.source, n);
    if (!found.ok)
      throw new DiagnosticError({
        severity: "error",
        code: "FIELD_NOT_IN_SOURCE",
        message: `${field} maps to ${n}, which Falco would refuse in a rule with source ${sink.source.name}: ${found.why}`,
        file: sink.ctx.rule.source.path,
        loc: m.origin,
        target: "falco",
      });
  }
  if (names.length > 1 && names.some((n) => isListField(n) || FALCO.brokenFields.has(n)))
    throw new DiagnosticError({
      severity: "error",
      code: "UNSUPPORTED_FIELD_MAPPING",
      message: `${field} maps to ${names.join(", ")}: a one-to-many mapping needs scalar fields in Falco`,
      file: sink.ctx.rule.source.path,
      loc: m.origin,
      target: "falco",
    });
  return names[0]!;
}

export const withTest = (m: MatchExpr, test: Test): MatchExpr => ({ ...m, test });
