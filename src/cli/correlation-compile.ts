import { compileCorrelationIR } from "../compile-correlation.js";
import type { Diagnostic } from "../diagnostics.js";
import type { Pipeline } from "../pipelines/types.js";
import type { RuleSet } from "../rule-set.js";
import type { CorrelationIR } from "../sigma/correlation-ir.js";
import type { SigmaFilter } from "../sigma/rule.js";

/**
 * The CLI's side of compiling a rule set's correlations (convert, scan, verify, npm start); kept
 * apart from the proof so that convert loads no interpreter.
 */

export interface CompiledCorrelations {
  readonly irs: readonly CorrelationIR[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The IR of every correlation of a rule set; a correlation with errors is left out (and reported). */
export function compileCorrelations(
  set: RuleSet,
  filters: readonly SigmaFilter[],
  timeField?: string,
  pipelines: readonly Pipeline[] = [],
): CompiledCorrelations {
  const diagnostics: Diagnostic[] = [];
  const irs: CorrelationIR[] = [];
  for (const c of set.correlations) {
    const r = compileCorrelationIR(c, {
      filters,
      pipelines,
      ...(timeField === undefined ? {} : { timeField }),
    });
    // A base rule's own diagnostics are reported with the rule itself.
    diagnostics.push(...r.diagnostics.filter((d) => d.code.startsWith("CORRELATION_")));
    if (r.ir !== undefined) irs.push(r.ir);
  }
  return { irs, diagnostics };
}
