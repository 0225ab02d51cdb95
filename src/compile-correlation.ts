import { loadBackend } from "./backends/load.js";
import { loadCorrelationBackend } from "./backends/correlation-registry.js";
import type { LoweredBase } from "./backends/correlation-types.js";
import type { Backend, BackendContext, DataNote, Deviation, SeenEvent } from "./backends/types.js";
import {
  compileRuleIR,
  lowerMapped,
  type CompileIROptions,
  type TargetCompileOptions,
} from "./compile.js";
import type { Expr } from "./ir.js";
import { DiagnosticError, hasErrors, strictify, type Diagnostic } from "./diagnostics.js";
import type { ResolvedCorrelation } from "./sigma/correlation-resolve.js";
import {
  baseRules,
  buildCorrelationIR,
  type ChainKind,
  type CorrelationIR,
  type WindowKind,
} from "./sigma/correlation-ir.js";
import { inLogsource } from "./sigma/logsource-membership.js";
import type { SigmaRule } from "./sigma/rule.js";
import { locate } from "./source.js";
import { resolveMapping } from "./pipelines/resolve.js";
import { loadTarget } from "./targets/load.js";
import type { TargetName } from "./targets/types.js";

/** Correlations through the same stages as rules: resolved document → IR → target text. */

export interface CorrelationIROptions extends CompileIROptions {
  /** The event field every base rule reads its time from, whatever its log source. */
  readonly timeField?: string;
}

/** The correlation's IR, its base rules compiled as stand-alone rules are (filters folded in). */
export function compileCorrelationIR(
  resolved: ResolvedCorrelation,
  options: CorrelationIROptions = {},
): { ir?: CorrelationIR; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const cache = new Map<SigmaRule, ReturnType<typeof compileRuleIR>>();
  const irOf = (rule: SigmaRule): Expr | undefined => {
    let compiled = cache.get(rule);
    if (compiled === undefined) {
      compiled = compileRuleIR(rule, options);
      cache.set(rule, compiled);
      diagnostics.push(...compiled.diagnostics);
    }
    return hasErrors(compiled.diagnostics) ? undefined : compiled.ir;
  };
  const built = buildCorrelationIR(resolved, irOf, {
    ...(options.timeField === undefined ? {} : { timeField: options.timeField }),
  });
  diagnostics.push(...built.diagnostics);
  return built.ir === undefined ? { diagnostics } : { ir: built.ir, diagnostics };
}

export interface CorrelationOutput {
  readonly target: TargetName;
  readonly format: string;
  readonly query: string;
  readonly artifact: string;
  /** How the emitted text cuts time (`fixed` comes with a FIDELITY_FIXED_WINDOW warning). */
  readonly window: WindowKind;
  /** temporal_ordered: which chains the text matches (absent: every chain, Sigma's meaning). */
  readonly chains?: ChainKind;
  /** Each base rule's declared deviations (the only changes of its meaning the target makes). */
  readonly deviations: ReadonlyMap<SigmaRule, readonly Deviation[]>;
  /** A streaming target's reorder horizon (µs). */
  readonly lateness?: number;
  /** What the target's data holds of a raw event, in Sigma field names (the backend's claim). */
  readonly seen: SeenEvent;
  /** What no correlation's data can show there (the base rules' target and the correlation's own). */
  readonly dataNotes: readonly DataNote[];
  readonly diagnostics: readonly Diagnostic[];
}

/** One correlation for one target. Never throws for a rule problem: errors come back as diagnostics. */
export async function compileCorrelationForTarget(
  ir: CorrelationIR,
  target: TargetName,
  options: TargetCompileOptions = {},
): Promise<CorrelationOutput> {
  const config = loadTarget(target);
  const backend = await loadCorrelationBackend(target);
  const ruleBackend = await loadBackend(target);
  const format = options.format ?? backend.formats[0] ?? config.defaultFormat;
  const c = ir.correlation;
  const diagnostics: Diagnostic[] = [];
  const failed = (extra: readonly Diagnostic[]): CorrelationOutput => ({
    target,
    format,
    query: "",
    artifact: "",
    window: "sliding",
    deviations: new Map(),
    seen: (raw) => raw,
    dataNotes: [],
    diagnostics: [...diagnostics, ...extra],
  });
  try {
    const base = new Map<SigmaRule, LoweredBase>();
    if (backend.formats.length > 0) {
      if (!backend.formats.includes(format)) {
        return failed([
          {
            severity: "error",
            code: "UNKNOWN_FORMAT",
            message: `target ${target} has no format '${format}' for correlations (formats: ${backend.formats.join(", ")})`,
            file: c.source.path,
            loc: locate(c.source, c.at.start, c.at.end - c.at.start),
            target,
          },
        ]);
      }
      const baseFormat = backend.baseFormat?.(ir, format);
      for (const [rule, ruleIR] of baseRules(ir)) {
        // A rule step reads its fields through the same pipelines as the rule on its own.
        const mapping = resolveMapping(rule.logsource, target, options.pipelines);
        if (mapping === undefined)
          diagnostics.push({
            severity: "warning",
            code: "UNKNOWN_LOGSOURCE",
            message: `no processing pipeline of target ${target} knows logsource ${JSON.stringify(rule.logsource)}; field names pass through unchanged and no scope is added`,
            file: rule.source.path,
            target,
          });
        const ctx: BackendContext = {
          rule,
          config,
          mapping,
          options,
          ...(baseFormat === undefined ? {} : { format: baseFormat }),
        };
        const lowered = lowerMapped(ruleBackend, ruleIR, ctx, target);
        diagnostics.push(
          ...(options.strict ? strictify(lowered.diagnostics) : lowered.diagnostics),
        );
        base.set(rule, { rule, effective: lowered.effective, deviations: lowered.deviations, ctx });
      }
      if (hasErrors(diagnostics)) return failed([]);
    }
    const seen = baseSeen(ruleBackend, [...base.values()]);
    const emitted = await backend.emit({ ir, target, config, options, base, seen }, format);
    const own = options.strict ? strictify(emitted.diagnostics) : emitted.diagnostics;
    diagnostics.push(...own);
    if (hasErrors(own)) return failed([]);
    return {
      target,
      format,
      query: emitted.query,
      artifact: emitted.artifact,
      window: emitted.window,
      ...(emitted.chains === undefined ? {} : { chains: emitted.chains }),
      deviations: new Map([...base].map(([rule, b]) => [rule, b.deviations])),
      ...(emitted.lateness === undefined ? {} : { lateness: emitted.lateness }),
      seen: emitted.seen ?? seen,
      dataNotes: [...ruleBackend.dataNotes, ...(emitted.dataNotes ?? [])],
      diagnostics,
    };
  } catch (e) {
    if (e instanceof DiagnosticError) return failed([e.diagnostic]);
    throw e;
  }
}

/**
 * The seen event of a correlation's events: each raw event as the target's data holds it for the
 * first base rule whose logsource it belongs to (the base rules' own claims).
 */
function baseSeen(backend: Backend, bases: readonly LoweredBase[]): SeenEvent {
  const claims = bases.map((b) => ({ logsource: b.rule.logsource, seen: backend.seen(b.ctx) }));
  return (raw) => {
    const claim = claims.find((c) => inLogsource(c.logsource, raw));
    return claim === undefined ? raw : claim.seen(raw);
  };
}
