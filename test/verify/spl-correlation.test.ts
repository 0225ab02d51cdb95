import { describe, expect, it } from "vitest";
import { compileCorrelationForTarget } from "../../src/compile-correlation.js";
import { compileCorrelationIR } from "../../src/compile-correlation.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { correlate } from "../../src/sigma/correlate.js";
import { formatTimestampUs } from "../../src/sigma/correlation-time.js";
import { loadSequences } from "../../src/verify/correlation/sequences.js";
import { compileCorrelationSpl } from "../../src/verify/correlation/spl-run.js";
import { strptime } from "../../src/verify/correlation/spl-time.js";
import { expectedCorrelation } from "../../src/parity/correlations.js";
import { OutsideModel } from "../../src/verify/spl/evaluate.js";
import { ParseError } from "../../src/verify/types.js";
import { splunkView } from "../../src/verify/views/splunk.js";

/**
 * The interpreter of the SPL aggregation subset (src/verify/correlation), command by command on
 * documents built by hand, and a mutation check: small changes to the emitted pipelines of the
 * project's correlations must be caught by the sequence fixtures.
 */

type Doc = Record<string, string[]>;
const doc = (fields: Record<string, string | string[]>): Doc =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
const run = (spl: string, docs: Doc[]) => compileCorrelationSpl(spl)(docs);

describe("SPL aggregation interpreter", () => {
  it("strptime reads kube-apiserver's timestamp form with an offset, and nothing else", () => {
    const f = "%Y-%m-%dT%H:%M:%S.%6N%z";
    const ten = Date.parse("2026-11-21T10:00:00Z") / 1000;
    expect(strptime("2026-11-21T10:00:00.250000+0000", f)).toBe(ten + 0.25);
    expect(strptime("2026-11-21T12:00:00.000000+0200", f)).toBe(ten);
    for (const bad of [
      "2026-11-21T10:00:00+0000",
      "2026-11-21T10:00:00.2500000+0000",
      "2026-02-30T10:00:00.000000+0000",
      "x",
    ])
      expect(strptime(bad, f), bad).toBeNull();
    expect(() => strptime("2026-11-21T10:00:00", "%Y-%m-%dT%H:%M:%S")).toThrow(OutsideModel);
  });

  it("eval: == compares number-like text as numbers, other text as text; null propagates", () => {
    const rows = run('x=1 | eval a=if(f=="123", 1, 0), b=if("k:".f=="k:123", 1, 0), c=g+1', [
      doc({ x: "1", f: "0123" }),
    ]);
    expect(rows).toEqual([{ x: "1", f: "0123", a: 1, b: 0 }]);
  });

  it("eval: replace() with an anchored literal, round() and concatenation", () => {
    const rows = run('x=1 | eval t=replace(s, "Z$", "+0000"), n=round(2.5), k=len(s).":".s', [
      doc({ x: "1", s: "10Z" }),
    ]);
    expect(rows[0]).toMatchObject({ t: "10+0000", n: 3, k: "3:10Z" });
  });

  it("streamstats window=N global=false: the N latest rows of the row's group", () => {
    const docs = [1, 2, 3, 4].map((i) =>
      doc({ x: "1", g: i % 2 === 0 ? "even" : "odd", t: String(i) }),
    );
    const rows = run(
      "x=1 | eval t=t+0 | streamstats window=2 global=false count AS n min(t) AS lo BY g",
      docs,
    );
    expect(rows.map((r) => [r["g"], r["n"], r["lo"]])).toEqual([
      ["odd", 1, 1],
      ["even", 1, 2],
      ["odd", 2, 1],
      ["even", 2, 2],
    ]);
  });

  it("stats drops rows without a BY value and counts each value of a multivalue field", () => {
    const docs = [
      doc({ x: "1", g: "a", v: ["p", "q"] }),
      doc({ x: "1", g: "a", v: "p" }),
      doc({ x: "1", v: "r" }),
    ];
    expect(run("x=1 | stats count AS n dc(v) AS d BY g", docs)).toEqual([{ g: "a", n: 2, d: 2 }]);
  });

  it("sort 0 is stable and filldown fills gaps from above", () => {
    const docs = ["b:1", "a:2", "a:1", "b:0"].map((s) =>
      doc({ x: "1", k: s.split(":")[0]!, t: s.split(":")[1]! }),
    );
    const rows = run(
      'x=1 | eval m=if(k=="a", t, null()) | sort 0 str(k) num(t) | filldown m',
      docs,
    );
    expect(rows.map((r) => `${r["k"]}${r["t"]}/${r["m"] ?? "-"}`)).toEqual([
      "a1/1",
      "a2/2",
      "b0/2",
      "b1/2",
    ]);
  });

  it("multisearch is the union of its subsearches; rename moves a field", () => {
    const docs = [doc({ x: "1", y: "1" }), doc({ x: "2", y: "1" })];
    const rows = run(
      '| multisearch [search x=1 | eval s=1] [search y=1 | eval s=2] | stats count AS n BY s | rename s AS "step"',
      docs,
    );
    expect(rows).toEqual([
      { step: 1, n: 1 },
      { step: 2, n: 2 },
    ]);
  });

  it("anything outside the subset is a ParseError at its position", () => {
    const at = (spl: string): string => {
      try {
        compileCorrelationSpl(spl);
      } catch (e) {
        if (e instanceof ParseError) return `${e.line}:${e.col}`;
        throw e;
      }
      return "parsed";
    };
    expect(at("x=1 | transaction g")).toBe("1:7");
    expect(at("x=1 | sort t")).toBe("1:7");
    expect(at("x=1 | eval y=lower(x)")).toBe("1:14");
    expect(at("x=1 | streamstats count BY g")).toBe("1:7");
  });
});

describe("mutations of the emitted pipelines are caught by the sequence fixtures", async () => {
  const set = loadRuleSet(["rules/kubernetes"]);
  const { sequences } = loadSequences(["test/fixtures/correlation"]);
  const compiled = await Promise.all(
    set.correlations.map(async (c) => {
      const ir = compileCorrelationIR(c).ir!;
      const out = await compileCorrelationForTarget(ir, "splunk", { format: "query" });
      return { ir, out };
    }),
  );

  /** Sequences on which the mutated text's matches differ from the reference's. */
  function caught(pattern: RegExp, replacement: string): number {
    let differing = 0;
    let applied = 0;
    for (const { ir, out } of compiled) {
      if (!pattern.test(out.query)) continue;
      applied++;
      const program = compileCorrelationSpl(out.query.replace(pattern, replacement));
      for (const s of sequences) {
        const want = correlate(
          expectedCorrelation(ir, out),
          s.events.map((e) => out.seen(e)),
        );
        const rows = program(s.events.map((e) => splunkView.document(e) as Doc));
        const got = rows.map(
          (r) =>
            `${String(r[ir.groupBy[0]!])}@${formatTimestampUs(Number(r["sigma_time"] ?? r["sigma_window"]))}`,
        );
        const expected = want.alerts.map((a) => `${a.group[0]}@${formatTimestampUs(a.time)}`);
        if (got.sort().join() !== expected.sort().join()) differing++;
      }
    }
    expect(applied, `pattern ${pattern} appears in no pipeline`).toBeGreaterThan(0);
    return differing;
  }

  it.each([
    ["window end excluded", /sigma_first<=(\d+)/, "sigma_first<$1"],
    ["one event fewer", /window=20\b/, "window=19"],
    ["ordered chain end excluded", /sigma_s1<=(\d+)/, "sigma_s1<$1"],
    ["temporal window shortened", /sigma_t2<=(\d+)/, "sigma_t2<=$10"],
    ["fixed window misaligned", /%600000000\)/, "%60000000)"],
    ["equal times ordered", / -num\(sigma_step\)/, ""],
  ])("%s", (_name, pattern, replacement) => {
    expect(caught(pattern, replacement)).toBeGreaterThan(0);
  });
});
