import type { CountTest } from "../../../sigma/correlation.js";
import { esqlLanguage } from "../esql/index.js";
import type { CorrelationContext } from "../../correlation-types.js";
import { fail, wholeUnits, type ElasticShape } from "./shape.js";

/**
 * event_count, value_count and temporal as an aggregating ES|QL query:
 *
 *   FROM <index> METADATA _id, _index, _version
 *   | WHERE <rule 1> OR <rule 2> …
 *   | WHERE <group fields> IS NOT NULL AND <time field> IS NOT NULL
 *   | STATS sigma_count = COUNT(*) | COUNT_DISTINCT(<field>, 40000)
 *       BY <group fields>, sigma_window = BUCKET(<time field>, <timespan>)
 *   | WHERE sigma_count <op> <n> …
 *
 * temporal marks each row with every rule it matches and counts the rules a bucket has:
 *
 *   | EVAL sigma_r1 = CASE(<rule 1>, 1, 0), sigma_r2 = CASE(<rule 2>, 1, 0) …
 *   | STATS sigma_r1 = MAX(sigma_r1), sigma_r2 = MAX(sigma_r2) … BY <group fields>, sigma_window = …
 *   | EVAL sigma_count = sigma_r1 + sigma_r2 …
 *   | WHERE sigma_count <op> <n> …
 *
 * (CASE takes a null condition as false, so a rule that does not hold for a row marks 0.)
 *
 * STATS … BY groups null values into a group of their own, so rows without a group value or a
 * time are removed first (Sigma: such an event belongs to no group). BUCKET with a time span
 * rounds down to a multiple of the span from the epoch: fixed windows, declared. COUNT_DISTINCT
 * with precision 40000 (its maximum) counts exactly below that many values (HyperLogLog++ keeps
 * the values' hashes until the threshold).
 */

/** ES|QL time-duration literal units (qualifiedIntegerLiteral), largest first. */
const DURATION_UNITS: readonly (readonly [string, number])[] = [
  ["hours", 3_600_000_000],
  ["minutes", 60_000_000],
  ["seconds", 1_000_000],
  ["milliseconds", 1_000],
];

const CMP: Readonly<Record<CountTest["op"], string>> = {
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  eq: "==",
  neq: "!=",
};

function esqlFieldName(name: string): string {
  return name
    .split(".")
    .map((p) => (/^[A-Za-z_@][A-Za-z0-9_]*$/.test(p) ? p : `\`${p.replaceAll("`", "``")}\``))
    .join(".");
}

const WHERE = "\n| WHERE ";

/** The FROM line and the condition of one base rule's printed ES|QL query. */
function split(text: string): { from: string; where: string } {
  const at = text.indexOf(WHERE);
  return at < 0
    ? { from: text, where: "TRUE" }
    : { from: text.slice(0, at), where: text.slice(at + WHERE.length) };
}

export function statsEsql(ctx: CorrelationContext, shape: ElasticShape): string {
  const c = ctx.ir.correlation;
  const span = wholeUnits(ctx.ir.timespanUs, DURATION_UNITS);
  if (span === undefined)
    fail(
      ctx,
      "CORRELATION_TIMESPAN",
      `BUCKET counts whole milliseconds; ${c.timespan.text} is not one`,
      c.timespan.at,
    );
  const parts = shape.steps.map((s) => split(esqlLanguage.query(s.base.effective, s.base.ctx)));
  const froms = [...new Set(parts.map((p) => p.from))];
  if (froms.length > 1)
    fail(
      ctx,
      "CORRELATION_MIXED_LOGSOURCES",
      "the rules read different indices; one ES|QL query ORing them cannot be scoped",
    );
  const wheres = [...new Set(parts.map((p) => p.where))];
  const rows = wheres.length === 1 ? wheres[0]! : wheres.map((w) => `(${w})`).join(" OR ");
  const time = esqlFieldName(shape.timeField);
  const groups = shape.groupFields.map(esqlFieldName);
  const present = [...groups, time].map((f) => `${f} IS NOT NULL`).join(" AND ");
  const condition = ctx.ir.condition
    .map((t) => `sigma_count ${CMP[t.op]} ${t.value}`)
    .join(" AND ");
  if (ctx.ir.type === "temporal") {
    const marks = parts.map((_, i) => `sigma_r${i + 1}`);
    return [
      froms[0]!,
      `| WHERE ${rows}`,
      `| WHERE ${present}`,
      `| EVAL ${parts.map((p, i) => `${marks[i]} = CASE(${p.where}, 1, 0)`).join(", ")}`,
      `| STATS ${marks.map((m) => `${m} = MAX(${m})`).join(", ")} BY ${[...groups, `sigma_window = BUCKET(${time}, ${span.n} ${span.unit})`].join(", ")}`,
      `| EVAL sigma_count = ${marks.join(" + ")}`,
      `| WHERE ${condition}`,
    ].join("\n");
  }
  const agg =
    ctx.ir.type === "value_count"
      ? `COUNT_DISTINCT(${esqlFieldName(shape.valueField!)}, 40000)`
      : "COUNT(*)";
  const by = [...groups, `sigma_window = BUCKET(${time}, ${span.n} ${span.unit})`].join(", ");
  return [
    froms[0]!,
    `| WHERE ${rows}`,
    `| WHERE ${present}`,
    `| STATS sigma_count = ${agg} BY ${by}`,
    `| WHERE ${condition}`,
  ].join("\n");
}
