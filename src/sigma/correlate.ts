import { assertNever } from "../diagnostics.js";
import type { Expr } from "../ir.js";
import { conditionHolds } from "./correlation.js";
import type { CorrelationIR, CorrelationStep } from "./correlation-ir.js";
import { parseTimestampUs } from "./correlation-time.js";
import { compilePredicate } from "./evaluate.js";
import { fieldAccessor } from "./eval-lookup.js";
import { inLogsource } from "./logsource-membership.js";

/**
 * The reference correlator: the meaning of a correlation over a stream of raw events, evaluated
 * in batch (sorted by time, then windows by binary search and two pointers) so that it shares no
 * algorithm with the streaming correlators it judges. Every choice is written down in
 * README ("Correlation semantics"); in short:
 *
 * - An event takes part when some base rule of the tree matches it (an event outside a rule's
 *   logsource never does) and its time field holds one RFC 3339 timestamp
 *   (correlation-time.ts); others are counted as untimed. An event given as null (a target that
 *   never stores it) takes no part.
 * - Group-by: the values of the group fields, as text (numbers by their JSON text, booleans
 *   true/false), compared exactly. A field with several values (an array) puts the event in the
 *   group of each; an event without a value for some group field belongs to no group and takes no
 *   part. A referenced correlation's matches carry their own group-by values.
 * - An event matched by several referenced rules is one event for event_count and value_count,
 *   and counts for each of those rules in temporal and temporal_ordered.
 * - Sliding windows (the specification's meaning): for each group, at every time t at which the
 *   group has an event, the window holds the group's events with a time in [t − timespan, t],
 *   both ends included, whatever order they arrived in. The condition is tested on that window:
 *   event_count counts events, value_count distinct values of the value field, temporal distinct
 *   rules. A match is (group, t); t is the match's time.
 * - temporal_ordered: a match at the time t of an event of the last rule when events of rules
 *   1..K with strictly increasing times end there and the first is at or after t − timespan
 *   (equal times have no order, so they never make a sequence).
 * - Consumed chains (`chains: consume`, a target's effective meaning, never Sigma's): the group's
 *   events in time order, equal times in arrival order; an event of rule 1 opens a pending chain;
 *   an event of rule i > 1 takes the latest pending chain at rule i − 1 that ends before it in
 *   that order, discarding it and every older one there, and extends it when the chain's first
 *   event is at or after its time − timespan. A match at the time of each completed chain.
 * - Fixed windows (a target's effective meaning, never Sigma's): the windows are [k·T, (k+1)·T)
 *   from the epoch; a match is (group, window start), tested on the whole window.
 * - `lateness` models a streaming correlator that reads events in arrival order and holds them
 *   for that long (µs) to put them in time order: an event older than one already released is
 *   dropped (counted as late) before the correlation is evaluated.
 */

export interface Alert {
  readonly group: readonly string[];
  /** Microseconds since the epoch: the window's end (sliding) or start (fixed). */
  readonly time: number;
  readonly count: number;
}

export interface CorrelateOptions {
  /** The reorder horizon of a streaming correlator, in microseconds (default: none, sort all). */
  readonly lateness?: number;
}

export interface CorrelateResult {
  readonly alerts: readonly Alert[];
  /** Events some base rule matched but whose time field holds no timestamp. */
  readonly untimed: number;
  /** Events the lateness model dropped. */
  readonly late: number;
}

interface Timed {
  readonly index: number;
  readonly time: number;
  readonly event: unknown;
}

const accessors = new Map<string, ReturnType<typeof fieldAccessor>>();

function accessor(field: string): ReturnType<typeof fieldAccessor> {
  let a = accessors.get(field);
  if (a === undefined) {
    a = fieldAccessor(field);
    accessors.set(field, a);
  }
  return a;
}

/** Text of each scalar value at a field (arrays flattened), each once, in order. */
export function fieldTexts(event: unknown, field: string): string[] {
  const out: string[] = [];
  accessor(field).some(event, (v) => {
    const text =
      typeof v === "string"
        ? v
        : typeof v === "number"
          ? String(v)
          : typeof v === "boolean"
            ? String(v)
            : undefined;
    if (text !== undefined && !out.includes(text)) out.push(text);
    return false;
  });
  return out;
}

/** The event's time: its time field must hold exactly one RFC 3339 string. */
export function eventTime(event: unknown, field: string): number | undefined {
  const leaves: unknown[] = [];
  accessor(field).some(event, (v) => {
    leaves.push(v);
    return false;
  });
  return leaves.length === 1 ? parseTimestampUs(leaves[0]) : undefined;
}

export function correlate(
  ir: CorrelationIR,
  events: readonly unknown[],
  options: CorrelateOptions = {},
): CorrelateResult {
  const predicates = new Map<Expr, (e: unknown) => boolean>();
  const collect = (c: CorrelationIR): void => {
    for (const s of c.steps) {
      if (s.kind === "rule") {
        if (predicates.has(s.ir)) continue;
        // A rule applies only to the events of its logsource (logsource-membership.ts).
        const p = compilePredicate(s.ir);
        const logsource = s.rule.logsource;
        predicates.set(s.ir, (e) => inLogsource(logsource, e) && p(e));
      } else collect(s.inner);
    }
  };
  collect(ir);
  const all = [...predicates.values()];
  let untimed = 0;
  const timed: Timed[] = [];
  events.forEach((event, index) => {
    if (event === null || !all.some((p) => p(event))) return;
    const time = eventTime(event, ir.timeField);
    if (time === undefined) untimed++;
    else timed.push({ index, time, event });
  });
  const kept = options.lateness === undefined ? timed : withoutLate(timed, options.lateness);
  kept.sort((a, b) => a.time - b.time || a.index - b.index);
  const alerts = evaluateNode(ir, kept, (s) => predicates.get(s)!);
  return { alerts, untimed, late: timed.length - kept.length };
}

/** Arrival order, a reorder buffer of `lateness`: what a streaming correlator keeps. */
function withoutLate(events: readonly Timed[], lateness: number): Timed[] {
  const kept: Timed[] = [];
  let released = -Infinity;
  let newest = -Infinity;
  const pending: number[] = [];
  for (const e of events) {
    if (e.time < released) continue;
    kept.push(e);
    newest = Math.max(newest, e.time);
    let i = pending.findIndex((t) => t > e.time);
    if (i === -1) i = pending.length;
    pending.splice(i, 0, e.time);
    while (pending.length > 0 && pending[0]! <= newest - lateness) released = pending.shift()!;
  }
  return kept;
}

interface Entry {
  readonly time: number;
  /** Arrival order of the event (or inner match), which orders equal times for `consume`. */
  readonly order: number;
  readonly group: readonly string[];
  readonly steps: Set<number>;
  readonly values: Set<string>;
}

function cross(lists: readonly (readonly string[])[]): string[][] {
  let out: string[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

/** Entries of one correlation: one per (event or inner match, group), with the steps it matched. */
function entriesOf(
  ir: CorrelationIR,
  events: readonly Timed[],
  predicate: (ir: Expr) => (e: unknown) => boolean,
): Entry[] {
  const byOrigin = new Map<string, Entry>();
  const add = (
    origin: string,
    order: number,
    time: number,
    group: string[],
    step: number,
    values: readonly string[],
  ): void => {
    const key = `${origin}\u0000${JSON.stringify(group)}`;
    let entry = byOrigin.get(key);
    if (entry === undefined) {
      entry = { time, order, group, steps: new Set(), values: new Set() };
      byOrigin.set(key, entry);
    }
    entry.steps.add(step);
    for (const v of values) entry.values.add(v);
  };
  ir.steps.forEach((s: CorrelationStep, k) => {
    if (s.kind === "rule") {
      const p = predicate(s.ir);
      for (const e of events) {
        if (!p(e.event)) continue;
        const values = s.valueField === undefined ? [] : fieldTexts(e.event, s.valueField);
        for (const group of cross(s.groupFields.map((f) => fieldTexts(e.event, f))))
          add(`e${e.index}`, e.index, e.time, group, k, values);
      }
      return;
    }
    const inner = evaluateNode(s.inner, events, predicate);
    const at = (name: string): number => s.inner.groupBy.indexOf(name);
    inner.forEach((alert, j) => {
      const group = s.groupFields.map((name) => alert.group[at(name)]!);
      const values = s.valueField === undefined ? [] : [alert.group[at(s.valueField)]!];
      add(`a${k}:${j}`, j, alert.time, group, k, values);
    });
  });
  return [...byOrigin.values()];
}

function evaluateNode(
  ir: CorrelationIR,
  events: readonly Timed[],
  predicate: (ir: Expr) => (e: unknown) => boolean,
): Alert[] {
  const groups = new Map<string, Entry[]>();
  for (const entry of entriesOf(ir, events, predicate)) {
    const key = JSON.stringify(entry.group);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [entry]);
    else list.push(entry);
  }
  const alerts: Alert[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => a.time - b.time);
    const group = list[0]!.group;
    if (ir.type === "temporal_ordered")
      alerts.push(
        ...(ir.chains === "consume" ? consumed(ir, list, group) : ordered(ir, list, group)),
      );
    else if (ir.window === "sliding") alerts.push(...slidingCounts(ir, list, group));
    else alerts.push(...fixedCounts(ir, list, group));
  }
  return alerts.sort(
    (a, b) => a.time - b.time || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)),
  );
}

/** What a window's count is, per type (temporal_ordered has its own evaluation). */
function measure(ir: CorrelationIR, window: readonly Entry[]): number {
  switch (ir.type) {
    case "event_count":
      return window.length;
    case "value_count":
      return new Set(window.flatMap((e) => [...e.values])).size;
    case "temporal":
      return new Set(window.flatMap((e) => [...e.steps])).size;
    case "temporal_ordered":
      return ir.steps.length;
    default:
      return assertNever(ir.type);
  }
}

/**
 * At each distinct time of the group, the window [t − T, t]: two pointers over the sorted entries,
 * with multisets of the values and rules inside the window.
 */
function slidingCounts(
  ir: CorrelationIR,
  list: readonly Entry[],
  group: readonly string[],
): Alert[] {
  const out: Alert[] = [];
  const values = new Map<string, number>();
  const steps = new Map<number, number>();
  const change = <K>(m: Map<K, number>, keys: Iterable<K>, by: number): void => {
    for (const k of keys) {
      const n = (m.get(k) ?? 0) + by;
      if (n === 0) m.delete(k);
      else m.set(k, n);
    }
  };
  let lo = 0;
  for (let hi = 0; hi < list.length; hi++) {
    const entry = list[hi]!;
    change(values, entry.values, 1);
    change(steps, entry.steps, 1);
    const t = entry.time;
    if (hi + 1 < list.length && list[hi + 1]!.time === t) continue;
    for (; list[lo]!.time < t - ir.timespanUs; lo++) {
      change(values, list[lo]!.values, -1);
      change(steps, list[lo]!.steps, -1);
    }
    const count =
      ir.type === "value_count" ? values.size : ir.type === "temporal" ? steps.size : hi - lo + 1;
    if (conditionHolds(ir.condition, count)) out.push({ group, time: t, count });
  }
  return out;
}

function bucketOf(time: number, span: number): number {
  return Math.floor(time / span) * span;
}

function fixedCounts(ir: CorrelationIR, list: readonly Entry[], group: readonly string[]): Alert[] {
  const out: Alert[] = [];
  let start = 0;
  while (start < list.length) {
    const bucket = bucketOf(list[start]!.time, ir.timespanUs);
    let end = start;
    while (end < list.length && bucketOf(list[end]!.time, ir.timespanUs) === bucket) end++;
    const count = measure(ir, list.slice(start, end));
    if (conditionHolds(ir.condition, count)) out.push({ group, time: bucket, count });
    start = end;
  }
  return out;
}

/** The latest time in `times` (sorted) strictly before `t`, or undefined. */
function latestBefore(times: readonly number[], t: number): number | undefined {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : times[lo - 1];
}

/**
 * Chains of rules 1..K with strictly increasing times. Choosing, from the last step backwards, the
 * latest earlier event of each previous rule gives the latest possible start, so a chain fits the
 * window exactly when this one does.
 */
function ordered(ir: CorrelationIR, list: readonly Entry[], group: readonly string[]): Alert[] {
  const k = ir.steps.length;
  const times = ir.steps.map((_, step) => list.filter((e) => e.steps.has(step)).map((e) => e.time));
  const out: Alert[] = [];
  let last = -Infinity;
  for (const t of times[k - 1]!) {
    if (t === last) continue;
    last = t;
    let cur: number | undefined = t;
    for (let step = k - 2; step >= 0 && cur !== undefined; step--)
      cur = latestBefore(times[step]!, cur);
    if (cur === undefined) continue;
    const floor = ir.window === "sliding" ? t - ir.timespanUs : bucketOf(t, ir.timespanUs);
    if (cur < floor) continue;
    const time = ir.window === "sliding" ? t : floor;
    if (out.at(-1)?.time !== time) out.push({ group, time, count: k });
  }
  return out;
}

/**
 * Consumed chains: pending chains per rule (oldest first), each the time of its first event and
 * the position of its last one in (time, arrival) order.
 */
function consumed(ir: CorrelationIR, list: readonly Entry[], group: readonly string[]): Alert[] {
  const k = ir.steps.length;
  const sorted = [...list].sort((a, b) => a.time - b.time || a.order - b.order);
  const pending: { first: number; at: number }[][] = Array.from({ length: k }, () => []);
  const out: Alert[] = [];
  sorted.forEach((entry, at) => {
    // From the last rule down, so that an event never extends a chain it opened itself.
    for (let step = k - 1; step >= 0; step--) {
      if (!entry.steps.has(step)) continue;
      if (step === 0) {
        if (k === 1) out.push({ group, time: entry.time, count: k });
        else pending[0]!.push({ first: entry.time, at });
        continue;
      }
      const before = pending[step - 1]!;
      let i = before.length - 1;
      while (i >= 0 && before[i]!.at >= at) i--;
      if (i < 0) continue;
      const chain = before[i]!;
      before.splice(0, i + 1);
      if (entry.time - chain.first > ir.timespanUs) continue;
      if (step === k - 1) {
        if (out.at(-1)?.time !== entry.time) out.push({ group, time: entry.time, count: k });
      } else pending[step]!.push({ first: chain.first, at });
    }
  });
  return out;
}
