import { describe, expect, it } from "vitest";
import { backendFor } from "../../src/backends/registry.js";
import type { BackendContext } from "../../src/backends/types.js";
import { DIALECT_NAMES } from "../../src/backends/sql/dialect.js";
import { compileRuleIR } from "../../src/compile.js";
import { DiagnosticError, hasErrors } from "../../src/diagnostics.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadTarget } from "../../src/targets/load.js";
import { CORPUS, HAVE_CORPUS, SKIP_REASON } from "../helpers/shared-data.js";

/**
 * The SigmaHQ corpus in each SQL dialect: at least 95% of the rules the front end accepts become
 * a query, and every other one has a coded error (counted by code in the log).
 */
describe.skipIf(!HAVE_CORPUS)("the SigmaHQ corpus in every SQL dialect", () => {
  if (!HAVE_CORPUS) console.warn(SKIP_REASON);
  it("converts at least 95% of the rules per dialect; the rest have coded errors", () => {
    const set = loadRuleSet([CORPUS]);
    const rules = set.rules
      .map((rule) => ({ rule, r: compileRuleIR(rule) }))
      .filter((x) => !hasErrors(x.r.diagnostics));
    const config = loadTarget("sql");
    const backend = backendFor("sql");
    for (const dialect of DIALECT_NAMES) {
      let output = 0;
      const codes: Record<string, number> = {};
      for (const { rule, r } of rules) {
        const ctx: BackendContext = {
          rule,
          config,
          mapping: resolveMapping(rule.logsource, "sql"),
          options: { targetOptions: { dialect } },
        };
        let code: string | undefined;
        try {
          const lowered = backend.lower(r.ir, ctx);
          code = lowered.diagnostics.find((d) => d.severity === "error")?.code;
          if (code === undefined) {
            const q = backend.query(lowered.effective, ctx);
            expect(q.startsWith("SELECT * FROM ")).toBe(true);
          }
        } catch (e) {
          if (!(e instanceof DiagnosticError)) throw new Error(`${rule.source.path}: ${String(e)}`);
          code = e.diagnostic.code;
        }
        if (code === undefined) output++;
        else {
          expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          codes[code] = (codes[code] ?? 0) + 1;
        }
      }
      const share = output / rules.length;
      console.log(
        `[corpus sql/${dialect}] ${output}/${rules.length} rules convert (${(share * 100).toFixed(1)}%); errors: ${JSON.stringify(codes)}`,
      );
      expect(share).toBeGreaterThanOrEqual(0.95);
    }
  }, 300_000);
});
