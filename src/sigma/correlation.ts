import type { Span } from "./load-context.js";
import type { SpecMetadata } from "./load-metadata.js";
import type { Level, Status } from "./rule.js";
import type { SourceFile } from "../source.js";
import type { YMap } from "./yaml-tree.js";

/**
 * A Sigma correlation document (specification 2.1, "Sigma Correlation Rules"), as the loader
 * reads it from one file. References to other rules are still text here; correlation-resolve.ts
 * ties them to the documents of the whole rule set.
 */

/** The counting types sigprism evaluates, and the metric types it reads but compiles for no target. */
export const COUNT_TYPES = ["event_count", "value_count", "temporal", "temporal_ordered"] as const;
export const METRIC_TYPES = ["value_sum", "value_avg", "value_percentile"] as const;
export type CountType = (typeof COUNT_TYPES)[number];
export type MetricType = (typeof METRIC_TYPES)[number];
export type CorrelationType = CountType | MetricType;

export type CountOp = "gt" | "gte" | "lt" | "lte" | "eq" | "neq";
export const COUNT_OPS: readonly CountOp[] = ["gt", "gte", "lt", "lte", "eq", "neq"];

/** One comparison of the condition; several are ANDed (the specification's range example). */
export interface CountTest {
  readonly op: CountOp;
  readonly value: number;
  readonly at: Span;
}

/** A text from the document and where it stands. */
export interface Spanned {
  readonly text: string;
  readonly at: Span;
}

export interface AliasDefinition {
  readonly alias: Spanned;
  /** Rule reference (name or id) → the field name in the events that rule matches. */
  readonly fields: readonly { readonly rule: Spanned; readonly field: Spanned }[];
}

export interface Timespan {
  readonly text: string;
  /** The span in microseconds (audit timestamps carry microseconds). */
  readonly us: number;
  readonly at: Span;
}

export interface SigmaCorrelation {
  readonly kind: "correlation";
  readonly source: SourceFile;
  readonly node: YMap;
  readonly documentIndex: number;
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly status?: Status;
  readonly description?: string;
  readonly references: readonly string[];
  readonly author?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly tags: readonly string[];
  readonly level?: Level;
  readonly falsepositives: readonly string[];
  readonly custom: Readonly<Record<string, unknown>>;
  readonly meta: SpecMetadata;
  /** The `correlation` key: where diagnostics about the correlation as a whole point. */
  readonly at: Span;
  readonly type: CorrelationType;
  readonly typeAt: Span;
  readonly rules: readonly Spanned[];
  /** Field or alias names; an empty list means one group for every event. */
  readonly groupBy: readonly Spanned[];
  readonly timespan: Timespan;
  /** ANDed comparisons; empty when the document has no condition (temporal types only). */
  readonly condition: readonly CountTest[];
  /** The `condition` key, when there is one. */
  readonly conditionAt?: Span;
  /** `condition.field`: the field whose distinct values value_count counts. */
  readonly valueField?: Spanned;
  readonly aliases: readonly AliasDefinition[];
  /** Whether the referenced rules are also converted as stand-alone rules (default false). */
  readonly generate: boolean;
}

/** Whether a count satisfies every comparison of a condition. */
export function conditionHolds(
  tests: readonly Pick<CountTest, "op" | "value">[],
  n: number,
): boolean {
  for (const t of tests) {
    switch (t.op) {
      case "gt":
        if (!(n > t.value)) return false;
        break;
      case "gte":
        if (!(n >= t.value)) return false;
        break;
      case "lt":
        if (!(n < t.value)) return false;
        break;
      case "lte":
        if (!(n <= t.value)) return false;
        break;
      case "eq":
        if (n !== t.value) return false;
        break;
      case "neq":
        if (n === t.value) return false;
        break;
    }
  }
  return true;
}

/** The condition as a person reads it: `count >= 20`, `3 < count <= 10`. */
export function conditionText(tests: readonly Pick<CountTest, "op" | "value">[]): string {
  const SYMBOL: Readonly<Record<CountOp, string>> = {
    gt: ">",
    gte: ">=",
    lt: "<",
    lte: "<=",
    eq: "==",
    neq: "!=",
  };
  return tests.map((t) => `count ${SYMBOL[t.op]} ${t.value}`).join(" and ") || "always";
}

/**
 * The smallest N such that the condition holds for every count ≥ N and for no count < N, when
 * the condition is a lower bound (gt/gte only): a sliding window can then stop counting at N.
 */
export function lowerBound(tests: readonly Pick<CountTest, "op" | "value">[]): number | undefined {
  if (tests.length === 0 || tests.some((t) => t.op !== "gt" && t.op !== "gte")) return undefined;
  let n = 0;
  for (const t of tests)
    n = Math.max(n, t.op === "gt" ? Math.floor(t.value) + 1 : Math.ceil(t.value));
  return n;
}
