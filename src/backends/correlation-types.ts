import type { Diagnostic } from "../diagnostics.js";
import type { Expr } from "../ir.js";
import type { ChainKind, CorrelationIR, WindowKind } from "../sigma/correlation-ir.js";
import type { SigmaRule } from "../sigma/rule.js";
import type { TargetConfig, TargetName } from "../targets/types.js";
import type { BackendContext, CompileOptions, DataNote, Deviation, SeenEvent } from "./types.js";

/** A base rule of a correlation, lowered for the target the way a stand-alone rule is. */
export interface LoweredBase {
  readonly rule: SigmaRule;
  readonly effective: Expr;
  /** The predicates of the rule's IR the target says differently (see Deviation). */
  readonly deviations: readonly Deviation[];
  readonly ctx: BackendContext;
}

export interface CorrelationContext {
  readonly ir: CorrelationIR;
  readonly target: TargetName;
  readonly config: TargetConfig;
  readonly options: CompileOptions;
  /** Every base rule of the correlation tree, lowered. */
  readonly base: ReadonlyMap<SigmaRule, LoweredBase>;
  /** What the target's data holds of a raw event (the base rules' claims, by logsource). */
  readonly seen: SeenEvent;
}

export interface CorrelationEmitted {
  /** The search (SPL pipeline, JS module…) that the artifact deploys. */
  readonly query: string;
  readonly artifact: string;
  /** How the emitted text cuts time into windows; `fixed` comes with a fidelity diagnostic. */
  readonly window: WindowKind;
  /** temporal_ordered: which chains the emitted text matches (absent: every chain, Sigma's). */
  readonly chains?: ChainKind;
  /**
   * For a streaming target, the reorder horizon (µs) of the correlator: events that arrive
   * later than this behind a newer one are not correlated.
   */
  readonly lateness?: number;
  /** What the correlation reads of a raw event, when it reads less than its base rules (the claim). */
  readonly seen?: SeenEvent;
  /** What the correlation's data cannot show, beyond the base rules' data notes. */
  readonly dataNotes?: readonly DataNote[];
  readonly diagnostics: readonly Diagnostic[];
}

/** A target's translation of correlations; a target that cannot say them throws a coded error. */
export interface CorrelationBackend {
  readonly formats: readonly string[];
  /**
   * The format the base rules are lowered in, when a target's rule language depends on it
   * (Elastic: EQL for a sequence, ES|QL for a count); absent: the rules' default.
   */
  baseFormat?(ir: CorrelationIR, format: string): string;
  emit(ctx: CorrelationContext, format: string): Promise<CorrelationEmitted>;
}
