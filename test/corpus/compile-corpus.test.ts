import { describe, expect, it } from "vitest";
import { backendFor } from "../../src/backends/registry.js";
import type { BackendContext } from "../../src/backends/types.js";
import { compileRuleIR } from "../../src/compile.js";
import { DiagnosticError, hasErrors } from "../../src/diagnostics.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadTarget } from "../../src/targets/load.js";
import { TARGET_NAMES, type TargetName } from "../../src/targets/types.js";
import { CORPUS, HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";

/**
 * Every SigmaHQ rule compiles with every target to query text or to a coded diagnostic: no crash,
 * no rule silently dropped. (Artifacts are exercised elsewhere; this is the query of each rule.)
 */
describe.skipIf(!HAVE_CORPUS)(corpusTitle("the SigmaHQ corpus through every backend"), () => {
  it("gives every rule × target an output or a coded error", () => {
    const set = loadRuleSet([CORPUS]);
    const counts: Record<string, { output: number; error: number; codes: Record<string, number> }> =
      {};
    let frontEndErrors = 0;
    for (const rule of set.rules) {
      const r = compileRuleIR(rule);
      if (hasErrors(r.diagnostics)) {
        frontEndErrors++;
        continue;
      }
      for (const target of TARGET_NAMES) {
        const c = (counts[target] ??= { output: 0, error: 0, codes: {} });
        const config = loadTarget(target as TargetName);
        const ctx: BackendContext = {
          rule,
          config,
          mapping: resolveMapping(rule.logsource, target as TargetName),
          options: {},
        };
        const backend = backendFor(target);
        let errorCode: string | undefined;
        try {
          const lowered = backend.lower(r.ir, ctx);
          const error = lowered.diagnostics.find((d) => d.severity === "error");
          if (error) errorCode = error.code;
          else expect(backend.query(lowered.effective, ctx).length).toBeGreaterThan(0);
        } catch (e) {
          if (!(e instanceof DiagnosticError))
            throw new Error(`${rule.source.path} [${target}]: ${String(e)}`);
          errorCode = e.diagnostic.code;
        }
        if (errorCode) {
          c.error++;
          c.codes[errorCode] = (c.codes[errorCode] ?? 0) + 1;
        } else c.output++;
      }
    }
    console.log(`[corpus] ${set.rules.length} rules, ${frontEndErrors} stopped by the front end`);
    for (const [t, c] of Object.entries(counts)) {
      const top = Object.entries(c.codes)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      console.log(`[corpus] ${t}: ${c.output} outputs, ${c.error} coded errors (${top})`);
    }
    expect(set.rules.length).toBeGreaterThan(3700);
    for (const c of Object.values(counts))
      expect(c.output + c.error).toBe(set.rules.length - frontEndErrors);
  });
});
