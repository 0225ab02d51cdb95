import { assertNever } from "../../diagnostics.js";
import { esqlInterpreter } from "../esql/index.js";
import { parseEsqlStats, type StatsCommand } from "../esql/stats.js";
import { valuesAt } from "../kql/interpret.js";
import { OutsideModel } from "../spl/evaluate.js";
import {
  aggregate,
  byColumn,
  condition,
  numeric,
  parseFail,
  rowColumn,
  scalarText,
  type Cell,
  type Row,
} from "./esql-stats-columns.js";
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
