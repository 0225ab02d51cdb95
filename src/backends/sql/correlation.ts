import { DiagnosticError, assertNever, type Diagnostic } from "../../diagnostics.js";
import type { CorrelationIR, CorrelationStep } from "../../sigma/correlation-ir.js";
import { parseTimestampUs } from "../../sigma/correlation-time.js";
import { locate } from "../../source.js";
import type { SeenEvent } from "../types.js";
import type { CorrelationBackend, CorrelationContext, LoweredBase } from "../correlation-types.js";
import type { Dialect } from "./dialect.js";
import { dialectOf } from "./options.js";
import { valueOf } from "./print.js";
import { sqlCondition, sqlTable } from "./query.js";
import { isMany, resolveField } from "./schema.js";

/**
 * Correlations in SQL (DuckDB): one statement over the rule's table. Each rule step is a SELECT
 * of the rows its condition matches (row number, step, time in µs, group values, value), the
 * steps UNION ALL'd; then, for the counting types, every (group, event time) of a step is joined
 * with the group's entries in [t − timespan, t] and the window is counted (COUNT DISTINCT of the
 * row, the value or the step), so the windows slide exactly as the specification says; for
 * temporal_ordered, a chain of one entry per step with strictly increasing times, the first at or
 * after t − timespan. Rows come out as (group-by columns named as in the correlation,
 * sigma_time_us, sigma_time, sigma_count).
 */

function fail(
  ctx: CorrelationContext,
  code: string,
  message: string,
  at = ctx.ir.correlation.at,
): never {
  const c = ctx.ir.correlation;
  throw new DiagnosticError({
    severity: "error",
    code,
    message,
    file: c.source.path,
    loc: locate(c.source, at.start, at.end - at.start),
    target: "sql",
  });
}

type RuleStep = Extract<CorrelationStep, { kind: "rule" }>;

/** The form kube-apiserver writes; its text is read as a UTC time to the microsecond. */
const KUBE_MICROTIME_SQL = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z";
const KUBE_MICROTIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:(\d{2})\.\d{6}Z$/;

const TIME_NOTE =
  "the query reads the timestamp in the form kube-apiserver writes (RFC 3339 in UTC with six fractional digits and 'Z', a real date, seconds up to 59); an event whose timestamp has another form takes no part";

/** A Sigma field as one text value of the row; lists cannot be one group or value. */
function fieldText(ctx: CorrelationContext, base: LoweredBase, field: string, d: Dialect): string {
  const c = ctx.ir.correlation;
  const access = resolveField(base.ctx.mapping, field, c.source.path, locate(c.source, c.at.start));
  if (isMany(access))
    fail(
      ctx,
      "CORRELATION_GROUP_BY_MULTIVALUE",
      `'${field}' holds several values in the SQL table; a correlation needs one value per event there`,
    );
  return valueOf(access, d);
}

function timeText(value: string, d: Dialect): string {
  return `CASE WHEN ${d.fullMatch(value, KUBE_MICROTIME_SQL)} THEN epoch_us(try_strptime(${value}, ${d.str("%Y-%m-%dT%H:%M:%S.%fZ")})) END`;
}

const SQL_OPS: Readonly<Record<string, string>> = {
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  eq: "=",
  neq: "<>",
};

function having(ir: CorrelationIR, count: string): string {
  return ir.condition.map((t) => `${count} ${SQL_OPS[t.op]!} ${t.value}`).join(" AND ");
}

function ruleSteps(ctx: CorrelationContext): RuleStep[] {
  return ctx.ir.steps.map((s) => {
    if (s.kind === "correlation")
      fail(
        ctx,
        "CORRELATION_CHAIN_UNSUPPORTED",
        `'${s.ref}' is a correlation: the SQL target does not feed one correlation's matches into another`,
      );
    return s;
  });
}

export function correlationSql(ctx: CorrelationContext): string {
  const ir = ctx.ir;
  const steps = ruleSteps(ctx);
  const bases = steps.map((s) => ctx.base.get(s.rule)!);
  const d = dialectOf(bases[0]!.ctx);
  if (d.name !== "duckdb")
    fail(
      ctx,
      "CORRELATION_UNSUPPORTED",
      `correlations are emitted for the duckdb dialect only (checked there by DuckDB itself); ${d.name} is not`,
    );
  const tables = new Set(bases.map((b) => sqlTable(b.ctx)));
  if (tables.size > 1)
    fail(
      ctx,
      "CORRELATION_MIXED_LOGSOURCES",
      `the rules read different tables (${[...tables].join(", ")}); one SQL statement reads one`,
    );
  const table = [...tables][0]!;
  const groups = ir.groupBy.map((_, j) => `sigma_g${j + 1}`);
  const entries = steps.map((s, k) => {
    const b = bases[k]!;
    const cols = [
      "sigma_row",
      `${k + 1} AS sigma_step`,
      `${timeText(fieldText(ctx, b, ir.timeField, d), d)} AS sigma_time`,
      ...s.groupFields.map((f, j) => `${fieldText(ctx, b, f, d)} AS ${groups[j]!}`),
      ...(ir.type === "value_count"
        ? [`${fieldText(ctx, b, s.valueField!, d)} AS sigma_value`]
        : []),
    ];
    return `SELECT ${cols.join(", ")} FROM sigma_rows WHERE ${sqlCondition(b.effective, b.ctx)}`;
  });
  const present = ["sigma_time", ...groups].map((g) => `${g} IS NOT NULL`).join(" AND ");
  const ctes = [
    `sigma_rows AS (SELECT row_number() OVER () AS sigma_row, * FROM ${table})`,
    `sigma_entries AS (\n    ${entries.join("\n    UNION ALL\n    ")}\n  )`,
    `sigma_timed AS (SELECT * FROM sigma_entries WHERE ${present})`,
  ];
  const same = (a: string, b: string): string[] => groups.map((g) => `${b}.${g} = ${a}.${g}`);
  const out = (a: string): string[] => [
    ...groups.map((g, j) => `${a}.${g} AS ${d.ident(ir.groupBy[j]!)}`),
    `${a}.sigma_time AS sigma_time_us`,
    `make_timestamp(${a}.sigma_time) AS sigma_time`,
  ];
  const order = ["sigma_time_us", ...ir.groupBy.map((g) => d.ident(g))].join(", ");
  const span = ir.timespanUs;
  let body: string;
  switch (ir.type) {
    case "event_count":
    case "value_count":
    case "temporal": {
      const counted =
        ir.type === "event_count"
          ? "b.sigma_row"
          : ir.type === "value_count"
            ? "b.sigma_value"
            : "b.sigma_step";
      const count = `COUNT(DISTINCT ${counted})`;
      const on = [
        ...same("a", "b"),
        `b.sigma_time BETWEEN a.sigma_time - ${span} AND a.sigma_time`,
      ];
      const keys = [...groups.map((g) => `a.${g}`), "a.sigma_time"];
      body =
        `SELECT ${[...out("a"), `${count} AS sigma_count`].join(", ")}` +
        `\nFROM (SELECT DISTINCT ${[...groups, "sigma_time"].join(", ")} FROM sigma_timed) AS a` +
        `\nJOIN sigma_timed AS b ON ${on.join(" AND ")}` +
        `\nGROUP BY ${keys.join(", ")}\nHAVING ${having(ir, count)}`;
      break;
    }
    case "temporal_ordered": {
      const k = steps.length;
      const names = steps.map((_, i) => `s${i + 1}`);
      const last = names[k - 1]!;
      const where = names.flatMap((n, i) => [
        `${n}.sigma_step = ${i + 1}`,
        ...(i === 0
          ? []
          : [...same(names[i - 1]!, n), `${names[i - 1]!}.sigma_time < ${n}.sigma_time`]),
      ]);
      where.push(`s1.sigma_time >= ${last}.sigma_time - ${span}`);
      body =
        `SELECT DISTINCT ${[...out(last), `${k} AS sigma_count`].join(", ")}` +
        `\nFROM ${names.map((n) => `sigma_timed AS ${n}`).join(", ")}` +
        `\nWHERE ${where.join(" AND ")}`;
      break;
    }
    default:
      return assertNever(ir.type);
  }
  return `WITH\n  ${ctes.join(",\n  ")}\n${body}\nORDER BY ${order}`;
}

/** The seen event without its time when the query cannot read it (the claim DuckDB checks). */
function withReadableTime(seen: SeenEvent, timeField: string): SeenEvent {
  const readable = (v: unknown): boolean => {
    if (typeof v !== "string") return false;
    const m = KUBE_MICROTIME.exec(v);
    return m !== null && Number(m[1]) <= 59 && parseTimestampUs(v) !== undefined;
  };
  return (raw) => {
    const event = seen(raw);
    if (typeof event !== "object" || event === null) return event;
    const hidden = (key: string | symbol): boolean =>
      key === timeField && !readable(Reflect.get(event, key));
    return new Proxy(event, {
      get: (t, key) => (hidden(key) ? undefined : Reflect.get(t, key)),
      has: (t, key) => !hidden(key) && Reflect.has(t, key),
      getOwnPropertyDescriptor: (t, key) =>
        hidden(key) ? undefined : Reflect.getOwnPropertyDescriptor(t, key),
      ownKeys: (t) => Reflect.ownKeys(t).filter((k) => !hidden(k)),
    });
  };
}

export const sqlCorrelationBackend: CorrelationBackend = {
  formats: ["query"],
  emit(ctx) {
    const query = correlationSql(ctx);
    const c = ctx.ir.correlation;
    const diagnostics: Diagnostic[] = [
      {
        severity: "info",
        code: "FIDELITY_TIME_FORMAT",
        message: `windows are measured on ${ctx.ir.timeField}: ${TIME_NOTE}`,
        file: c.source.path,
        loc: locate(c.source, c.at.start, c.at.end - c.at.start),
        target: "sql",
        fidelity: true,
      },
    ];
    return Promise.resolve({
      query,
      artifact: query + "\n",
      window: "sliding",
      seen: withReadableTime(ctx.seen, ctx.ir.timeField),
      dataNotes: [{ code: "FIDELITY_TIME_FORMAT", message: TIME_NOTE }],
      diagnostics,
    });
  },
};
