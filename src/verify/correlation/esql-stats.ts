import { assertNever } from "../../diagnostics.js";
import { esqlInterpreter } from "../esql/index.js";
import type { EsqlExpr, Span } from "../esql/ast.js";
import { parseEsqlStats, type Column, type StatsCommand } from "../esql/stats.js";
import { valuesAt } from "../kql/interpret.js";
import { OutsideModel } from "../spl/evaluate.js";
import { ParseError } from "../types.js";
import { keyOf, timeOf } from "./elastic-doc.js";

/**
 * Runs an aggregating ES|QL correlation query over Elasticsearch documents, with the semantics of
 * Elastic's ES|QL reference:
 * - the rows are the documents the row query (FROM, WHERE) keeps (the per-event interpreter);
 * - `EVAL name = CASE(c, a, b)` before STATS: `a` where the condition `c` is true, else `b`
 *   (a null condition is not true); the condition is read by the per-event interpreter;
 * - `STATS … BY` makes one row per distinct combination of the BY values, null being a value of
 *   its own (a row without a BY value is in the null group);
 * - `BUCKET(date, <n> <unit>)` rounds the date (milliseconds) down to a multiple of the span
 *   counted from the epoch; a fixed span only (hours and smaller: days are calendar periods);
 * - `COUNT(*)` counts rows; `COUNT_DISTINCT(field, precision)` counts the distinct values of the
 *   field over the rows (each value of a multi-valued field, nulls not counted), exactly while the
 *   count is below the precision threshold (beyond it HyperLogLog++ estimates: outside the model);
 *   `MAX(column)` the largest number of a column, null when it has none;
 * - after STATS, `EVAL name = a + b …` adds numbers (null when one is null), and WHERE keeps the
 *   rows whose condition is true (null is not true).
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
type Row = Record<string, Cell>;

const NOWHERE: Span = { offset: 0, line: 1, col: 1 };

function spanOf(e: EsqlExpr): Span {
  return "span" in e ? e.span : NOWHERE;
}

function parseFail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

type ByColumn =
  | { readonly kind: "key"; readonly name: string; readonly field: string }
  | {
      readonly kind: "bucket";
      readonly name: string;
      readonly field: string;
      readonly spanMs: number;
    };

function byColumn(c: Column): ByColumn {
  const e = c.expr;
  if (e.kind === "field") return { kind: "key", name: c.name, field: e.name };
  if (e.kind === "call" && e.name === "BUCKET" && e.args.length === 2) {
    const [field, span] = e.args;
    if (field?.kind !== "field" || span?.kind !== "span")
      return parseFail("BUCKET(date field, time span) is the modelled form", e.span);
    const per = SPAN_MS[span.unit.toLowerCase()];
    if (per === undefined)
      return parseFail(`the span unit ${span.unit} is outside the modelled subset`, span.span);
    return { kind: "bucket", name: c.name, field: field.name, spanMs: span.value * per };
  }
  return parseFail(
    "a BY column other than a field or BUCKET(field, span) is outside the modelled subset",
    spanOf(e),
  );
}

type Aggregate =
  | { readonly kind: "count"; readonly name: string }
  | {
      readonly kind: "distinct";
      readonly name: string;
      readonly field: string;
      readonly precision: number;
    }
  | { readonly kind: "max"; readonly name: string; readonly column: string };

/** COUNT_DISTINCT's default precision threshold (Elastic's function reference). */
const DEFAULT_PRECISION = 3000;
const MAX_PRECISION = 40000;

function aggregate(c: Column, rowColumns: ReadonlySet<string>): Aggregate {
  const e = c.expr;
  if (e.kind === "call" && e.name === "COUNT" && e.star) return { kind: "count", name: c.name };
  if (e.kind === "call" && e.name === "COUNT_DISTINCT") {
    const [field, precision] = e.args;
    if (field?.kind !== "field")
      return parseFail("COUNT_DISTINCT of a field is the modelled form", e.span);
    if (precision !== undefined && precision.kind !== "number")
      return parseFail("COUNT_DISTINCT's precision must be a number", e.span);
    return {
      kind: "distinct",
      name: c.name,
      field: field.name,
      precision: Math.min(precision?.value ?? DEFAULT_PRECISION, MAX_PRECISION),
    };
  }
  if (e.kind === "call" && e.name === "MAX" && e.args.length === 1) {
    const [column] = e.args;
    if (column?.kind !== "field" || !rowColumns.has(column.name))
      return parseFail("MAX of an EVAL column is the modelled form", e.span);
    return { kind: "max", name: c.name, column: column.name };
  }
  return parseFail(
    "only COUNT(*), COUNT_DISTINCT(field[, precision]) and MAX(column) are modelled",
    spanOf(e),
  );
}

function scalarText(v: unknown): string | undefined {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? String(v)
    : undefined;
}

/** A number of the aggregated row: a column, a constant, or a sum (null propagates). */
function numeric(e: EsqlExpr, columns: ReadonlySet<string>): (row: Row) => number | null {
  switch (e.kind) {
    case "number":
      return () => e.value;
    case "field": {
      if (!columns.has(e.name)) return parseFail(`Unknown column [${e.name}]`, e.span);
      return (row) => {
        const v = row[e.name];
        return typeof v === "number" ? v : null;
      };
    }
    case "add": {
      const items = e.items.map((i) => numeric(i, columns));
      return (row) => {
        let total = 0;
        for (const f of items) {
          const v = f(row);
          if (v === null) return null;
          total += v;
        }
        return total;
      };
    }
    default:
      return parseFail("this expression after STATS is outside the modelled subset", spanOf(e));
  }
}

const CMP: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** A condition over aggregated rows: and / or / not of comparisons of numbers. */
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
      const left = numeric(e.left, columns);
      const right = numeric(e.right, columns);
      const cmp = CMP[e.op]!;
      return (row) => {
        const a = left(row);
        const b = right(row);
        return a === null || b === null ? null : cmp(a, b);
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
    case "add":
      return parseFail("this condition after STATS is outside the modelled subset", spanOf(e));
    default:
      return assertNever(e);
  }
}

/** `CASE(condition, value, …, else)` of a row, the conditions read by the per-event interpreter. */
function rowColumn(c: Column, from: string): (doc: unknown) => Cell {
  const e = c.expr;
  if (e.kind !== "call" || e.name !== "CASE" || c.caseArgs === undefined || e.args.length < 2)
    return parseFail(
      "an EVAL column other than CASE(…) before STATS is outside the modelled subset",
      spanOf(e),
    );
  const pairs: { test: (doc: unknown) => boolean; value: Cell }[] = [];
  const constant = (a: EsqlExpr): Cell =>
    a.kind === "number" || a.kind === "string"
      ? a.value
      : a.kind === "null"
        ? null
        : parseFail("a CASE value other than a constant is outside the modelled subset", spanOf(a));
  for (let i = 0; i + 1 < e.args.length; i += 2)
    pairs.push({
      test: esqlInterpreter.compile(`${from}\n| WHERE ${c.caseArgs[i]!}`),
      value: constant(e.args[i + 1]!),
    });
  const otherwise = e.args.length % 2 === 1 ? constant(e.args.at(-1)!) : null;
  return (doc) => pairs.find((p) => p.test(doc))?.value ?? otherwise;
}

export function compileEsqlStats(text: string): StatsProgram {
  const q = parseEsqlStats(text);
  const keep = esqlInterpreter.compile(q.rows);
  const at = q.commands.findIndex((c) => c.kind === "stats");
  const before = q.commands.slice(0, at);
  const stats = q.commands[at] as Extract<StatsCommand, { kind: "stats" }>;
  const rowColumns = new Set<string>();
  const evals = before.flatMap((c) => {
    if (c.kind !== "eval")
      return parseFail("only EVAL may come between the rows and STATS", c.span);
    return c.columns.map((col) => {
      rowColumns.add(col.name);
      return { name: col.name, value: rowColumn(col, q.from) };
    });
  });
  const by = stats.by.map(byColumn);
  const buckets = by.filter((b) => b.kind === "bucket");
  if (buckets.length !== 1)
    return parseFail("exactly one BUCKET column is the modelled form", stats.span);
  const aggregates = stats.aggregates.map((a) => aggregate(a, rowColumns));
  const columns = new Set([...by.map((b) => b.name), ...aggregates.map((a) => a.name)]);
  const after = q.commands.slice(at + 1).map((c): ((row: Row) => boolean) => {
    switch (c.kind) {
      case "where": {
        const test = condition(c.expr, columns);
        return (row) => test(row) === true;
      }
      case "eval": {
        const steps = c.columns.map((col) => {
          const f = numeric(col.expr, columns);
          columns.add(col.name);
          return { name: col.name, f };
        });
        return (row) => {
          for (const s of steps) row[s.name] = s.f(row);
          return true;
        };
      }
      case "stats":
        return parseFail("a second STATS is outside the modelled subset", c.span);
      default:
        return assertNever(c);
    }
  });
  return (documents) => {
    const groups = new Map<string, { cells: Cell[]; rows: { doc: unknown; row: Row }[] }>();
    for (const doc of documents) {
      if (!keep(doc)) continue;
      const row: Row = {};
      for (const e of evals) row[e.name] = e.value(doc);
      const cells: Cell[] = by.map((b) => {
        if (b.kind === "key") return keyOf(doc, b.field) ?? null;
        const ms = timeOf(doc, b.field);
        return ms === undefined ? null : Math.floor(ms / b.spanMs) * b.spanMs;
      });
      const key = JSON.stringify(cells);
      const g = groups.get(key);
      if (g === undefined) groups.set(key, { cells, rows: [{ doc, row }] });
      else g.rows.push({ doc, row });
    }
    const out: StatsMatch[] = [];
    for (const { cells, rows } of groups.values()) {
      const row: Row = {};
      by.forEach((b, i) => (row[b.name] = cells[i]!));
      for (const a of aggregates) {
        switch (a.kind) {
          case "count":
            row[a.name] = rows.length;
            break;
          case "distinct": {
            const distinct = new Set<string>();
            for (const r of rows)
              for (const v of valuesAt(r.doc, a.field)) {
                const t = scalarText(v);
                if (t !== undefined) distinct.add(t);
              }
            if (distinct.size >= a.precision)
              throw new OutsideModel(
                `COUNT_DISTINCT estimates at ${distinct.size} values (precision ${a.precision})`,
              );
            row[a.name] = distinct.size;
            break;
          }
          case "max": {
            let best: number | null = null;
            for (const r of rows) {
              const v = r.row[a.column];
              if (typeof v === "number" && (best === null || v > best)) best = v;
            }
            row[a.name] = best;
            break;
          }
          default:
            assertNever(a);
        }
      }
      if (!after.every((f) => f(row))) continue;
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
