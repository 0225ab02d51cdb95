import { DiagnosticError } from "../diagnostics.js";
import { locate } from "../source.js";
import type { TargetName } from "../targets/types.js";
import type { CorrelationBackend, CorrelationContext } from "./correlation-types.js";
import { jsCorrelationBackend } from "./js/correlation.js";
import { splunkCorrelationBackend } from "./splunk/correlation.js";
import { sqlCorrelationBackend } from "./sql/correlation.js";

/** A target that has no way to say a correlation: a coded error at the correlation, never output. */
function refusing(target: TargetName, why: string): CorrelationBackend {
  return {
    formats: [],
    emit(ctx: CorrelationContext): Promise<never> {
      const c = ctx.ir.correlation;
      throw new DiagnosticError({
        severity: "error",
        code: "CORRELATION_UNSUPPORTED",
        message: why,
        file: c.source.path,
        loc: locate(c.source, c.at.start, c.at.end - c.at.start),
        target,
      });
    },
  };
}

/** A total record: adding a target name fails to compile until it says what it does here. */
const CORRELATION_BACKENDS: Readonly<Record<TargetName, CorrelationBackend>> = {
  elastic: refusing(
    "elastic",
    "KQL matches single documents; Elastic correlations need EQL sequences or ES|QL aggregations, which this build does not emit",
  ),
  splunk: splunkCorrelationBackend,
  falco: refusing(
    "falco",
    "Falco rules match single events: Falco has no counting, grouping or sequence operator for a correlation",
  ),
  js: jsCorrelationBackend,
  sql: sqlCorrelationBackend,
};

export function correlationBackendFor(target: TargetName): CorrelationBackend {
  return CORRELATION_BACKENDS[target];
}
