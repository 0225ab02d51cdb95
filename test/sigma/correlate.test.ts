import { describe, expect, it } from "vitest";
import { correlate, type Alert } from "../../src/sigma/correlate.js";
import type { CorrelationIR } from "../../src/sigma/correlation-ir.js";
import { formatTimestampUs, parseTimestampUs } from "../../src/sigma/correlation-time.js";
import { baseRule, correlationIR, correlationText } from "../helpers/correlation.js";

/**
 * The reference correlator's semantics, each on a stream small enough to reason about by hand.
 * Times are seconds after 10:00:00 UTC; every event has the verb its rule selects.
 */

const RULES = {
  "a.yml": baseRule("Rule A", "rule_a", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", ["verb: create"]),
  "b.yml": baseRule("Rule B", "rule_b", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", ["verb: list"]),
  "c.yml": baseRule("Rule C", "rule_c", "cccccccc-cccc-4ccc-8ccc-cccccccccccc", ["verb: delete"]),
  // Matches every event whose verb is create or list: overlaps A and B.
  "ab.yml": baseRule("Rule AB", "rule_ab", "dddddddd-dddd-4ddd-8ddd-dddddddddddd", [
    "verb: [create, list]",
  ]),
};

const ORIGIN = parseTimestampUs("2026-11-21T10:00:00Z")!;
const at = (seconds: number, micros = 0): string =>
  formatTimestampUs(ORIGIN + Math.round(seconds * 1e6) + micros);

function ev(verb: string, seconds: number, user: unknown = "mallory", extra: object = {}): object {
  return { verb, user: { username: user }, stageTimestamp: at(seconds), ...extra };
}

function ir(
  type: string,
  rules: string[],
  timespan: string,
  extra: string[] = [],
  groupBy?: string[],
): CorrelationIR {
  return correlationIR(
    { ...RULES, "corr.yml": correlationText("Under test", type, rules, timespan, extra, groupBy) },
    "Under test",
  );
}

/** Matches as `group@seconds` (or the time itself when it is not a whole offset). */
function show(alerts: readonly Alert[]): string[] {
  return alerts.map((a) => `${a.group.join("|")}@${(a.time - ORIGIN) / 1e6}`);
}

describe("reference correlator: sliding windows", () => {
  const three = ir("event_count", ["rule_a"], "5m", ["condition: {gte: 3}"]);

  it("a window ends at every event and includes both ends", () => {
    const stream = [ev("create", 0), ev("create", 100), ev("create", 300)];
    expect(show(correlate(three, stream).alerts)).toEqual(["mallory@300"]);
    const late = [ev("create", 0), ev("create", 100), ev("create", 300.000001)];
    expect(show(correlate(three, late).alerts)).toEqual([]);
  });

  it("every later event whose window still holds enough is a match too", () => {
    const stream = [0, 10, 20, 30, 400].map((t) => ev("create", t));
    expect(show(correlate(three, stream).alerts)).toEqual(["mallory@20", "mallory@30"]);
  });

  it("arrival order does not matter; equal times count together", () => {
    const stream = [ev("create", 50), ev("create", 0), ev("create", 50)];
    expect(show(correlate(three, stream).alerts)).toEqual(["mallory@50"]);
    expect(show(correlate(three, [...stream].reverse()).alerts)).toEqual(["mallory@50"]);
  });

  it("a condition that is not a lower bound is tested at every event", () => {
    const fewer = ir("event_count", ["rule_a"], "1m", ["condition: {lt: 2}"]);
    const stream = [0, 30, 200].map((t) => ev("create", t));
    expect(show(correlate(fewer, stream).alerts)).toEqual(["mallory@0", "mallory@200"]);
  });
});

describe("reference correlator: groups", () => {
  const two = ir("event_count", ["rule_a"], "5m", ["condition: {gte: 2}"]);

  it("an event without a value for a group field belongs to no group", () => {
    const stream = [
      ev("create", 0, null),
      ev("create", 1, undefined),
      { verb: "create", stageTimestamp: at(2) },
    ];
    expect(show(correlate(two, stream).alerts)).toEqual([]);
  });

  it("several values put an event in each one's group; values are compared as text", () => {
    const stream = [
      ev("create", 0, ["x", "y"]),
      ev("create", 1, "y"),
      ev("create", 2, 5),
      ev("create", 3, "5"),
    ];
    expect(show(correlate(two, stream).alerts)).toEqual(["y@1", "5@3"]);
  });

  it("no group-by: one group for every event", () => {
    const all = ir("event_count", ["rule_a"], "5m", ["condition: {gte: 2}"], []);
    expect(show(correlate(all, [ev("create", 0, "x"), ev("create", 1, "y")]).alerts)).toEqual([
      "@1",
    ]);
  });
});

describe("reference correlator: one event, several rules", () => {
  it("counts once for event_count", () => {
    const c = ir("event_count", ["rule_a", "rule_ab"], "5m", ["condition: {gte: 2}"]);
    expect(show(correlate(c, [ev("create", 0)]).alerts)).toEqual([]);
    expect(show(correlate(c, [ev("create", 0), ev("list", 1)]).alerts)).toEqual(["mallory@1"]);
  });

  it("counts for each rule in temporal, but cannot be two steps of temporal_ordered", () => {
    const t = ir("temporal", ["rule_a", "rule_ab"], "5m");
    expect(show(correlate(t, [ev("create", 0)]).alerts)).toEqual(["mallory@0"]);
    const o = ir("temporal_ordered", ["rule_a", "rule_ab"], "5m");
    expect(show(correlate(o, [ev("create", 0)]).alerts)).toEqual([]);
    expect(show(correlate(o, [ev("create", 0), ev("list", 1)]).alerts)).toEqual(["mallory@1"]);
  });
});

describe("reference correlator: types", () => {
  it("value_count counts distinct values of the field, each value of an array", () => {
    const c = ir("value_count", ["rule_a"], "10m", ["condition: {field: objectRef.name, gte: 3}"]);
    const stream = [
      ev("create", 0, "eve", { objectRef: { name: "a" } }),
      ev("create", 1, "eve", { objectRef: { name: "a" } }),
      ev("create", 2, "eve", { objectRef: {} }),
      ev("create", 3, "eve", { objectRef: { name: ["b", "c"] } }),
    ];
    expect(show(correlate(c, stream).alerts)).toEqual(["eve@3"]);
  });

  it("temporal counts the rules seen in the window", () => {
    const c = ir("temporal", ["rule_a", "rule_b", "rule_c"], "5m", ["condition: {gte: 2}"]);
    expect(
      show(correlate(c, [ev("create", 0), ev("create", 10), ev("delete", 400)]).alerts),
    ).toEqual([]);
    expect(show(correlate(c, [ev("create", 0), ev("delete", 300)]).alerts)).toEqual([
      "mallory@300",
    ]);
  });

  it("temporal_ordered needs strictly increasing times in rule order", () => {
    const c = ir("temporal_ordered", ["rule_a", "rule_b", "rule_c"], "5m");
    expect(show(correlate(c, [ev("create", 0), ev("list", 5), ev("delete", 10)]).alerts)).toEqual([
      "mallory@10",
    ]);
    expect(show(correlate(c, [ev("create", 0), ev("list", 5), ev("delete", 5)]).alerts)).toEqual(
      [],
    );
    expect(show(correlate(c, [ev("list", 0), ev("create", 5), ev("delete", 10)]).alerts)).toEqual(
      [],
    );
    // The latest possible start: A@0 B@10 A@290 B@295 C@320 → A@290, B@295 fit in [20, 320].
    const stream = [
      ev("create", 0),
      ev("list", 10),
      ev("create", 290),
      ev("list", 295),
      ev("delete", 320),
    ];
    expect(show(correlate(c, stream).alerts)).toEqual(["mallory@320"]);
  });

  it("a correlation of correlations: matches of the inner one are the outer one's events", () => {
    const files = {
      ...RULES,
      "inner.yml": correlationText("Inner", "event_count", ["rule_a"], "5m", [
        "condition: {gte: 3}",
      ]).replace("title: Inner\n", "title: Inner\nname: inner\n"),
      "outer.yml": correlationText("Outer", "temporal_ordered", ["inner", "rule_b"], "10m"),
    };
    const outer = correlationIR(files, "Outer");
    const stream = [
      ev("create", 0),
      ev("create", 1),
      ev("create", 2),
      ev("list", 60),
      ev("list", 1000),
    ];
    expect(show(correlate(outer, stream).alerts)).toEqual(["mallory@60"]);
  });
});

describe("reference correlator: fixed windows, lateness, untimed events", () => {
  it("fixed windows start at multiples of the timespan from the epoch", () => {
    const sliding = ir("event_count", ["rule_a"], "10m", ["condition: {gte: 2}"]);
    const fixed = { ...sliding, window: "fixed" as const };
    // 10:09:00 and 10:11:00 are in two fixed windows, one sliding one.
    const straddle = [ev("create", 540), ev("create", 660)];
    expect(show(correlate(sliding, straddle).alerts)).toEqual(["mallory@660"]);
    expect(show(correlate(fixed, straddle).alerts)).toEqual([]);
    expect(show(correlate(fixed, [ev("create", 601), ev("create", 1199)]).alerts)).toEqual([
      "mallory@600",
    ]);
  });

  it("the lateness model drops an event older than one already released", () => {
    const c = ir("event_count", ["rule_a"], "5m", ["condition: {gte: 2}"]);
    // With 50 s, the event at +160 s releases the one at +100 s, so +30 s arrives too late.
    const stream = [ev("create", 0), ev("create", 100), ev("create", 160), ev("create", 30)];
    const kept = correlate(c, stream, { lateness: 150_000_000 });
    expect(kept.late).toBe(0);
    expect(show(kept.alerts)).toEqual(["mallory@30", "mallory@100", "mallory@160"]);
    const dropped = correlate(c, stream, { lateness: 50_000_000 });
    expect(dropped.late).toBe(1);
    expect(show(dropped.alerts)).toEqual(["mallory@100", "mallory@160"]);
  });

  it("an event without a readable time takes no part and is counted", () => {
    const c = ir("event_count", ["rule_a"], "5m", ["condition: {gte: 2}"]);
    const stream = [
      ev("create", 0),
      { verb: "create", user: { username: "mallory" }, stageTimestamp: "10:00" },
    ];
    const r = correlate(c, stream);
    expect(r.untimed).toBe(1);
    expect(r.alerts).toEqual([]);
  });
});
