import { assertNever } from "../../diagnostics.js";
import { compilePipeline, OutsideModel, type SplDocument } from "../spl/evaluate.js";
import type { Aggregate, Program, StatsCommand } from "./spl-ast.js";
import { buildProgram } from "./spl-build.js";
import { asNumber, evaluate, type Row, type Value } from "./spl-eval.js";

/**
 * Runs an emitted correlation pipeline over Splunk documents (src/verify/views/splunk.ts), with
 * the command semantics of Splunk's Search Reference:
 *
 * - the search (or each multisearch subsearch) keeps the documents it matches; multisearch is
 *   the union of its subsearches' rows;
 * - `sort 0` sorts all rows, stably, by str() (text) or num() keys, `-` descending;
 * - `streamstats window=N global=false` gives each row the statistics of the N latest rows of its
 *   group up to and including itself, in row order;
 * - `eventstats` adds each group's statistics to every row of the group; `stats` replaces the
 *   rows with one row per group. Rows without a value for a BY field belong to no group (stats
 *   drops them, eventstats leaves them unchanged);
 * - count counts rows, dc distinct values (each value of a multivalue field), min/max numbers;
 * - `filldown` gives a field with no value the last value above it; `rename` moves a field.
 */

function toRow(doc: SplDocument): Row {
  const row: Row = Object.create(null) as Row;
  for (const [k, v] of Object.entries(doc)) {
    if (v.length === 1) row[k] = v[0]!;
    else if (v.length > 1) row[k] = [...v];
  }
  return row;
}

function get(row: Row, name: string): Value {
  return Object.hasOwn(row, name) ? row[name]! : null;
}

function set(row: Row, name: string, v: Value): void {
  if (v === null) delete row[name];
  else row[name] = v;
}

/** The text that identifies a row's group, or undefined when a BY field has no value. */
function groupKey(row: Row, by: readonly string[]): string | undefined {
  const values: Value[] = [];
  for (const f of by) {
    const v = get(row, f);
    if (v === null) return undefined;
    if (Array.isArray(v)) throw new OutsideModel("BY a multivalue field is not modelled");
    values.push(typeof v === "number" ? `n:${v}` : `s:${String(v)}`);
  }
  return JSON.stringify(values);
}

function aggregate(a: Aggregate, rows: readonly Row[]): Value {
  switch (a.fn) {
    case "count":
      return rows.length;
    case "dc": {
      const seen = new Set<string>();
      for (const r of rows) {
        const v = get(r, a.field!);
        if (v === null) continue;
        for (const one of Array.isArray(v) ? v : [v]) seen.add(String(one));
      }
      return seen.size;
    }
    case "min":
    case "max": {
      let best: number | null = null;
      for (const r of rows) {
        const n = asNumber(get(r, a.field!), `${a.fn}()`);
        if (n === null) continue;
        if (best === null || (a.fn === "min" ? n < best : n > best)) best = n;
      }
      return best;
    }
    default:
      return assertNever(a.fn);
  }
}

function groups(rows: readonly Row[], by: readonly string[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const key = groupKey(r, by);
    if (key === undefined) continue;
    const list = out.get(key);
    if (list === undefined) out.set(key, [r]);
    else list.push(r);
  }
  return out;
}

function sortValue(v: Value, as: "str" | "num"): string | number {
  if (v === null || Array.isArray(v))
    throw new OutsideModel("sorting on a missing or multivalue field is not modelled");
  if (as === "num") return asNumber(v, "num()")!;
  return String(v);
}

function run(c: StatsCommand, rows: Row[]): Row[] {
  switch (c.kind) {
    case "eval":
      for (const r of rows) for (const a of c.assignments) set(r, a.name, evaluate(a.value, r));
      return rows;
    case "where":
      return rows.filter((r) => evaluate(c.expr, r) === true);
    case "sort": {
      const keyed = rows.map((r) => ({
        r,
        k: c.keys.map((k) => sortValue(get(r, k.field), k.as)),
      }));
      keyed.sort((x, y) => {
        for (let i = 0; i < c.keys.length; i++) {
          const a = x.k[i]!;
          const b = y.k[i]!;
          const d = a < b ? -1 : a > b ? 1 : 0;
          if (d !== 0) return c.keys[i]!.descending ? -d : d;
        }
        return 0;
      });
      return keyed.map((x) => x.r);
    }
    case "filldown": {
      const last = new Map<string, Value>();
      for (const r of rows) {
        for (const f of c.fields) {
          const v = get(r, f);
          if (v !== null) last.set(f, v);
          else if (last.has(f)) set(r, f, last.get(f)!);
        }
      }
      return rows;
    }
    case "rename":
      for (const r of rows) {
        for (const p of c.pairs) {
          const v = get(r, p.from);
          delete r[p.from];
          set(r, p.to, v);
        }
      }
      return rows;
    case "streamstats": {
      const windows = new Map<string, Row[]>();
      return rows.map((r) => {
        const key = groupKey(r, c.by);
        if (key === undefined)
          throw new OutsideModel("streamstats over a row without its BY field is not modelled");
        const w = windows.get(key) ?? [];
        // The statistics read the rows as they were before this command.
        w.push({ ...r });
        if (w.length > c.window) w.shift();
        windows.set(key, w);
        for (const a of c.aggregates) set(r, a.as, aggregate(a, w));
        return r;
      });
    }
    case "eventstats": {
      for (const list of groups(rows, c.by).values()) {
        const values = c.aggregates.map((a) => aggregate(a, list));
        for (const r of list) c.aggregates.forEach((a, i) => set(r, a.as, values[i]!));
      }
      return rows;
    }
    case "stats": {
      const out: Row[] = [];
      for (const list of groups(rows, c.by).values()) {
        const row: Row = Object.create(null) as Row;
        for (const f of c.by) set(row, f, get(list[0]!, f));
        for (const a of c.aggregates) set(row, a.as, aggregate(a, list));
        out.push(row);
      }
      return out;
    }
    default:
      return assertNever(c);
  }
}

export type CompiledProgram = (docs: readonly SplDocument[]) => Row[];

function compile(p: Program): CompiledProgram {
  let head: CompiledProgram;
  if (p.head.kind === "search") {
    const keep = compilePipeline(p.head.pipeline);
    head = (docs) => docs.filter((d) => keep(d)).map(toRow);
  } else {
    const parts = p.head.parts.map(compile);
    head = (docs) => parts.flatMap((part) => part(docs));
  }
  return (docs) => p.commands.reduce((rows, c) => run(c, rows), head(docs));
}

/** Parse once (throws ParseError), run many times (throws OutsideModel outside the model). */
export function compileCorrelationSpl(text: string): CompiledProgram {
  return compile(buildProgram(text));
}
