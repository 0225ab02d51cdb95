import { compileForTarget, type RuleIR } from "./compile.js";
import type { LogSource } from "./sigma/rule.js";
import type { TargetName } from "./targets/types.js";

/**
 * How much of a rule folder each target can run, as numbers: every rule is compiled for every
 * target and put in one class. `exact`: a real mapping (some pipeline knows the logsource) and no
 * declared deviation; `deviation`: a real mapping and at least one fidelity warning; `unmapped`:
 * converted, but no pipeline knows the logsource (UNKNOWN_LOGSOURCE: names pass through, no
 * scope); `refused`: an error, counted by code. Rules the front end rejects are `invalid`.
 */

export type CoverageClass = "exact" | "deviation" | "unmapped" | "refused";

export interface TargetCoverage {
  readonly target: TargetName;
  readonly rules: number;
  /** Rules some pipeline of the target knows (whatever else happened to them). */
  readonly mapped: number;
  readonly counts: Readonly<Record<CoverageClass, number>>;
  /** Refused rules per error code (a rule with two codes counts for both). */
  readonly refusedBy: Readonly<Record<string, number>>;
  /** Rules with a mapping and a fidelity warning, per warning code. */
  readonly warningsBy: Readonly<Record<string, number>>;
  /** Unmapped rules per logsource (`product/category/service`). */
  readonly unmappedBy: Readonly<Record<string, number>>;
}

export interface CoverageReport {
  /** Rules the front end rejected (they reach no target). */
  readonly invalid: number;
  readonly targets: readonly TargetCoverage[];
}

export function logsourceKey(ls: LogSource): string {
  return [ls.product, ls.category, ls.service].map((v) => v ?? "-").join("/");
}

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

export async function coverage(
  rules: readonly RuleIR[],
  targets: readonly TargetName[],
  invalid: number,
): Promise<CoverageReport> {
  const out: TargetCoverage[] = [];
  for (const target of targets) {
    const counts: Record<CoverageClass, number> = {
      exact: 0,
      deviation: 0,
      unmapped: 0,
      refused: 0,
    };
    const refusedBy: Record<string, number> = {};
    const warningsBy: Record<string, number> = {};
    const unmappedBy: Record<string, number> = {};
    let mapped = 0;
    for (const r of rules) {
      const o = await compileForTarget(r, target);
      if (o.pipelines.length > 0) mapped++;
      const errors = new Set(
        o.diagnostics.filter((d) => d.severity === "error").map((d) => d.code),
      );
      if (errors.size > 0) {
        counts.refused++;
        for (const code of errors) bump(refusedBy, code);
        continue;
      }
      if (o.pipelines.length === 0) {
        counts.unmapped++;
        bump(unmappedBy, logsourceKey(r.rule.logsource));
        continue;
      }
      const warnings = new Set(
        o.diagnostics.filter((d) => d.fidelity && d.severity === "warning").map((d) => d.code),
      );
      if (warnings.size === 0) counts.exact++;
      else {
        counts.deviation++;
        for (const code of warnings) bump(warningsBy, code);
      }
    }
    out.push({ target, rules: rules.length, mapped, counts, refusedBy, warningsBy, unmappedBy });
  }
  return { invalid, targets: out };
}
