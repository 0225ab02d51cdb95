import { describe, expect, it } from "vitest";
import { compileRuleIR } from "../../src/compile.js";
import { verifyRules } from "../../src/parity/run.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { loadFixtures } from "../../src/verify/fixtures.js";

/** `labelled` limits which rules a fixture's label speaks for; the others still get translation. */
describe("partially labelled fixtures", () => {
  const TOKEN_REQUEST = "b622e4fe-a0c3-487c-a6f1-19b0b815da8b";
  const rules = loadRuleSet(["rules/kubernetes"]).rules.map((r) => compileRuleIR(r));
  const human = loadFixtures(["test/fixtures"]).fixtures.find((f) => f.id === "tr-human-001")!;

  it("a rule outside `labelled` is not label-checked, but still verified in every target", async () => {
    // The TokenRequest rule matches this event; the label says nothing about it.
    const fixture = { ...human, id: "partial", matches: [], labelled: [] };
    const report = await verifyRules(rules, [fixture], { targets: ["js", "splunk"] });
    expect(report.disagreements.filter((d) => d.kind !== "declared-deviation")).toEqual([]);
    expect(report.cases).toBe(rules.length * 2);
  });

  it("a rule inside `labelled` is held to the label", async () => {
    const fixture = { ...human, id: "wrong", matches: [], labelled: [TOKEN_REQUEST] };
    const report = await verifyRules(rules, [fixture], { targets: ["js"] });
    expect(report.disagreements.map((d) => [d.kind, d.rule.id])).toContainEqual([
      "label",
      TOKEN_REQUEST,
    ]);
    expect(report.ok).toBe(false);
  });
});
