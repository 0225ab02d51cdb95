import { DiagnosticError } from "../../../diagnostics.js";
import type { CorrelationStep } from "../../../sigma/correlation-ir.js";
import { locate } from "../../../source.js";
import { targetField } from "../../../pipelines/fields.js";
import type { CorrelationContext, LoweredBase } from "../../correlation-types.js";
import { fieldType } from "../fields.js";
import { multiValuedFields } from "../esql/fields.js";

/**
 * What both Elastic forms of a correlation need from its base rules, checked once: the rule steps
 * (no nested correlation), the one Elastic field of each group-by name and of the time, the
 * value field of value_count.
 */

export interface ElasticShape {
  readonly steps: readonly { readonly ref: string; readonly base: LoweredBase }[];
  /** ECS/integration field of each group-by name, in group-by order. */
  readonly groupFields: readonly string[];
  /** The date field windows are measured on (EQL's timestamp_field). */
  readonly timeField: string;
  readonly valueField?: string;
}

type Span = { readonly start: number; readonly end: number };

export function fail(ctx: CorrelationContext, code: string, message: string, at?: Span): never {
  const c = ctx.ir.correlation;
  const span = at ?? c.at;
  throw new DiagnosticError({
    severity: "error",
    code,
    message,
    file: c.source.path,
    loc: locate(c.source, span.start, span.end - span.start),
    target: "elastic",
  });
}

type RuleStep = Extract<CorrelationStep, { kind: "rule" }>;

function elasticField(ctx: CorrelationContext, base: LoweredBase, field: string): string {
  const c = ctx.ir.correlation;
  return targetField(
    base.ctx.mapping,
    field,
    "elastic",
    c.source.path,
    locate(c.source, c.at.start),
  );
}

/** The same field for every rule, or a refusal: one query names one field. */
function common(ctx: CorrelationContext, names: readonly string[], what: string): string {
  const distinct = [...new Set(names)];
  if (distinct.length > 1)
    fail(
      ctx,
      "CORRELATION_ALIAS_UNSUPPORTED",
      `${what} is a different Elastic field per rule (${distinct.join(", ")}), which this Elastic translation does not say`,
    );
  return distinct[0]!;
}

export function shapeOf(ctx: CorrelationContext): ElasticShape {
  const ir = ctx.ir;
  const steps = ir.steps.map((s): RuleStep => {
    if (s.kind === "correlation")
      fail(
        ctx,
        "CORRELATION_CHAIN_UNSUPPORTED",
        `'${s.ref}' is a correlation: one EQL or ES|QL query cannot read the matches of another correlation`,
      );
    return s;
  });
  const bases = steps.map((s) => ctx.base.get(s.rule)!);
  const timeField = common(
    ctx,
    bases.map((b) => elasticField(ctx, b, ir.timeField)),
    "the time field",
  );
  for (const b of bases) {
    const t = fieldType(b.ctx, timeField);
    if (t !== "date")
      fail(
        ctx,
        "CORRELATION_NO_TIME_FIELD",
        `the time field ${timeField} is not mapped as a date in Elastic (${t}); windows need a date field`,
      );
  }
  const groupFields = ir.groupBy.map((name, i) => {
    const field = common(
      ctx,
      steps.map((s, j) => elasticField(ctx, bases[j]!, s.groupFields[i]!)),
      `the group-by '${name}'`,
    );
    for (const b of bases)
      if (multiValuedFields(b.ctx).has(field))
        fail(
          ctx,
          "CORRELATION_GROUP_BY_MULTIVALUE",
          `'${name}' is a multi-valued field in Elastic (${field}); grouping by it is not supported`,
        );
    return field;
  });
  const valueField =
    ir.type === "value_count"
      ? common(
          ctx,
          steps.map((s, j) => elasticField(ctx, bases[j]!, s.valueField!)),
          "the value field",
        )
      : undefined;
  return {
    steps: steps.map((s, j) => ({ ref: s.ref, base: bases[j]! })),
    groupFields,
    timeField,
    ...(valueField === undefined ? {} : { valueField }),
  };
}

/** A timespan in the largest whole unit of `units` (µs per unit); undefined when none divides it. */
export function wholeUnits(
  us: number,
  units: readonly (readonly [string, number])[],
): { n: number; unit: string } | undefined {
  for (const [unit, per] of units) if (us % per === 0) return { n: us / per, unit };
  return undefined;
}
