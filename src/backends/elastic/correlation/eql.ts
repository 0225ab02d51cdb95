import { eqlLanguage } from "../eql/index.js";
import type { CorrelationContext } from "../../correlation-types.js";
import { fail, wholeUnits, type ElasticShape } from "./shape.js";

/**
 * temporal_ordered as an EQL sequence (EqlBase.g4 `sequence`):
 *
 *   sequence by <group fields> with maxspan=<timespan>
 *     [<category> where <rule 1>]
 *     [<category> where <rule 2>] …
 *
 * Each term is the rule's own EQL event query. What Elasticsearch computes
 * (x-pack/plugin/eql …/execution/sequence/SequenceMatcher.java, OrdinalGroup.java):
 * - maxspan is inclusive: a sequence is rejected only when its last event is more than maxspan
 *   after its first (`to.delta(from) > maxSpan`);
 * - events are ordered by timestamp, then tiebreaker, then the shard's document order, so events
 *   of one timestamp do follow each other;
 * - an event of stage i+1 takes the latest in-flight sequence of stage i before it and drops every
 *   older one there: each event is in at most one sequence;
 * - a join key that is not `?optional` must have a value: an event without one is in no sequence.
 * The first two differ from Sigma's reading and are declared (chains: consume).
 */

/** EqlBase.g4 timeUnit: a number and an optional unit (ms, s, m, h, d). */
const MAXSPAN_UNITS: readonly (readonly [string, number])[] = [
  ["d", 86_400_000_000],
  ["h", 3_600_000_000],
  ["m", 60_000_000],
  ["s", 1_000_000],
  ["ms", 1_000],
];

export function maxspanText(ctx: CorrelationContext): string {
  const c = ctx.ir.correlation;
  const span = wholeUnits(ctx.ir.timespanUs, MAXSPAN_UNITS);
  if (span === undefined)
    fail(
      ctx,
      "CORRELATION_TIMESPAN",
      `EQL's maxspan counts whole milliseconds; ${c.timespan.text} is not one`,
      c.timespan.at,
    );
  return `${span.n}${span.unit}`;
}

/** Backquote a field name EQL would not read as one identifier path. */
function eqlFieldName(name: string): string {
  return name
    .split(".")
    .map((p) => (/^[A-Za-z_@][A-Za-z0-9_]*$/.test(p) ? p : `\`${p.replaceAll("`", "``")}\``))
    .join(".");
}

export function sequenceEql(ctx: CorrelationContext, shape: ElasticShape): string {
  if (shape.steps.length < 2)
    fail(
      ctx,
      "CORRELATION_UNSUPPORTED",
      "an EQL sequence needs at least two terms; a temporal_ordered correlation of one rule is an event_count",
      ctx.ir.correlation.typeAt,
    );
  const by =
    shape.groupFields.length > 0 ? ` by ${shape.groupFields.map(eqlFieldName).join(", ")}` : "";
  const head = `sequence${by} with maxspan=${maxspanText(ctx)}`;
  const terms = shape.steps.map((s) => `  [${eqlLanguage.query(s.base.effective, s.base.ctx)}]`);
  return [head, ...terms].join("\n");
}
