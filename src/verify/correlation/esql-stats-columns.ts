import { assertNever } from "../../diagnostics.js";
import { esqlInterpreter } from "../esql/index.js";
import type { EsqlExpr, Span } from "../esql/ast.js";
import type { Column } from "../esql/stats.js";
import { ParseError } from "../types.js";

/**
 * The columns of an aggregating ES|QL query as esql-stats.ts runs them: BY columns (a field or
 * BUCKET of a date), aggregates, CASE columns of a row (conditions read by the per-event
 * interpreter) and numbers and conditions over the aggregated rows.
 */

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

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

const NOWHERE: Span = { offset: 0, line: 1, col: 1 };

function spanOf(e: EsqlExpr): Span {
  return "span" in e ? e.span : NOWHERE;
}

export function parseFail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

export type ByColumn =
  | { readonly kind: "key"; readonly name: string; readonly field: string }
  | {
      readonly kind: "bucket";
      readonly name: string;
      readonly field: string;
      readonly spanMs: number;
    };

export function byColumn(c: Column): ByColumn {
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

export type Aggregate =
  | { readonly kind: "count"; readonly name: string }
  | {
      readonly kind: "distinct";
      readonly name: string;
      readonly field: string;
      readonly precision: number;
    }
  | { readonly kind: "max"; readonly name: string; readonly column: string };

/** COUNT_DISTINCT's default precision threshold (Elastic's function reference). */
export const DEFAULT_PRECISION = 3000;
export const MAX_PRECISION = 40000;

export function aggregate(c: Column, rowColumns: ReadonlySet<string>): Aggregate {
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

export function scalarText(v: unknown): string | undefined {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? String(v)
    : undefined;
}

/** A number of the aggregated row: a column, a constant, or a sum (null propagates). */
export function numeric(e: EsqlExpr, columns: ReadonlySet<string>): (row: Row) => number | null {
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
export function condition(e: EsqlExpr, columns: ReadonlySet<string>): (row: Row) => boolean | null {
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
export function rowColumn(c: Column, from: string): (doc: unknown) => Cell {
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
