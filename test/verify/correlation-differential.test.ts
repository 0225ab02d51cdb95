import { describe, expect, it } from "vitest";
import { compileCorrelationForTarget } from "../../src/compile-correlation.js";
import { correlate } from "../../src/sigma/correlate.js";
import type { CorrelationIR } from "../../src/sigma/correlation-ir.js";
import { formatTimestampUs, parseTimestampUs } from "../../src/sigma/correlation-time.js";
import { expectedCorrelation, verifyCorrelations } from "../../src/parity/correlations.js";
import type { SequenceFixture } from "../../src/verify/correlation/sequences.js";
import { baseRule, correlationIR, correlationText } from "../helpers/correlation.js";

/**
 * Differential check of the Splunk, JS and SQL translations on random event streams: the interpreted
 * SPL (also with the events in reverse order), the generated JS module and the SQL statement run
 * by DuckDB on the SQL view of the stream must give exactly the
 * matches of the reference correlator on each target's effective correlation. Streams mix ties,
 * boundaries at the microsecond, missing, null, array and number-like group values, and arrival
 * out of time order (sometimes beyond the JS correlator's 60 s reorder horizon).
 */

const RULES = {
  "a.yml": baseRule("Rule A", "rule_a", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", ["verb: create"]),
  "b.yml": baseRule("Rule B", "rule_b", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", ["verb: list"]),
  "c.yml": baseRule("Rule C", "rule_c", "cccccccc-cccc-4ccc-8ccc-cccccccccccc", ["verb: delete"]),
  "ab.yml": baseRule("Rule AB", "rule_ab", "dddddddd-dddd-4ddd-8ddd-dddddddddddd", [
    "verb: [create, list]",
  ]),
  "inner.yml": correlationText("Inner", "event_count", ["rule_a"], "30s", [
    "condition: {gte: 2}",
  ]).replace("title: Inner\n", "title: Inner\nname: inner\n"),
};

const CASES: readonly [string, string][] = [
  [
    "count >= 3",
    correlationText("count >= 3", "event_count", ["rule_a"], "30s", ["condition: {gte: 3}"]),
  ],
  [
    "count < 2",
    correlationText("count < 2", "event_count", ["rule_a"], "30s", ["condition: {lt: 2}"]),
  ],
  [
    "two rules counted once",
    correlationText("two rules counted once", "event_count", ["rule_a", "rule_ab"], "30s", [
      "condition: {gte: 3}",
    ]),
  ],
  [
    "range",
    correlationText("range", "event_count", ["rule_b"], "1m", ["condition: {gt: 1, lte: 3}"]),
  ],
  [
    "distinct names",
    correlationText("distinct names", "value_count", ["rule_a"], "1m", [
      "condition: {field: objectRef.name, gte: 2}",
    ]),
  ],
  [
    "two of three rules",
    correlationText("two of three rules", "temporal", ["rule_a", "rule_b", "rule_c"], "30s", [
      "condition: {gte: 2}",
    ]),
  ],
  [
    "three in order",
    correlationText("three in order", "temporal_ordered", ["rule_a", "rule_b", "rule_c"], "45s"),
  ],
  [
    "overlapping steps",
    correlationText("overlapping steps", "temporal_ordered", ["rule_ab", "rule_b"], "20s"),
  ],
  [
    "two group fields",
    correlationText(
      "two group fields",
      "temporal",
      ["rule_a", "rule_b"],
      "30s",
      [],
      ["user.username", "objectRef.namespace"],
    ),
  ],
  [
    "no group",
    correlationText("no group", "event_count", ["rule_c"], "10s", ["condition: {gte: 2}"], []),
  ],
  [
    "correlation of correlations",
    correlationText("correlation of correlations", "temporal_ordered", ["inner", "rule_b"], "1m"),
  ],
];

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ORIGIN = parseTimestampUs("2026-11-21T10:00:00Z")!;
const USERS: readonly unknown[] = [
  "alice",
  "bob",
  "0123",
  "123",
  null,
  undefined,
  ["alice", "bob"],
  7,
];

function stream(seed: number): unknown[] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = 5 + Math.floor(r() * 40);
  const timed = Array.from({ length: n }, () => {
    const seconds = Math.floor(r() * 150);
    const micros = pick([0, 0, 0, 1, 500_000, 999_999]);
    const t = ORIGIN + seconds * 1_000_000 + micros;
    const user = pick(USERS);
    const event: Record<string, unknown> = {
      verb: pick(["create", "create", "list", "delete", "get"]),
      user: user === undefined ? {} : { username: user },
      objectRef: { name: pick(["a", "b", "c", undefined]), namespace: pick(["x", "y"]) },
      stageTimestamp: r() < 0.03 ? "2026-11-21T10:00:00Z" : formatTimestampUs(t),
    };
    // Arrival: mostly near time order, sometimes far behind.
    return { event, key: t + (r() < 0.1 ? 90_000_000 : r() * 20_000_000) };
  });
  return timed.sort((x, y) => x.key - y.key).map((x) => x.event);
}

const SEQUENCES: SequenceFixture[] = Array.from({ length: 60 }, (_, i) => ({
  id: `seed-${i}`,
  why: "random",
  events: stream(1000 + i),
  matches: {},
  file: "(generated)",
  line: i + 1,
}));

describe("correlation translations agree with the reference correlator on random streams", () => {
  const irs: CorrelationIR[] = CASES.map(([title, text]) =>
    correlationIR({ ...RULES, "case.yml": text }, title),
  );

  it("Splunk and JS: no translation, order or model disagreement", async () => {
    const report = await verifyCorrelations(irs, SEQUENCES, { targets: ["splunk", "js"] });
    const wrong = report.disagreements.filter(
      (d) => !["label", "declared-deviation", "undeclared-deviation"].includes(d.kind),
    );
    expect(wrong.slice(0, 5)).toEqual([]);
    // Splunk refuses only the correlation of correlations (one search cannot chain them).
    expect(report.perTarget["splunk"]?.unsupported).toBe(1);
    expect(report.perTarget["js"]?.unsupported).toBe(0);
    expect(report.perTarget["js"]?.cases).toBe(CASES.length * SEQUENCES.length);
  });

  // DuckDB runs one statement per case: half the streams keep the suite's time modest.
  it("SQL (DuckDB): no translation or model disagreement", async () => {
    const streams = SEQUENCES.slice(0, 30);
    const report = await verifyCorrelations(irs, streams, { targets: ["sql"] });
    const wrong = report.disagreements.filter(
      (d) => !["label", "declared-deviation", "undeclared-deviation"].includes(d.kind),
    );
    expect(wrong.slice(0, 5)).toEqual([]);
    // The SQL target refuses only the correlation of correlations.
    expect(report.perTarget["sql"]?.unsupported).toBe(1);
    expect(report.perTarget["sql"]?.cases).toBe((CASES.length - 1) * streams.length);
  });

  it("the streams are not vacuous: every case matches somewhere, and some events arrive too late", async () => {
    for (const ir of irs) {
      const matches = SEQUENCES.reduce((n, s) => n + correlate(ir, s.events).alerts.length, 0);
      expect(matches, ir.correlation.title).toBeGreaterThan(5);
    }
    const js = await compileCorrelationForTarget(irs[0]!, "js");
    const late = SEQUENCES.reduce(
      (n, s) =>
        n + correlate(expectedCorrelation(irs[0]!, js), s.events, { lateness: js.lateness! }).late,
      0,
    );
    expect(late).toBeGreaterThan(0);
  });
});
