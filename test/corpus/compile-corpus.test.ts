import { describe, expect, it } from "vitest";
import { backendFor } from "../../src/backends/registry.js";
import type { BackendContext } from "../../src/backends/types.js";
import { compileRuleIR } from "../../src/compile.js";
import { DiagnosticError, hasErrors } from "../../src/diagnostics.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadTarget } from "../../src/targets/load.js";
import { TARGET_NAMES, type TargetName } from "../../src/targets/types.js";
import { parityLanguages } from "../../src/verify/registry.js";
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
    const caseWarnings: Record<string, number> = {};
    /** Warnings by code of Elastic's languages (issue 13 reports what is left). */
    const elasticWarnings: Record<string, Record<string, number>> = {};
    const kqlNotEql: string[] = [];
    const kqlTextOnly: string[] = [];
    for (const rule of set.rules) {
      const r = compileRuleIR(rule);
      if (hasErrors(r.diagnostics)) {
        frontEndErrors++;
        continue;
      }
      const converted = new Set<string>();
      const errorOf = new Map<string, string>();
      for (const lang of TARGET_NAMES.flatMap(parityLanguages)) {
        const target = lang.target;
        const c = (counts[lang.label] ??= { output: 0, error: 0, codes: {} });
        const config = loadTarget(target as TargetName);
        const ctx: BackendContext = {
          rule,
          config,
          mapping: resolveMapping(rule.logsource, target as TargetName),
          options: {},
          format: lang.format,
        };
        const backend = backendFor(target);
        let errorCode: string | undefined;
        try {
          const lowered = backend.lower(r.ir, ctx);
          const error = lowered.diagnostics.find((d) => d.severity === "error");
          for (const d of lowered.diagnostics) {
            if (d.code === "FIDELITY_CASE_SENSITIVE" || d.code === "FIDELITY_CASE_FOLD")
              caseWarnings[lang.label] = (caseWarnings[lang.label] ?? 0) + 1;
            if (target === "elastic" && d.severity === "warning") {
              const w = (elasticWarnings[lang.label] ??= {});
              w[d.code] = (w[d.code] ?? 0) + 1;
            }
          }
          if (error) errorCode = error.code;
          else expect(backend.query(lowered.effective, ctx).length).toBeGreaterThan(0);
        } catch (e) {
          if (!(e instanceof DiagnosticError))
            throw new Error(`${rule.source.path} [${target}]: ${String(e)}`);
          errorCode = e.diagnostic.code;
        }
        if (errorCode) {
          errorOf.set(lang.label, errorCode);
          c.error++;
          c.codes[errorCode] = (c.codes[errorCode] ?? 0) + 1;
        } else {
          c.output++;
          converted.add(lang.label);
        }
      }
      // EQL cannot search a `text` field at all (Elastic's EQL limitations); KQL can.
      if (converted.has("elastic") && !converted.has("elastic/eql")) {
        if (errorOf.get("elastic/eql") === "UNSUPPORTED_TEXT_FIELD")
          kqlTextOnly.push(rule.source.path.slice(CORPUS.length));
        else kqlNotEql.push(`${rule.source.path}: ${errorOf.get("elastic/eql")}`);
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
    console.log(`[corpus] case warnings per language: ${JSON.stringify(caseWarnings)}`);
    console.log(
      `[corpus] rules KQL converts and EQL refuses only for a text field (UNSUPPORTED_TEXT_FIELD): ${kqlTextOnly.length} ${kqlTextOnly.join(", ")}`,
    );
    for (const [label, w] of Object.entries(elasticWarnings))
      console.log(`[corpus] ${label} warnings by code: ${JSON.stringify(w)}`);
    expect(set.rules.length).toBeGreaterThan(3700);
    // Issue 13: EQL and ES|QL say case-insensitive values (nearly) exactly, and every rule that
    // converts to KQL converts to EQL.
    const kql = caseWarnings["elastic"] ?? 0;
    expect(kql).toBeGreaterThan(1000);
    expect(caseWarnings["elastic/eql"] ?? 0).toBeLessThanOrEqual(kql / 100);
    expect(caseWarnings["elastic/esql"] ?? 0).toBeLessThanOrEqual(kql / 100);
    expect(kqlNotEql).toEqual([]);
    for (const c of Object.values(counts))
      expect(c.output + c.error).toBe(set.rules.length - frontEndErrors);
  }, 240_000);
});
