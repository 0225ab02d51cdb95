import type { Diagnostic } from "../diagnostics.js";
import type { Expr } from "../ir.js";
import { locate } from "../source.js";
import {
  COUNT_TYPES,
  type CountTest,
  type CountType,
  type SigmaCorrelation,
} from "./correlation.js";
import type { ResolvedCorrelation } from "./correlation-resolve.js";
import { timeFieldFor } from "./correlation-time.js";
import type { SigmaRule } from "./rule.js";

/**
 * The meaning of a correlation as data: what the reference correlator evaluates and what every
 * backend translates. Base rules are their IR (filters already folded in); referenced
 * correlations are nested CorrelationIRs.
 */

/**
 * How a target cuts time into windows. `sliding`: the specification's meaning, a window ending at
 * every event. `fixed`: windows of the timespan aligned to the epoch (Splunk's `bin`), a declared
 * degradation.
 */
export type WindowKind = "sliding" | "fixed";

/**
 * Which chains of a temporal_ordered correlation match. `every`: the specification's meaning, a
 * match at every event of the last rule that ends a chain of strictly increasing times.
 * `consume`: a target's effective meaning (EQL sequences): events are taken in time order, ties
 * in arrival order; an event of rule i+1 extends the latest pending chain ending before it and
 * discards every older pending chain at rule i, so each event takes part in at most one chain.
 */
export type ChainKind = "every" | "consume";

export type CorrelationStep =
  | {
      readonly kind: "rule";
      /** The reference as written in the correlation. */
      readonly ref: string;
      readonly rule: SigmaRule;
      readonly ir: Expr;
      readonly groupFields: readonly string[];
      readonly valueField?: string;
    }
  | {
      readonly kind: "correlation";
      readonly ref: string;
      readonly inner: CorrelationIR;
      /** Group-by names of the inner correlation. */
      readonly groupFields: readonly string[];
      readonly valueField?: string;
    };

export interface CorrelationIR {
  readonly correlation: SigmaCorrelation;
  readonly type: CountType;
  readonly timespanUs: number;
  /** Never empty: a temporal correlation without a condition asks for every rule. */
  readonly condition: readonly Pick<CountTest, "op" | "value">[];
  readonly groupBy: readonly string[];
  readonly steps: readonly CorrelationStep[];
  /** The event field every base rule of the whole tree reads its time from. */
  readonly timeField: string;
  readonly window: WindowKind;
  /** temporal_ordered: which chains match (absent: `every`). */
  readonly chains?: ChainKind;
}

export interface CorrelationIROptions {
  /** A time field for every base rule, whatever its log source (`--option time-field=…`). */
  readonly timeField?: string;
}

/** The base rules of a correlation tree, each once, in the order they are first named. */
export function baseRules(
  ir: CorrelationIR,
  into: Map<SigmaRule, Expr> = new Map(),
): Map<SigmaRule, Expr> {
  for (const s of ir.steps) {
    if (s.kind === "rule") {
      if (!into.has(s.rule)) into.set(s.rule, s.ir);
    } else baseRules(s.inner, into);
  }
  return into;
}

/** Rebuild a tree with other base-rule IRs and window (a target's effective correlation). */
export function mapCorrelation(
  ir: CorrelationIR,
  window: WindowKind,
  irOf: (rule: SigmaRule, ir: Expr) => Expr,
): CorrelationIR {
  return {
    ...ir,
    window,
    steps: ir.steps.map((s) =>
      s.kind === "rule"
        ? { ...s, ir: irOf(s.rule, s.ir) }
        : { ...s, inner: mapCorrelation(s.inner, window, irOf) },
    ),
  };
}

export function buildCorrelationIR(
  resolved: ResolvedCorrelation,
  irOf: (rule: SigmaRule) => Expr | undefined,
  options: CorrelationIROptions = {},
): { ir?: CorrelationIR; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const timeFields = new Map<string, SigmaRule>();
  const ir = build(resolved, irOf, options, diagnostics, timeFields);
  if (ir === undefined || diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  if (timeFields.size > 1) {
    const c = resolved.correlation;
    diagnostics.push({
      severity: "error",
      code: "CORRELATION_MIXED_TIME_FIELDS",
      message: `the rules of this correlation read their time from different fields (${[...timeFields].map(([f, r]) => `${f} for '${r.title}'`).join(", ")}); name one with the time-field option`,
      file: c.source.path,
      loc: locate(c.source, c.at.start, c.at.end - c.at.start),
    });
    return { diagnostics };
  }
  return { ir, diagnostics };
}

function build(
  resolved: ResolvedCorrelation,
  irOf: (rule: SigmaRule) => Expr | undefined,
  options: CorrelationIROptions,
  diagnostics: Diagnostic[],
  timeFields: Map<string, SigmaRule>,
): CorrelationIR | undefined {
  const c = resolved.correlation;
  const at = (span: { start: number; end: number }): Diagnostic["loc"] =>
    locate(c.source, span.start, span.end - span.start);
  if (!(COUNT_TYPES as readonly string[]).includes(c.type)) {
    diagnostics.push({
      severity: "error",
      code: "CORRELATION_TYPE_UNSUPPORTED",
      message: `${c.type} correlations are not compiled yet (event_count, value_count, temporal and temporal_ordered are)`,
      file: c.source.path,
      loc: at(c.typeAt),
    });
    return undefined;
  }
  const steps: CorrelationStep[] = [];
  for (const r of resolved.refs) {
    const common = {
      ref: r.ref.text,
      groupFields: r.groupFields,
      ...(r.valueField === undefined ? {} : { valueField: r.valueField }),
    };
    if (r.target.kind === "correlation") {
      const inner = build(r.target.correlation, irOf, options, diagnostics, timeFields);
      if (inner !== undefined) steps.push({ kind: "correlation", inner, ...common });
      continue;
    }
    const rule = r.target.rule;
    const ir = irOf(rule);
    const field = options.timeField ?? timeFieldFor(rule.logsource);
    if (field === undefined) {
      diagnostics.push({
        severity: "error",
        code: "CORRELATION_NO_TIME_FIELD",
        message: `sigprism knows no time field for the log source of rule '${rule.title}' (${JSON.stringify(rule.logsource)}); name it with the time-field option`,
        file: c.source.path,
        loc: at(r.ref.at),
      });
      continue;
    }
    if (!timeFields.has(field)) timeFields.set(field, rule);
    if (ir !== undefined) steps.push({ kind: "rule", rule, ir, ...common });
    else
      diagnostics.push({
        severity: "error",
        code: "CORRELATION_REFERENCE_INVALID",
        message: `rule '${rule.title}' has errors (reported at its own position)`,
        file: c.source.path,
        loc: at(r.ref.at),
      });
  }
  if (steps.length !== resolved.refs.length) return undefined;
  const type = c.type as CountType;
  const condition =
    c.condition.length > 0 ? c.condition : [{ op: "gte" as const, value: steps.length }];
  return {
    correlation: c,
    type,
    timespanUs: c.timespan.us,
    condition,
    groupBy: resolved.groupBy,
    steps,
    timeField: [...timeFields.keys()][0] ?? options.timeField ?? "",
    window: "sliding",
  };
}
