import type { Diagnostic } from "../diagnostics.js";
import type { Construct } from "./constructs.js";
import type { Expr } from "../ir.js";
import type { SigmaRule } from "../sigma/rule.js";
import type { ResolvedMapping } from "../pipelines/types.js";
import type { TargetConfig, TargetName } from "../targets/types.js";

/** How one IR construct fares in a target (the capability matrix). */
export type Capability = "exact" | "encoded" | "deviation" | "unsupported";

export interface CapabilityEntry {
  readonly construct: Construct;
  readonly capability: Capability;
  /** One line: how it is encoded, or what the deviation is. */
  readonly how: string;
}

export interface CompileOptions {
  /** Turn every declared deviation into an error. */
  readonly strict?: boolean;
  /** Target option overrides from the CLI (`--option key=value`), e.g. falco minimum version. */
  readonly targetOptions?: Readonly<Record<string, string>>;
}

/**
 * Everything a backend needs for one rule. `mapping` is what the processing pipelines say about
 * the rule's logsource in this target (src/pipelines); undefined when no pipeline knows it:
 * fields then pass through unchanged (a warning has been issued).
 */
export interface BackendContext {
  readonly rule: SigmaRule;
  readonly config: TargetConfig;
  readonly mapping: ResolvedMapping | undefined;
  readonly options: CompileOptions;
  /** The output format asked for; a target whose languages differ by format reads it (Elastic). */
  readonly format?: string;
}

/**
 * A predicate the target says differently, declared where it happens. `node` is a node of the IR
 * given to `lower` (compared by identity), `effective` is what the target does there instead, in
 * Sigma IR over the seen event, and `codes` are the fidelity diagnostics at `node`'s origin that
 * say so. The parity runner's expectation is the reference evaluator on the rule's IR with exactly
 * these nodes replaced: a change of meaning anywhere else is a failure, whatever the diagnostics.
 */
export interface Deviation {
  readonly node: Expr;
  readonly effective: Expr;
  readonly codes: readonly string[];
}

export interface Lowered {
  /** The IR the target says exactly, still in Sigma field names. */
  readonly effective: Expr;
  /** The declared per-predicate deviations (the only changes of meaning the effective IR may hold). */
  readonly deviations: readonly Deviation[];
  /** Fidelity diagnostics (deviations and data notes) and errors (unsupported constructs). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * What the target's data holds for a raw event, in Sigma field names: the backend's claim about
 * its target's ingestion (Elastic drops empty values, k8saudit renders JSON null as "null"…),
 * declared as data notes. null: the target never stores the event. The independent view in
 * src/verify checks this claim, since the interpreter reads the view's document.
 */
export type SeenEvent = (raw: unknown) => unknown;

/**
 * A fact about what the target stores that holds for every rule (the event source drops records,
 * keyword values past ignore_above are not indexed): said once for the target, not per rule.
 */
export interface DataNote {
  readonly code: string;
  readonly message: string;
}

/** One of several query languages a target offers, chosen by the output format. */
export interface TargetLanguage {
  readonly name: string;
  /** The formats that select it; the first is its query text. */
  readonly formats: readonly string[];
  readonly capabilities: readonly CapabilityEntry[];
  /** When to choose it (one paragraph, shown by `sigprism targets -t <target>`). */
  readonly when: string;
}

export interface Backend {
  readonly name: TargetName;
  /**
   * "error": a rule whose logsource no pipeline maps is refused (UNKNOWN_LOGSOURCE), because the
   * target cannot load names passed through (Falco). Default: a warning, names pass through.
   */
  readonly unknownLogsource?: "error" | "warning";
  readonly capabilities: readonly CapabilityEntry[];
  /** What the target's data cannot show, for every rule (the seen event states it exactly). */
  readonly dataNotes: readonly DataNote[];
  /** A target with several query languages (Elastic: KQL, EQL, ES|QL) lists them. */
  readonly languages?: readonly TargetLanguage[];
  /** Step 1: rewrite the IR into what this target can say exactly, declaring each change. */
  lower(ir: Expr, ctx: BackendContext): Lowered;
  /** The seen event for this rule's logsource (see SeenEvent). */
  seen(ctx: BackendContext): SeenEvent;
  /** Step 2: print the effective IR as query text (field names mapped through ctx.mapping). */
  query(effective: Expr, ctx: BackendContext): string;
  /**
   * Several rules' artifacts of one format as one, where the format is a single file (Falco's
   * falco.yaml snippet); undefined: the artifacts are written one after the other.
   */
  combine?(format: string, artifacts: readonly string[]): string | undefined;
  /** Step 3: wrap the query into a deployable artifact of the given format (async for prettier). */
  artifact(
    format: string,
    query: string,
    effective: Expr,
    ctx: BackendContext,
  ): string | Promise<string>;
  /**
   * What a format has to say about the rule beyond its query (ATT&CK tags a Kibana rule cannot
   * map): warnings, or an error that refuses the artifact. Absent: nothing to say.
   */
  artifactDiagnostics?(format: string, ctx: BackendContext): readonly Diagnostic[];
}
