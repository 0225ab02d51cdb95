import type { Diagnostic } from "../diagnostics.js";
import type { Construct } from "./constructs.js";
import type { Expr } from "../ir.js";
import type { SigmaRule } from "../sigma/rule.js";
import type { LogsourceMapping, TargetConfig, TargetName } from "../targets/types.js";

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
 * Everything a backend needs for one rule. `mapping` is undefined when the target does not know
 * the rule's logsource: fields then pass through unchanged (a warning has been issued).
 */
export interface BackendContext {
  readonly rule: SigmaRule;
  readonly config: TargetConfig;
  readonly mapping: LogsourceMapping | undefined;
  readonly options: CompileOptions;
}

export interface Lowered {
  /** The IR the target says exactly, still in Sigma field names. */
  readonly effective: Expr;
  /** Fidelity diagnostics (declared deviations) and errors (unsupported constructs). */
  readonly diagnostics: readonly Diagnostic[];
}

export interface Backend {
  readonly name: TargetName;
  readonly capabilities: readonly CapabilityEntry[];
  /** Step 1: rewrite the IR into what this target can say exactly, declaring each change. */
  lower(ir: Expr, ctx: BackendContext): Lowered;
  /** Step 2: print the effective IR as query text (field names mapped through ctx.mapping). */
  query(effective: Expr, ctx: BackendContext): string;
  /** Step 3: wrap the query into a deployable artifact of the given format (async for prettier). */
  artifact(
    format: string,
    query: string,
    effective: Expr,
    ctx: BackendContext,
  ): string | Promise<string>;
}
