import { assertNever } from "../../diagnostics.js";
import { esqlInterpreter } from "../esql/index.js";
import type { EsqlExpr } from "../esql/ast.js";
import { parseEsqlStats, type StatsColumn } from "../esql/stats.js";
import { valuesAt } from "../kql/interpret.js";
import { OutsideModel } from "../spl/evaluate.js";
import { ParseError } from "../types.js";
import { keyOf, timeOf } from "./elastic-doc.js";

/**
 * Runs an aggregating ES|QL correlation query over Elasticsearch documents, with the semantics of
 * Elastic's ES|QL reference:
 * - the rows are the documents the row query (FROM, WHERE) keeps (the per-event interpreter);
 * - `STATS … BY` makes one row per distinct combination of the BY values, null being a value of
 *   its own (a row without a BY value is in the null group);
 * - `BUCKET(date, <n> <unit>)` rounds the date (milliseconds) down to a multiple of the span
 *   counted from the epoch; a fixed span only (hours and smaller: days are calendar periods);
 * - `COUNT(*)` counts rows; `COUNT_DISTINCT(field, precision)` counts the distinct values of the
 *   field over the rows (each value of a multi-valued field, nulls not counted), exactly while the
 *   count is below the precision threshold (beyond it HyperLogLog++ estimates: outside the model);
 * - WHERE after STATS keeps the rows whose condition is true (null is not true).
 */

export interface StatsMatch {
  /** The BY values other than the bucket, in BY order (null for the null group). */
  readonly keys: readonly (string | null)[];
  /** Microseconds since the epoch: the bucket's start. */
  readonly timeUs: number;
}

export type StatsProgram = (documents: readonly unknown[]) => StatsMatch[];

const SPAN_MS: Readonly<Record<string, number>> = {
  millisecond: 1,
  milliseconds: 1,
  ms: 1,
  second: 1000,
  seconds: 1000,
  sec: 1000,
  s: 1000,
  minute: 60_000,
  minutes: 60_000,
  min: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  h: 3_600_000,
};

type Cell = string | number | null;
type Row = Readonly<Record<string, Cell>>;

function parseFail(
  message: string,
  e: { span: { offset: number; line: number; col: number } },
): never {
  throw new ParseError(message, e.span.offset, e.span.line, e.span.col);
}

type ByColumn =
  | { readonly kind: "key"; readonly name: string; readonly field: string }
  | {
      readonly kind: "bucket";
      readonly name: string;
      readonly field: string;
      readonly spanMs: number;
    };

function byColumn(c: StatsColumn): ByColumn {
  const e = c.expr;
  if (e.kind === "field") return { kind: "key", name: c.name, field: e.name };
  if (e.kind === "call" && e.name === "BUCKET" && e.args.length === 2) {
    const [field, span] = e.args;
    if (field?.kind !== "field" || span?.kind !== "span")
      return parseFail("BUCKET(date field, time span) is the modelled form", e);
    const per = SPAN_MS[span.unit.toLowerCase()];
    if (per === undefined)
      return parseFail(`the span unit ${span.unit} is outside the modelled subset`, span);
    return { kind: "bucket", name: c.name, field: field.name, spanMs: span.value * per };
  }
  return parseFail(
    "a BY column other than a field or BUCKET(field, span) is outside the modelled subset",
    {
      span: "span" in e ? e.span : { offset: 0, line: 1, col: 1 },
    },
  );
}

type Aggregate =
  | { readonly kind: "count"; readonly name: string }
  | {
      readonly kind: "distinct";
      readonly name: string;
      readonly field: string;
      readonly precision: number;
    };

/** COUNT_DISTINCT's default precision threshold (Elastic's function reference). */
const DEFAULT_PRECISION = 3000;
const MAX_PRECISION = 40000;

function aggregate(c: StatsColumn): Aggregate {
  const e = c.expr;
  if (e.kind === "call" && e.name === "COUNT" && e.star) return { kind: "count", name: c.name };
  if (e.kind === "call" && e.name === "COUNT_DISTINCT") {
    const [field, precision] = e.args;
    if (field?.kind !== "field")
      return parseFail("COUNT_DISTINCT of a field is the modelled form", e);
    if (precision !== undefined && precision.kind !== "number")
      return parseFail("COUNT_DISTINCT's precision must be a number", e);
    return {
      kind: "distinct",
      name: c.name,
      field: field.name,
      precision: Math.min(precision?.value ?? DEFAULT_PRECISION, MAX_PRECISION),
    };
  }
  return parseFail("only COUNT(*) and COUNT_DISTINCT(field[, precision]) are modelled", {
    span: "span" in e ? e.span : { offset: 0, line: 1, col: 1 },
  });
}

function scalarText(v: unknown): string | undefined {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? String(v)
    : undefined;
}

const CMP: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** A condition over the STATS result: and / or / not of comparisons of a column with a number. */
function condition(e: EsqlExpr, columns: ReadonlySet<string>): (row: Row) => boolean | null {
  switch (e.kind) {
    case "and":
    case "or": {
      const items = e.items.map((i) => condition(i, columns));
      return (row) => {
        const vs = items.map((f) => f(row));
        if (e.kind === "and") return vs.includes(false) ? false : vs.includes(null) ? null : true;
        return vs.includes(true) ? true : vs.includes(null) ? null : false;
      };
    }
    case "not": {
      const inner = condition(e.item, columns);
      return (row) => {
        const v = inner(row);
        return v === null ? null : !v;
      };
    }
    case "compare": {
      const { left, right } = e;
      if (left.kind !== "field" || right.kind !== "number")
        return parseFail("a comparison of a column with a number is the modelled form", e);
      if (!columns.has(left.name)) return parseFail(`Unknown column [${left.name}]`, left);
      const cmp = CMP[e.op]!;
      return (row) => {
        const v = row[left.name];
        return typeof v === "number" ? cmp(v, right.value) : null;
      };
    }
    case "isNull":
    case "like":
    case "rlike":
    case "in":
    case "call":
    case "field":
    case "string":
    case "number":
    case "bool":
    case "null":
    case "span":
      return parseFail("this condition after STATS is outside the modelled subset", e);
    default:
      return assertNever(e);
  }
}

export function compileEsqlStats(text: string): StatsProgram {
  const q = parseEsqlStats(text);
  const keep = esqlInterpreter.compile(q.rows);
  const by = q.by.map(byColumn);
  const buckets = by.filter((b) => b.kind === "bucket");
  if (buckets.length !== 1)
    throw new ParseError(
      "exactly one BUCKET column is the modelled form",
      q.span.offset,
      q.span.line,
      q.span.col,
    );
  const aggregates = q.aggregates.map(aggregate);
  const columns = new Set([...by.map((b) => b.name), ...aggregates.map((a) => a.name)]);
  const after = q.after.map((w) => condition(w, columns));
  return (documents) => {
    const groups = new Map<string, { cells: Cell[]; docs: unknown[] }>();
    for (const doc of documents) {
      if (!keep(doc)) continue;
      const cells: Cell[] = by.map((b) => {
        if (b.kind === "key") return keyOf(doc, b.field) ?? null;
        const ms = timeOf(doc, b.field);
        return ms === undefined ? null : Math.floor(ms / b.spanMs) * b.spanMs;
      });
      const key = JSON.stringify(cells);
      const g = groups.get(key);
      if (g === undefined) groups.set(key, { cells, docs: [doc] });
      else g.docs.push(doc);
    }
    const out: StatsMatch[] = [];
    for (const { cells, docs } of groups.values()) {
      const row: Record<string, Cell> = {};
      by.forEach((b, i) => (row[b.name] = cells[i]!));
      for (const a of aggregates) {
        if (a.kind === "count") {
          row[a.name] = docs.length;
          continue;
        }
        const distinct = new Set<string>();
        for (const d of docs)
          for (const v of valuesAt(d, a.field)) {
            const t = scalarText(v);
            if (t !== undefined) distinct.add(t);
          }
        if (distinct.size >= a.precision)
          throw new OutsideModel(
            `COUNT_DISTINCT estimates at ${distinct.size} values (precision ${a.precision})`,
          );
        row[a.name] = distinct.size;
      }
      if (!after.every((f) => f(row) === true)) continue;
      const time = row[buckets[0]!.name];
      if (typeof time !== "number") throw new OutsideModel("a result row in the null time bucket");
      out.push({
        keys: by
          .filter((b) => b.kind === "key")
          .map((b) => {
            const v = row[b.name];
            return v === null || v === undefined ? null : String(v);
          }),
        timeUs: time * 1000,
      });
    }
    return out;
  };
}
