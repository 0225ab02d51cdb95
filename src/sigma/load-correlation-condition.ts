import { suggest } from "../diagnostics.js";
import { describe, valueSpan, type LoadContext } from "./load-context.js";
import {
  COUNT_OPS,
  METRIC_TYPES,
  conditionHolds,
  type CorrelationType,
  type CountOp,
  type CountTest,
  type Spanned,
} from "./correlation.js";
import type { YEntry, YNode } from "./yaml-tree.js";

/**
 * The `condition` of a correlation: a mapping of comparisons (`gt gte lt lte eq neq`, ANDed), and
 * `field` for value_count and the metric types; checked against the correlation's type.
 */

/** A non-empty string scalar, or an error at it. */
export function spannedString(
  ctx: LoadContext,
  node: YNode,
  at: { start: number; end: number },
  what: string,
  code:
    | "CORRELATION_BAD_RULES"
    | "CORRELATION_BAD_GROUP_BY"
    | "CORRELATION_BAD_ALIAS"
    | "CORRELATION_BAD_CONDITION",
): Spanned | undefined {
  if (node.kind === "scalar" && typeof node.value === "string" && node.value.trim() !== "")
    return { text: node.value, at: node };
  ctx.error(code, at, `${what} must be a non-empty string, got ${describe(node)}`);
  return undefined;
}

export interface ConditionParts {
  readonly tests: CountTest[];
  readonly field?: Spanned;
}

export function readCondition(
  ctx: LoadContext,
  entry: YEntry,
  type: CorrelationType,
): ConditionParts | undefined {
  const node: YNode = entry.value;
  if (node.kind !== "map") {
    const extended =
      node.kind === "scalar" && typeof node.value === "string"
        ? "; a condition expression ('a and b') is a pySigma extension, not part of the specification"
        : "";
    ctx.error(
      "CORRELATION_BAD_CONDITION",
      valueSpan(entry),
      `'condition' must be a mapping such as 'gte: 10', got ${describe(node)}${extended}`,
    );
    return undefined;
  }
  const tests: CountTest[] = [];
  let field: Spanned | undefined;
  const before = ctx.errorCount;
  const metric = (METRIC_TYPES as readonly string[]).includes(type);
  for (const e of node.entries) {
    const key = e.key.text;
    if (key === "field") {
      if (type !== "value_count" && !metric) {
        ctx.error(
          "CORRELATION_BAD_CONDITION",
          e.key,
          `'field' belongs to value_count (and the metric types), not to ${type}`,
        );
        continue;
      }
      field = spannedString(ctx, e.value, valueSpan(e), "'field'", "CORRELATION_BAD_CONDITION");
      continue;
    }
    if (key === "percentile" && type === "value_percentile") continue;
    if (!(COUNT_OPS as readonly string[]).includes(key)) {
      const guess = suggest(key, [...COUNT_OPS, "field"]);
      ctx.error(
        "CORRELATION_BAD_CONDITION",
        e.key,
        `'${key}' is not a comparison (${COUNT_OPS.join(", ")})${guess ? ` — did you mean '${guess}'?` : ""}`,
      );
      continue;
    }
    const value = readCount(ctx, e, metric);
    if (value !== undefined) tests.push({ op: key as CountOp, value, at: e.key });
  }
  if (ctx.errorCount > before) return undefined;
  if (tests.length === 0) {
    ctx.error(
      "CORRELATION_BAD_CONDITION",
      entry.key,
      "'condition' has no comparison (gt, gte, lt, lte, eq or neq)",
    );
    return undefined;
  }
  if ((type === "value_count" || metric) && field === undefined) {
    ctx.error(
      "CORRELATION_BAD_CONDITION",
      entry.key,
      `a ${type} condition needs 'field': the field whose values it counts`,
    );
    return undefined;
  }
  return field === undefined ? { tests } : { tests, field };
}

/** Counts are whole numbers ≥ 0; the metric types compare sums and averages, so they take any number. */
function readCount(ctx: LoadContext, e: YEntry, metric: boolean): number | undefined {
  const n = e.value;
  const ok =
    n.kind === "scalar" &&
    typeof n.value === "number" &&
    Number.isFinite(n.value) &&
    (metric || (Number.isSafeInteger(n.value) && n.value >= 0));
  if (ok) return n.value as number;
  ctx.error(
    "CORRELATION_BAD_CONDITION",
    valueSpan(e),
    `'${e.key.text}' must be ${metric ? "a number" : "a whole number ≥ 0"}, got ${describe(n)}`,
  );
  return undefined;
}

/**
 * temporal counts the referenced rules seen in the window; a condition asking for more rules than
 * there are can never hold. temporal_ordered needs every rule in order: only a condition that
 * holds exactly at "all rules" has a meaning there.
 */
export function checkTemporalCondition(
  ctx: LoadContext,
  type: "temporal" | "temporal_ordered",
  ruleCount: number,
  tests: readonly CountTest[],
  entry: YEntry | undefined,
): void {
  if (entry === undefined || tests.length === 0) return;
  const holds = (n: number): boolean => conditionHolds(tests, n);
  const counts = Array.from({ length: ruleCount + 1 }, (_, n) => n);
  if (type === "temporal_ordered") {
    if (counts.every((n) => holds(n) === (n === ruleCount))) return;
    ctx.error(
      "CORRELATION_BAD_CONDITION",
      entry.key,
      `a temporal_ordered correlation needs all ${ruleCount} rules in order; its condition can only be 'gte: ${ruleCount}' (the default)`,
    );
    return;
  }
  if (!counts.some((n) => n > 0 && holds(n)))
    ctx.error(
      "CORRELATION_BAD_CONDITION",
      entry.key,
      `this condition never holds: a temporal correlation of ${ruleCount} rules sees between 1 and ${ruleCount} of them in a window`,
    );
}
