import type { CountTest } from "../../sigma/correlation.js";
import { lowerBound } from "../../sigma/correlation.js";
import type { CountType } from "../../sigma/correlation.js";

/**
 * The SPL pipeline of a correlation, from the base searches and field names (already checked by
 * correlation.ts). Every window is measured on `sigma_time`, the event's own timestamp in integer
 * microseconds (exact in a double), so no comparison depends on float rounding or on how the
 * indexer set `_time`. Rows are sorted explicitly: a search returns events newest first.
 *
 * Which window each form computes:
 * - `streamstats window=N global=false … BY group` over rows sorted by time: the N latest events of
 *   the group up to this one; with their earliest time within the timespan this is exactly "at
 *   least N events in [t − T, t]" (the sliding window) for a lower-bound condition.
 * - `filldown` over rows sorted by group and time carries, for every rule, the time of its latest
 *   event (and the group it belongs to) down to each row: exactly the sliding window for temporal,
 *   and with rows of one time sorted last rule first, the strict chains of temporal_ordered.
 *   `eventstats max(...) BY group time` gives every row of one time the count of the whole window.
 * - `stats … BY window group` with `window = time − time % T`: fixed windows aligned to the epoch,
 *   what `bin span=T` computes; a declared degradation.
 */

export interface SplShape {
  readonly type: CountType;
  readonly timespanUs: number;
  readonly condition: readonly Pick<CountTest, "op" | "value">[];
  /** The rows: one search (`Q`) or `| multisearch [...]`, each row tagged with sigma_step for temporal types. */
  readonly rows: string;
  /** `'field'` (quoted for eval) of the timestamp. */
  readonly timeField: string;
  /** Group-by fields, quoted for eval, and the names the result columns get. */
  readonly groups: readonly { readonly field: string; readonly name: string }[];
  /** value_count: the quoted field whose distinct values count. */
  readonly valueField?: string;
  readonly steps: number;
}

/** Splunk's `max_stream_window`: the largest `window` streamstats accepts. */
export const MAX_STREAM_WINDOW = 10_000;

export type WindowForm = "streamstats" | "filldown" | "fixed";

/** Which form says a correlation: sliding where Splunk can say it exactly, else fixed windows. */
export function windowForm(shape: Pick<SplShape, "type" | "condition">): WindowForm {
  if (shape.type === "temporal" || shape.type === "temporal_ordered") return "filldown";
  if (shape.type === "value_count") return "fixed";
  const n = lowerBound(shape.condition);
  return n !== undefined && n <= MAX_STREAM_WINDOW ? "streamstats" : "fixed";
}

const CMP: Readonly<Record<CountTest["op"], string>> = {
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  eq: "==",
  neq: "!=",
};

function condition(tests: SplShape["condition"], field: string): string {
  return tests.map((t) => `${field}${CMP[t.op]}${t.value}`).join(" AND ");
}

/** `sigma_g1 sigma_g2` for BY clauses (empty when there is no group). */
function groupNames(shape: SplShape): string[] {
  return shape.groups.map((_, i) => `sigma_g${i + 1}`);
}

/** The pipeline text, one command per line after the rows. */
export function correlationSpl(shape: SplShape): string {
  const out: string[] = [shape.rows];
  const T = shape.timespanUs;
  const g = groupNames(shape);
  const by = g.length > 0 ? ` BY ${g.join(" ")}` : "";
  out.push(
    `| eval sigma_time=round(strptime(replace(${shape.timeField}, "Z$", "+0000"), "%Y-%m-%dT%H:%M:%S.%6N%z") * 1000000)`,
  );
  shape.groups.forEach((grp, i) => out.push(`| eval ${g[i]}=${grp.field}`));
  if (shape.valueField !== undefined) out.push(`| eval sigma_value=${shape.valueField}`);
  out.push(
    `| where ${["isnotnull(sigma_time)", ...g.map((n) => `isnotnull(${n})`)].join(" AND ")}`,
  );
  const form = windowForm(shape);
  let timeColumn = "sigma_time";
  switch (form) {
    case "streamstats": {
      const n = lowerBound(shape.condition)!;
      // A lower bound of 0 or 1 holds at every event (a window holds at least its own).
      if (n > 1) {
        out.push("| sort 0 num(sigma_time)");
        out.push(
          `| streamstats window=${n} global=false count AS sigma_count min(sigma_time) AS sigma_first${by}`,
        );
        out.push(`| where sigma_count>=${n} AND sigma_time-sigma_first<=${T}`);
      }
      break;
    }
    case "fixed": {
      timeColumn = "sigma_window";
      out.push(`| eval sigma_window=sigma_time-(sigma_time%${T})`);
      const agg = shape.type === "value_count" ? "dc(sigma_value)" : "count";
      out.push(`| stats ${agg} AS sigma_count BY sigma_window${g.length ? " " + g.join(" ") : ""}`);
      out.push(`| where ${condition(shape.condition, "sigma_count")}`);
      break;
    }
    case "filldown":
      out.push(...chains(shape, g, T));
      break;
  }
  out.push(`| stats count AS sigma_rows BY ${[timeColumn, ...g].join(" ")}`);
  if (shape.groups.length > 0)
    out.push(`| rename ${shape.groups.map((grp, i) => `${g[i]} AS "${grp.name}"`).join(", ")}`);
  return out.join("\n");
}

/** temporal and temporal_ordered: per-rule times carried down each group's rows. */
function chains(shape: SplShape, g: readonly string[], T: number): string[] {
  const out: string[] = [];
  // Never a number: eval's == compares numeric-looking text as numbers ("0123" == "123").
  // Each value but the last is prefixed with its length, so the key is injective.
  const key = ['"k:"', ...g.slice(0, -1).map((n) => `len(${n}).":".${n}.":"`), ...g.slice(-1)].join(
    ".",
  );
  out.push(`| eval sigma_key=${key}`);
  const k = shape.steps;
  const same = (i: number): string => `isnotnull(sigma_k${i}) AND sigma_k${i}==sigma_key`;
  if (shape.type === "temporal") {
    out.push("| sort 0 str(sigma_key) num(sigma_time)");
    const carried: string[] = [];
    for (let i = 1; i <= k; i++) {
      out.push(`| eval sigma_t${i}=if(sigma_step==${i}, sigma_time, null())`);
      out.push(`| eval sigma_k${i}=if(sigma_step==${i}, sigma_key, null())`);
      carried.push(`sigma_t${i}`, `sigma_k${i}`);
    }
    out.push(`| filldown ${carried.join(" ")}`);
    const terms = Array.from(
      { length: k },
      (_, j) => `if(${same(j + 1)} AND sigma_time-sigma_t${j + 1}<=${T}, 1, 0)`,
    );
    out.push(`| eval sigma_count=${terms.join(" + ")}`);
    out.push("| eventstats max(sigma_count) AS sigma_count BY sigma_key sigma_time");
    out.push(`| where ${condition(shape.condition, "sigma_count")}`);
    return out;
  }
  // Rows of one time: the last rule first, so a chain never continues from an event of its own time.
  out.push("| sort 0 str(sigma_key) num(sigma_time) -num(sigma_step)");
  for (let i = 1; i < k; i++) {
    const start =
      i === 1
        ? `if(sigma_step==1, sigma_time, null())`
        : `if(sigma_step==${i} AND ${same(i - 1)}, sigma_s${i - 1}, null())`;
    out.push(`| eval sigma_s${i}=${start}`);
    out.push(`| eval sigma_k${i}=if(isnotnull(sigma_s${i}), sigma_key, null())`);
    out.push(`| filldown sigma_s${i} sigma_k${i}`);
  }
  out.push(
    k === 1
      ? "| where sigma_step==1"
      : `| where sigma_step==${k} AND ${same(k - 1)} AND sigma_time-sigma_s${k - 1}<=${T}`,
  );
  return out;
}
