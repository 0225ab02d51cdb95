import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { verifyRules } from "../../src/parity/run.js";

/** The shipped rules and labelled fixtures, through the whole pipeline, for Splunk only. */
describe("shipped rules on Splunk", () => {
  const set = loadRuleSet(["rules/kubernetes/audit"]);
  const rules = set.rules.map((r) => compileRuleIR(r, { filters: set.filters }));
  const { fixtures } = loadFixtures(["test/fixtures"]);

  it("the TokenRequest rule compiles with one scalar-name note per field and the empty-value note on its exists", async () => {
    const r = rules.find((x) => x.rule.source.path.includes("tokenrequest"));
    expect(r).toBeDefined();
    const out = await compileForTarget(r!, "splunk", { format: "query" });
    expect(
      out.diagnostics
        .filter((d) => d.target === "splunk")
        .map((d) => [d.code, d.severity, d.loc?.line, d.loc?.col]),
    ).toEqual([
      // verb, objectRef.resource, objectRef.subresource, user.username: each at its first value
      // (lines 32–35 of the rule); the exclusions on user.username (41, 60) add no second note.
      ["FIDELITY_SCALAR_NAME", "info", 32, 17],
      ["FIDELITY_SCALAR_NAME", "info", 33, 31],
      ["FIDELITY_SCALAR_NAME", "info", 34, 34],
      ["FIDELITY_SCALAR_NAME", "info", 35, 27],
      ["FIDELITY_EMPTY_VALUE", "info", 35, 27],
      // exists on user.username excludes the text "null", which is how a JSON null is extracted.
      ["FIDELITY_NULL_TEXT", "info", 35, 27],
    ]);
  });

  it("agrees with the reference on every fixture (translation exact, no undeclared deviation)", async () => {
    const report = await verifyRules(rules, fixtures, { targets: ["splunk"] });
    const bad = report.disagreements.filter(
      (d) => d.target === "splunk" && d.kind !== "declared-deviation",
    );
    expect(bad).toEqual([]);
    expect(report.perTarget["splunk"]?.cases ?? 0).toBeGreaterThan(0);
  });
});
