import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { hasErrors } from "../../src/diagnostics.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { falcoInterpreter } from "../../src/verify/falco/index.js";
import { CORPUS, HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";

/**
 * Never a rules file Falco would refuse: every SigmaHQ rule Falco can read (Linux, cloud, Okta,
 * GitHub, Kubernetes) converts to a rules file that the project's Falco checks load (grammar,
 * macros and lists, the fields of the rule's event source, 255-byte constants, regex syntax), or
 * to a coded error.
 */
// Linux, AWS and Okta rules are loaded (and run) by test/verify/falco-sources-parity.test.ts.
const FOLDERS = ["rules/cloud/gcp", "rules/application/github", "rules/application/kubernetes"];

describe.skipIf(!HAVE_CORPUS)(corpusTitle("SigmaHQ rules as Falco rules files"), () => {
  it("load in the project's Falco checks or stop at a coded error", async () => {
    const counts: Record<string, { loads: number; codes: Record<string, number> }> = {};
    const broken: string[] = [];
    for (const folder of FOLDERS) {
      const c = (counts[folder] = { loads: 0, codes: {} as Record<string, number> });
      for (const rule of loadRuleSet([`${CORPUS}${folder}`]).rules) {
        const ir = compileRuleIR(rule);
        if (hasErrors(ir.diagnostics)) continue;
        const out = await compileForTarget(ir, "falco", { format: "rules" });
        const error = out.diagnostics.find((d) => d.severity === "error");
        if (error) {
          expect(out.artifact).toBe("");
          c.codes[error.code] = (c.codes[error.code] ?? 0) + 1;
          continue;
        }
        try {
          falcoInterpreter.compile(out.artifact);
          c.loads++;
        } catch (e) {
          broken.push(`${rule.source.path}: ${(e as Error).message}`);
        }
      }
      console.log(`[falco corpus] ${folder}: ${c.loads} load, coded ${JSON.stringify(c.codes)}`);
    }
    expect(broken).toEqual([]);
    expect(counts["rules/cloud/gcp"]!.loads).toBeGreaterThan(0);
  });
});
