import { DiagnosticError } from "../diagnostics.js";
import { locate } from "../source.js";
import type { TargetName } from "../targets/types.js";
import type { CorrelationBackend, CorrelationContext } from "./correlation-types.js";

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

/**
 * A total record: adding a target name fails to compile until it says what it does here. Each
 * translation is imported when a compile first asks for it (as src/backends/load.ts does for
 * rules), so converting for one target does not load the others.
 */
const LOADERS: Readonly<Record<TargetName, () => Promise<CorrelationBackend>>> = {
  elastic: async () => (await import("./elastic/correlation/index.js")).elasticCorrelationBackend,
  splunk: async () => (await import("./splunk/correlation.js")).splunkCorrelationBackend,
  falco: () =>
    Promise.resolve(
      refusing(
        "falco",
        "Falco rules match single events: Falco has no counting, grouping or sequence operator for a correlation",
      ),
    ),
  js: async () => (await import("./js/correlation.js")).jsCorrelationBackend,
  sql: async () => (await import("./sql/correlation.js")).sqlCorrelationBackend,
};

const loaded = new Map<TargetName, Promise<CorrelationBackend>>();

export function loadCorrelationBackend(target: TargetName): Promise<CorrelationBackend> {
  let backend = loaded.get(target);
  if (backend === undefined) {
    backend = LOADERS[target]();
    loaded.set(target, backend);
  }
  return backend;
}
