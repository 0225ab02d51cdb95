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

  it("Splunk, JS and SQL: 0 undeclared disagreements; Elastic and Falco refuse with a coded error", async () => {
    const report = await verifyCorrelations(irs, sequences, {
      targets: ["splunk", "js", "sql", "elastic", "falco"],
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
    expect(report.perTarget["splunk"]?.agree).toBe(irs.length * sequences.length - DECLARED.length);
    for (const t of ["elastic", "falco"]) expect(report.perTarget[t]?.unsupported).toBe(irs.length);
    const refusals = report.diagnostics.filter((d) => d.code === "CORRELATION_UNSUPPORTED");
    expect(
      refusals.map((d) => `${d.target} ${d.file}:${d.loc?.line}:${d.loc?.col}`).sort(),
    ).toEqual(
      irs
        .flatMap((ir) => {
          const line = ir.correlation.source.text
            .slice(0, ir.correlation.at.start)
            .split("\n").length;
          return ["elastic", "falco"].map((t) => `${t} ${ir.correlation.source.path}:${line}:1`);
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
