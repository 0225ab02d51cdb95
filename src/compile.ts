import { DiagnosticError, hasErrors, strictify, type Diagnostic } from "./diagnostics.js";
import { and, stampFile, type Expr } from "./ir.js";
import { loadBackend } from "./backends/load.js";
import type {
  Backend,
  BackendContext,
  CompileOptions,
  DataNote,
  Deviation,
  Lowered,
  SeenEvent,
} from "./backends/types.js";
import { compileDetection } from "./sigma/normalize.js";
import type { SigmaFilter, SigmaRule } from "./sigma/rule.js";
import { mappingDiagnostics } from "./pipelines/apply.js";
import { placeholdersFor, resolveMapping } from "./pipelines/resolve.js";
import { applyValueMaps } from "./pipelines/value-maps.js";
import type { Pipeline } from "./pipelines/types.js";
import { loadTarget } from "./targets/load.js";
import type { TargetName } from "./targets/types.js";
import { targetOptionProblems } from "./backends/options.js";
import { locOfKey } from "./rule-locations.js";

/** A rule turned into IR, with the site filters that apply to it already folded in. */
export interface RuleIR {
  readonly rule: SigmaRule;
  readonly ir: Expr;
  readonly diagnostics: readonly Diagnostic[];
  /** The filters that were applied (for reports). */
  readonly filters: readonly SigmaFilter[];
  /** The user's processing pipelines (-p), applied after each target's default built-ins. */
  readonly pipelines?: readonly Pipeline[];
}

export interface CompileIROptions {
  readonly filters?: readonly SigmaFilter[];
  /** `|expand` values; the pipelines' placeholders for the rule's logsource come first. */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
  /** The user's processing pipelines (-p), in the order given. */
  readonly pipelines?: readonly Pipeline[];
}

function logsourceCompatible(rule: SigmaRule, filter: SigmaFilter): boolean {
  return (["product", "category", "service"] as const).every(
    (k) =>
      filter.logsource[k] === undefined ||
      filter.logsource[k]?.toLowerCase() === rule.logsource[k]?.toLowerCase(),
  );
}

/** Whether a filter names this rule, by id or by name. */
export function filterApplies(filter: SigmaFilter, rule: SigmaRule): boolean {
  return filter.rules.some((r) => r === rule.id || (rule.name !== undefined && r === rule.name));
}

/** Rule → IR; each applicable filter's condition is ANDed onto the rule's. */
export function compileRuleIR(rule: SigmaRule, options: CompileIROptions = {}): RuleIR {
  const diagnostics: Diagnostic[] = [];
  const pipelines = options.pipelines ?? [];
  const fromPipelines = placeholdersFor(rule.logsource, pipelines);
  const placeholders =
    Object.keys(fromPipelines).length > 0
      ? { ...fromPipelines, ...options.placeholders }
      : options.placeholders;
  const base = compileDetection({
    source: rule.source,
    detection: rule.detection,
    conditions: rule.conditions,
    ...(placeholders ? { placeholders } : {}),
  });
  diagnostics.push(...base.diagnostics);
  const applied: SigmaFilter[] = [];
  const exclusions: Expr[] = [];
  for (const filter of options.filters ?? []) {
    if (!filterApplies(filter, rule)) continue;
    if (!logsourceCompatible(rule, filter)) {
      diagnostics.push({
        severity: "warning",
        code: "FILTER_LOGSOURCE_MISMATCH",
        message: `filter '${filter.title}' names this rule but its logsource differs; not applied`,
        file: filter.source.path,
      });
      continue;
    }
    const compiled = compileDetection({
      source: filter.source,
      detection: filter.detection,
      conditions: filter.conditions,
      ...(placeholders ? { placeholders } : {}),
    });
    diagnostics.push(...compiled.diagnostics);
    applied.push(filter);
    exclusions.push(stampFile(compiled.ir, filter.source.path));
  }
  // pySigma and the filter documentation: the filter's condition is ANDed onto the rule's; an
  // exclusion is written in the filter itself as `condition: not selection`.
  const ir = exclusions.length ? and([base.ir, ...exclusions]) : base.ir;
  return { rule, ir, diagnostics, filters: applied, pipelines };
}

/** A diagnostic at a predicate that came from another file (a site filter) names that file. */
function inItsFile(d: Diagnostic): Diagnostic {
  return d.loc?.file !== undefined && d.loc.file !== d.file ? { ...d, file: d.loc.file } : d;
}

export interface TargetOutput {
  readonly target: TargetName;
  readonly format: string;
  /** The query text (KQL, SPL, Falco condition, JS expression). */
  readonly query: string;
  /** The deployable artifact in the requested format. */
  readonly artifact: string;
  /** The IR the target says exactly (Sigma field names). */
  readonly effective: Expr;
  /** The predicates of the rule's IR the target says differently, each with its effect. */
  readonly deviations: readonly Deviation[];
  /** What the target's data holds of a raw event, in Sigma field names (the backend's claim). */
  readonly seen: SeenEvent;
  /** The target-wide data notes (what no rule's data can show there). */
  readonly dataNotes: readonly DataNote[];
  readonly diagnostics: readonly Diagnostic[];
  /** The pipelines whose items applied, in order (empty: the logsource is not mapped). */
  readonly pipelines: readonly string[];
  /**
   * The events the output applies to, as Sigma IR on the raw event, when the pipelines state it
   * (Sysmon process creation: Channel and EventID). The js module checks it; the other targets
   * say the same with their own scope clause.
   */
  readonly scope?: Expr;
}

export interface TargetCompileOptions extends CompileOptions {
  readonly format?: string;
  /** Overrides the rule IR's pipelines (the user's -p list). */
  readonly pipelines?: readonly Pipeline[];
}

/**
 * A rule's IR lowered by a backend through its resolved mapping: predicates on value-mapped
 * fields said in the target's stored values first (value-maps.ts), and the mapping's own
 * diagnostics placed on the rule's predicates beside the backend's. One rule or a correlation's
 * base rule alike.
 */
export function lowerMapped(
  backend: Pick<Backend, "lower">,
  ir: Expr,
  ctx: BackendContext,
  target: TargetName,
): Lowered {
  const file = ctx.rule.source.path;
  const lowered = backend.lower(applyValueMaps(ir, ctx.mapping, target, file), ctx);
  return {
    ...lowered,
    diagnostics: [...mappingDiagnostics(ir, ctx.mapping, target, file), ...lowered.diagnostics],
  };
}

/**
 * One rule for one target. Never throws for a rule problem: errors come back as diagnostics, and
 * then `query` and `artifact` are empty. A rule whose first step (compileRuleIR) has errors is not
 * compiled at all: its errors come back, and nothing else. Target options are checked against the
 * target's declared keys and types (src/backends/options.ts) before anything is compiled.
 */
export async function compileForTarget(
  ruleIR: RuleIR,
  target: TargetName,
  options: TargetCompileOptions = {},
): Promise<TargetOutput> {
  const config = loadTarget(target);
  const backend = await loadBackend(target);
  const format = options.format ?? config.defaultFormat;
  const rule = ruleIR.rule;
  const diagnostics: Diagnostic[] = [];
  const mapping = resolveMapping(rule.logsource, target, options.pipelines ?? ruleIR.pipelines);
  const provenance = {
    pipelines: mapping?.pipelines ?? [],
    ...(mapping?.events ? { scope: mapping.events } : {}),
  };
  const empty = (extra: readonly Diagnostic[]): TargetOutput => ({
    target,
    format,
    query: "",
    artifact: "",
    effective: ruleIR.ir,
    deviations: [],
    seen: (raw) => raw,
    dataNotes: backend.dataNotes,
    diagnostics: [...diagnostics, ...extra],
    ...provenance,
  });
  const ruleErrors = ruleIR.diagnostics.filter((d) => d.severity === "error");
  if (ruleErrors.length > 0) return empty(ruleErrors);
  const optionErrors = targetOptionProblems(target, options.targetOptions ?? {});
  if (optionErrors.length > 0)
    return empty(
      optionErrors.map((p) => ({
        severity: "error" as const,
        code: p.code,
        message: p.message,
        file: rule.source.path,
        target,
      })),
    );
  if (!config.formats.includes(format)) {
    return empty([
      {
        severity: "error",
        code: "UNKNOWN_FORMAT",
        message: `target ${target} has no format '${format}' (formats: ${config.formats.join(", ")})`,
        file: rule.source.path,
        target,
      },
    ]);
  }
  if (mapping === undefined) {
    const refused = backend.unknownLogsource === "error";
    const unknown: Diagnostic = {
      severity: refused ? "error" : "warning",
      code: "UNKNOWN_LOGSOURCE",
      message: refused
        ? `no processing pipeline of target ${target} knows logsource ${JSON.stringify(rule.logsource)}; ${target} cannot read its events (names passed through would not load), so nothing is written (sigprism pipelines lists the built-ins; -p adds your own)`
        : `no processing pipeline of target ${target} knows logsource ${JSON.stringify(rule.logsource)}; field names pass through unchanged and no scope is added (sigprism pipelines lists the built-ins; -p adds your own)`,
      file: rule.source.path,
      loc: locOfKey(rule, "logsource"),
      target,
    };
    if (refused) return empty([unknown]);
    diagnostics.push(unknown);
  }
  const ctx: BackendContext = { rule, config, mapping, options, format };
  try {
    const lowered = lowerMapped(backend, ruleIR.ir, ctx, target);
    const placed = lowered.diagnostics.map(inItsFile);
    const loweredDiagnostics = options.strict ? strictify(placed) : placed;
    diagnostics.push(...loweredDiagnostics);
    if (hasErrors(loweredDiagnostics)) return empty([]);
    const query = backend.query(lowered.effective, ctx);
    const formatDiagnostics = backend.artifactDiagnostics?.(format, ctx) ?? [];
    diagnostics.push(...formatDiagnostics);
    if (hasErrors(formatDiagnostics)) return empty([]);
    const artifact = await backend.artifact(format, query, lowered.effective, ctx);
    return {
      target,
      format,
      query,
      artifact,
      effective: lowered.effective,
      deviations: lowered.deviations,
      seen: backend.seen(ctx),
      dataNotes: backend.dataNotes,
      diagnostics,
      ...provenance,
    };
  } catch (e) {
    if (e instanceof DiagnosticError) return empty([inItsFile(e.diagnostic)]);
    throw e;
  }
}
