/**
 * The library API: load rules, compile them for a target, get an in-process predicate, verify.
 * Everything the CLI does is built from these functions.
 */
export type { Diagnostic, Severity } from "./diagnostics.js";
export { hasErrors } from "./diagnostics.js";
export type { Expr, Test, Pattern, Part, MatchExpr } from "./ir.js";
export type { SigmaRule, SigmaFilter, SigmaDocument, LogSource, Level } from "./sigma/rule.js";
export type { SourceFile, Loc } from "./source.js";
export type { TargetName, TargetConfig } from "./targets/types.js";
export { TARGET_NAMES } from "./targets/types.js";
export type { RuleIR, TargetOutput, TargetCompileOptions, CompileIROptions } from "./compile.js";
export { compileRuleIR, compileForTarget } from "./compile.js";
export type { RuleSet } from "./rule-set.js";
export { loadRuleSet } from "./rule-set.js";
export { loadSigmaFile } from "./sigma/load.js";
export { sourceFromText } from "./sigma/read-input.js";
export { evaluate, compilePredicate } from "./sigma/evaluate.js";
export type { Fixture } from "./verify/fixtures.js";
export { loadFixtures } from "./verify/fixtures.js";
export type { VerifyReport, Disagreement, VerifyOptions } from "./parity/run.js";
export { verifyRules } from "./parity/run.js";
export { capabilityMatrix } from "./capabilities.js";
export type { Pipeline, ResolvedMapping } from "./pipelines/types.js";
export { builtinPipelines, pipelinesFromArgs } from "./pipelines/builtins.js";
export { parsePipeline, loadPipelineFile } from "./pipelines/load.js";
export { resolveMapping } from "./pipelines/resolve.js";
export type { CoverageReport, TargetCoverage } from "./coverage.js";
export { coverage } from "./coverage.js";
export type { PairOutcome } from "./unsupported.js";
export { isUnsupported, pairOutcome } from "./unsupported.js";
export type { OptionSpec, OptionType } from "./backends/options.js";
export { TARGET_OPTIONS } from "./backends/options.js";
export { ATTACK_VERSION } from "./backends/attack.js";
export type { SigmaCorrelation } from "./sigma/correlation.js";
export type { ResolvedCorrelation } from "./sigma/correlation-resolve.js";
export type { CorrelationIR } from "./sigma/correlation-ir.js";
export type { CorrelationOutput } from "./compile-correlation.js";
export { compileCorrelationIR, compileCorrelationForTarget } from "./compile-correlation.js";
export type { Alert, CorrelateResult } from "./sigma/correlate.js";
export { correlate } from "./sigma/correlate.js";
export type { SequenceFixture } from "./verify/correlation/sequences.js";
export { loadSequences } from "./verify/correlation/sequences.js";
export type { CorrelationReport, CorrelationDisagreement } from "./parity/correlations.js";
export { verifyCorrelations } from "./parity/correlations.js";

import { compilePredicate } from "./sigma/evaluate.js";
import { compileRuleIR } from "./compile.js";
import { and } from "./ir.js";
import { resolveMapping } from "./pipelines/resolve.js";
import { hasErrors } from "./diagnostics.js";
import { loadSigmaFile } from "./sigma/load.js";
import { sourceFromText } from "./sigma/read-input.js";

/**
 * One Sigma rule's YAML text → an in-process predicate over raw JSON events, checking the rule's
 * own events first where the js pipelines state them (as `scan` does). Throws with the formatted
 * diagnostics when the rule has errors.
 */
export function predicateFromYaml(
  yamlText: string,
  path = "<memory>",
): (event: unknown) => boolean {
  const loaded = loadSigmaFile(sourceFromText(path, yamlText));
  const rule = loaded.documents.find((d) => d.kind === "rule");
  const problems = loaded.diagnostics.filter((d) => d.severity === "error");
  if (!rule || rule.kind !== "rule" || problems.length) {
    throw new Error(
      problems
        .map((d) => `${d.file}:${d.loc?.line ?? 0}:${d.loc?.col ?? 0}: ${d.code}: ${d.message}`)
        .join("\n") || "no rule found",
    );
  }
  const compiled = compileRuleIR(rule);
  if (hasErrors(compiled.diagnostics)) {
    throw new Error(
      compiled.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => `${d.file}:${d.loc?.line ?? 0}:${d.loc?.col ?? 0}: ${d.code}: ${d.message}`)
        .join("\n"),
    );
  }
  const scope = resolveMapping(rule.logsource, "js")?.events;
  return compilePredicate(scope === undefined ? compiled.ir : and([scope, compiled.ir]));
}
