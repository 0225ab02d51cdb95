import type { Diagnostic } from "../../diagnostics.js";
import type { MatchExpr, Test } from "../../ir.js";
import type { BackendContext } from "../types.js";
import { falcoFieldName } from "./elements.js";

/** Where lowering collects its diagnostics, with the helpers every lowering step uses. */
export interface Sink {
  readonly ctx: BackendContext;
  readonly out: Diagnostic[];
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

export function falcoField(sink: Sink, m: MatchExpr, field: string): string {
  return falcoFieldName(sink.ctx, field, m.origin);
}

export const withTest = (m: MatchExpr, test: Test): MatchExpr => ({ ...m, test });
