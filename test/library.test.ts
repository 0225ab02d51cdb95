import { describe, expect, it } from "vitest";
import {
  compileForTarget,
  compileRuleIR,
  hasErrors,
  isUnsupported,
  loadSigmaFile,
  sourceFromText,
  TARGET_OPTIONS,
  type SigmaRule,
} from "../src/api.js";

/** The library's documented contracts, used the way an integrator would (through src/api.ts). */

function ruleFrom(yaml: string): SigmaRule {
  const doc = loadSigmaFile(sourceFromText("rules/lib.yml", yaml)).documents[0];
  if (doc?.kind !== "rule") throw new Error("not a rule");
  return doc;
}

const rule = (selection: string): SigmaRule =>
  ruleFrom(`title: Library contract
id: 4b9d2f07-8d2e-4d4e-8f59-5a1b8d3c2e10
logsource:
  product: kubernetes
  service: audit
detection:
  selection:
${selection}
  condition: selection
`);

describe("compileForTarget", () => {
  it("returns no artifact for a rule whose first compile step has an error, with that error", async () => {
    const ruleIR = compileRuleIR(rule("    verb|contians: get"));
    expect(hasErrors(ruleIR.diagnostics)).toBe(true);
    for (const target of ["elastic", "splunk", "falco", "js"] as const) {
      const out = await compileForTarget(ruleIR, target);
      expect(out.artifact, target).toBe("");
      expect(out.query, target).toBe("");
      expect(out.diagnostics, target).toContainEqual(
        expect.objectContaining({
          severity: "error",
          code: "DETECTION_UNKNOWN_MODIFIER",
          loc: expect.objectContaining({ line: 8, col: 10 }),
        }),
      );
    }
  });

  it("refuses target options the target does not declare, or of the wrong type", async () => {
    const ruleIR = compileRuleIR(rule("    verb: get"));
    const unknown = await compileForTarget(ruleIR, "elastic", { targetOptions: { scop: "x" } });
    expect(unknown.artifact).toBe("");
    expect(unknown.diagnostics).toContainEqual(
      expect.objectContaining({ code: "UNKNOWN_TARGET_OPTION", target: "elastic" }),
    );
    expect(unknown.diagnostics[0]!.message).toContain("did you mean 'scope'");
    const wrong = await compileForTarget(ruleIR, "falco", {
      targetOptions: { "array-elements": "0" },
    });
    expect(wrong.diagnostics).toContainEqual(
      expect.objectContaining({ code: "INVALID_TARGET_OPTION" }),
    );
    // js reads only the correlations' time field: a scope is refused, not ignored.
    expect(TARGET_OPTIONS.js.map((o) => o.key)).toEqual(["time-field"]);
    const scoped = await compileForTarget(ruleIR, "js", { targetOptions: { scope: "x" } });
    expect(scoped.diagnostics).toContainEqual(
      expect.objectContaining({ code: "UNKNOWN_TARGET_OPTION", target: "js" }),
    );
  });

  it("says which failures are a target's limits and which are the rule's fault", async () => {
    const regex = compileRuleIR(rule("    userAgent|re: '^curl/'"));
    const out = await compileForTarget(regex, "elastic");
    const error = out.diagnostics.find((d) => d.severity === "error")!;
    expect(error.code).toBe("UNSUPPORTED_REGEX");
    expect(isUnsupported(error)).toBe(true);
    const broken = compileRuleIR(rule("    verb|contians: get"));
    expect(broken.diagnostics.filter((d) => d.severity === "error").every(isUnsupported)).toBe(
      false,
    );
  });
});
