import { describe, expect, it } from "vitest";
import { compileEqlSequence } from "../../src/verify/correlation/eql-sequence.js";
import { compileEsqlStats } from "../../src/verify/correlation/esql-stats.js";
import { parseEql } from "../../src/verify/eql/parse.js";
import { parseEsql } from "../../src/verify/esql/parse.js";
import { ParseError } from "../../src/verify/types.js";

/**
 * The Elastic correlation interpreters on hand-made audit_logs documents, each case a statement of
 * Elasticsearch's documented behaviour: EQL's inclusive maxspan, its one-sequence-per-event
 * pairing and timestamp-then-document order, non-null join keys; ES|QL's null group, epoch-aligned
 * buckets and distinct counts; dates kept to the millisecond.
 */

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);

function iso(ms: number, micros = 0): string {
  return new Date(ms).toISOString().replace("Z", `${String(micros).padStart(3, "0")}Z`);
}

function doc(
  verb: string,
  ms: number,
  user?: string,
  extra: Record<string, unknown> = {},
  micros = 0,
) {
  return {
    data_stream: { type: "logs", dataset: "kubernetes.audit_logs", namespace: "default" },
    ...(user === undefined ? {} : { user: { name: user } }),
    kubernetes: { audit: { verb, stageTimestamp: iso(ms, micros), ...extra } },
  };
}

const SEQ = [
  "sequence by user.name with maxspan=2m",
  '  [any where kubernetes.audit.verb == "create"]',
  '  [any where kubernetes.audit.verb == "list"]',
].join("\n");
const TS = "kubernetes.audit.stageTimestamp";
const run = (docs: unknown[]) =>
  compileEqlSequence(
    SEQ,
    TS,
  )(docs).map((m) => `${m.keys.join(",")}@${(m.timeUs / 1000 - T0) / 1000}`);

describe("EQL sequences", () => {
  it("maxspan is inclusive, to the millisecond the date field keeps", () => {
    expect(run([doc("create", T0, "t"), doc("list", T0 + 120_000, "t")])).toEqual(["t@120"]);
    expect(run([doc("create", T0, "t"), doc("list", T0 + 120_001, "t")])).toEqual([]);
    // 120 s and 900 µs: the microseconds are not in the index.
    expect(run([doc("create", T0, "t"), doc("list", T0 + 120_000, "t", {}, 900)])).toEqual([
      "t@120",
    ]);
  });

  it("each event is in at most one sequence; a later event takes the latest pending one", () => {
    expect(
      run([doc("create", T0, "t"), doc("list", T0 + 10_000, "t"), doc("list", T0 + 20_000, "t")]),
    ).toEqual(["t@10"]);
    expect(
      run([
        doc("create", T0, "t"),
        doc("create", T0 + 5_000, "t"),
        doc("list", T0 + 10_000, "t"),
        doc("list", T0 + 20_000, "t"),
      ]),
    ).toEqual(["t@10"]);
  });

  it("one timestamp: document order decides; time order beats arrival order", () => {
    expect(run([doc("create", T0, "t"), doc("list", T0, "t")])).toEqual(["t@0"]);
    expect(run([doc("list", T0, "t"), doc("create", T0, "t")])).toEqual([]);
    expect(run([doc("list", T0 + 45_000, "t"), doc("create", T0, "t")])).toEqual(["t@45"]);
  });

  it("join keys: an event without one is in no sequence; keys must be equal", () => {
    expect(run([doc("create", T0), doc("list", T0 + 1_000, "t")])).toEqual([]);
    expect(run([doc("create", T0, "e"), doc("list", T0 + 1_000, "t")])).toEqual([]);
  });

  it("what EQL refuses is a ParseError at its position; the per-event reader refuses sequences", () => {
    const parseError = (f: () => unknown): ParseError => {
      try {
        f();
      } catch (e) {
        if (e instanceof ParseError) return e;
        throw e;
      }
      throw new Error("no ParseError");
    };
    const late = parseError(() =>
      compileEqlSequence(
        "sequence with maxspan=2m by user.name [any where true] [any where true]",
        TS,
      ),
    );
    expect(late.message).toMatch(/before \[with\]/);
    expect(late.col).toBe(26);
    expect(parseError(() => compileEqlSequence("sequence [any where true]", TS)).message).toMatch(
      /at least two/,
    );
    expect(parseError(() => parseEql(SEQ)).message).toMatch(/sequences/);
  });
});

const STATS = (where: string, agg = "COUNT(*)") =>
  [
    "FROM logs-kubernetes.audit_logs-* METADATA _id, _index, _version",
    '| WHERE kubernetes.audit.verb == "get"',
    ...(where === "" ? [] : [`| WHERE ${where}`]),
    `| STATS n = ${agg} BY user.name, w = BUCKET(kubernetes.audit.stageTimestamp, 5 minutes)`,
    "| WHERE n >= 2",
  ].join("\n");
const runStats = (text: string, docs: unknown[]) =>
  compileEsqlStats(text)(docs)
    .map((m) => `${m.keys.join(",")}@${(m.timeUs / 1000 - T0) / 1000}`)
    .sort();

describe("ES|QL STATS … BY BUCKET", () => {
  it("buckets start at multiples of the span from the epoch, a millisecond apart is another bucket", () => {
    const docs = [
      doc("get", T0 + 299_998, "m"),
      doc("get", T0 + 299_999, "m"),
      doc("get", T0 + 300_000, "m"),
    ];
    expect(runStats(STATS(""), docs)).toEqual(["m@0"]);
    expect(runStats(STATS(""), [...docs, doc("get", T0 + 300_001, "m")])).toEqual(["m@0", "m@300"]);
  });

  it("rows without a BY value form the null group unless removed first", () => {
    const docs = [doc("get", T0), doc("get", T0 + 1_000)];
    expect(runStats(STATS(""), docs)).toEqual(["@0"]);
    expect(compileEsqlStats(STATS(""))(docs)[0]?.keys).toEqual([null]);
    expect(runStats(STATS("user.name IS NOT NULL"), docs)).toEqual([]);
  });

  it("COUNT_DISTINCT counts every value of a field, nulls not", () => {
    const docs = [
      doc("get", T0, "m", { objectRef: { name: ["a", "b"] } }),
      doc("get", T0 + 1_000, "m", { objectRef: { name: "a" } }),
      doc("get", T0 + 2_000, "m"),
    ];
    const text = STATS("", "COUNT_DISTINCT(kubernetes.audit.objectRef.name, 40000)");
    expect(runStats(text, docs)).toEqual(["m@0"]);
    expect(runStats(text, docs.slice(1))).toEqual([]);
  });

  it("temporal: CASE marks each rule a row matches, MAX per bucket, the marks added", () => {
    const text = [
      "FROM logs-kubernetes.audit_logs-*",
      '| WHERE kubernetes.audit.verb IN ("get", "list")',
      '| EVAL r1 = CASE(kubernetes.audit.verb == "get", 1, 0), r2 = CASE(kubernetes.audit.objectRef.name == "x", 1, 0)',
      "| STATS r1 = MAX(r1), r2 = MAX(r2) BY user.name, w = BUCKET(kubernetes.audit.stageTimestamp, 5 minutes)",
      "| EVAL n = r1 + r2",
      "| WHERE n >= 2",
    ].join("\n");
    // One event matching both rules is enough; two events of one rule are not.
    expect(runStats(text, [doc("get", T0, "m", { objectRef: { name: "x" } })])).toEqual(["m@0"]);
    expect(runStats(text, [doc("get", T0, "m"), doc("get", T0 + 1_000, "m")])).toEqual([]);
    // A null condition (no name) is not true: the else value.
    expect(
      runStats(text, [doc("list", T0, "m", { objectRef: { name: "x" } }), doc("get", T0 + 1, "m")]),
    ).toEqual(["m@0"]);
  });

  it("the per-event reader refuses STATS at its position", () => {
    expect(() => parseEsql(STATS(""))).toThrow(/STATS is outside the per-event subset/);
  });
});
