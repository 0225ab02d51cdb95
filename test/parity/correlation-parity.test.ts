import { check } from "prettier";
import { describe, expect, it } from "vitest";
import { MODULE_FORMAT_OPTIONS } from "../../src/backends/js/module.js";
import {
  compileCorrelationForTarget,
  compileCorrelationIR,
} from "../../src/compile-correlation.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { verifyCorrelations } from "../../src/parity/correlations.js";
import { loadSequences } from "../../src/verify/correlation/sequences.js";

/**
 * The correlation rules of rules/kubernetes over the labelled sequences of
 * test/fixtures/correlation: every label agrees with the reference correlator, every target's
 * emitted text agrees exactly with its effective correlation, and the only differences from the
 * labels are the declared ones below.
 */

/** Declared differences: [correlation id, sequence, target, why]. */
const DECLARED: readonly [string, string, string, string][] = [
  [
    "69404bb3-164c-41cb-87c4-b0a02e0a6073",
    "sa-straddles-fixed-window",
    "splunk",
    "value_count in Splunk counts per fixed 10-minute window (FIDELITY_FIXED_WINDOW): 3 names fall in each of two windows",
  ],
  [
    "69404bb3-164c-41cb-87c4-b0a02e0a6073",
    "sa-boundary-exactly-10m",
    "splunk",
    "the same: the 6th name, exactly 10 minutes after the 1st, opens the next fixed window",
  ],
  [
    "69404bb3-164c-41cb-87c4-b0a02e0a6073",
    "sa-straddles-fixed-window",
    "elastic",
    "ES|QL counts per BUCKET of 10 minutes from the epoch (FIDELITY_FIXED_WINDOW)",
  ],
  [
    "69404bb3-164c-41cb-87c4-b0a02e0a6073",
    "sa-boundary-exactly-10m",
    "elastic",
    "the same: the 6th name opens the next bucket",
  ],
  [
    "150c3264-20d4-42a3-bbfc-134e5ee82d0d",
    "burst-boundary-inclusive",
    "elastic",
    "the 1st read at 10:00:00 and the 20th at 10:05:00 fall in two 5-minute buckets (FIDELITY_FIXED_WINDOW)",
  ],
  [
    "a94a9648-4653-4a35-96cc-f169b9f856a8",
    "node-exactly-15m",
    "elastic",
    "the node proxy at 10:00:00 and the impersonation at 10:15:00 fall in two 15-minute buckets (FIDELITY_FIXED_WINDOW)",
  ],
  [
    "e50c836a-76a0-41d3-ad80-29df0acf1b52",
    "mint-then-list-too-late",
    "elastic",
    "120 s and 1 µs apart: a date field keeps milliseconds, so the list is exactly maxspan after the mint (FIDELITY_TIME_PRECISION)",
  ],
  [
    "e50c836a-76a0-41d3-ad80-29df0acf1b52",
    "mint-then-list-same-time",
    "elastic",
    "EQL orders events of one timestamp by index order, so a mint indexed first precedes a list of its time (FIDELITY_SEQUENCE_PAIRING)",
  ],
];

describe("correlation parity over the project's rules and sequences", async () => {
  const set = loadRuleSet(["rules/kubernetes"]);
  const irs = set.correlations.map((c) => compileCorrelationIR(c).ir!);
  const { sequences, diagnostics } = loadSequences(["test/fixtures/correlation"]);

  it("loads four correlations and their sequences", () => {
    expect(diagnostics).toEqual([]);
    expect(irs.map((ir) => ir.type).sort()).toEqual([
      "event_count",
      "temporal",
      "temporal_ordered",
      "value_count",
    ]);
    expect(sequences.length).toBeGreaterThanOrEqual(30);
  });

  it("Splunk, Elastic, JS and SQL: 0 undeclared disagreements; Falco refuses every correlation with a coded error", async () => {
    const report = await verifyCorrelations(irs, sequences, {
      targets: ["splunk", "js", "sql", "elastic", "falco"],
      // The burst's base rule tests a multi-valued field: ES|QL needs MV_CONTAINS (9.2).
      targetOptions: { elastic: { "elastic-version": "9.2" } },
    });
    const found = report.disagreements
      .map((d) => [d.correlation.id, d.sequence, d.target, d.kind].join(" "))
      .sort();
    expect(found).toEqual(
      DECLARED.map(([id, seq, target]) => [id, seq, target, "declared-deviation"].join(" ")).sort(),
    );
    for (const t of ["js", "sql"])
      expect(report.perTarget[t], t).toEqual({
        cases: irs.length * sequences.length,
        agree: irs.length * sequences.length,
        declaredDeviations: 0,
        unsupported: 0,
      });
    const declared = (t: string) => DECLARED.filter((d) => d[2] === t).length;
    expect(report.perTarget["splunk"]?.agree).toBe(
      irs.length * sequences.length - declared("splunk"),
    );
    expect(report.perTarget["elastic"]).toEqual({
      cases: irs.length * sequences.length,
      agree: irs.length * sequences.length - declared("elastic"),
      declaredDeviations: declared("elastic"),
      unsupported: 0,
    });
    expect(report.perTarget["falco"]?.unsupported).toBe(irs.length);
    const lineOf = (text: string, offset: number) => {
      const before = text.slice(0, offset).split("\n");
      return `${before.length}:${before.at(-1)!.length + 1}`;
    };
    const refusals = report.diagnostics.filter((d) => d.code === "CORRELATION_UNSUPPORTED");
    expect(
      refusals.map((d) => `${d.target} ${d.file}:${d.loc?.line}:${d.loc?.col}`).sort(),
    ).toEqual(
      irs
        .flatMap((ir) => {
          const c = ir.correlation;
          return [`falco ${c.source.path}:${lineOf(c.source.text, c.at.start)}`];
        })
        .sort(),
    );
  });

  it("every correlation matches in some sequence and not in others", () => {
    for (const ir of irs) {
      const id = ir.correlation.id!;
      const hits = sequences.filter((s) => (s.matches[id] ?? []).length > 0).length;
      expect(hits, ir.correlation.title).toBeGreaterThanOrEqual(4);
      expect(sequences.length - hits, ir.correlation.title).toBeGreaterThanOrEqual(4);
    }
  });

  it("the JS modules are what prettier prints", async () => {
    for (const ir of irs) {
      const out = await compileCorrelationForTarget(ir, "js");
      expect(await check(out.artifact, MODULE_FORMAT_OPTIONS), ir.correlation.title).toBe(true);
    }
  });
});
