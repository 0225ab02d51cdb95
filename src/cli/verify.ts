import { writeFileSync } from "node:fs";
import { compileRuleIR, type RuleIR } from "../compile.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { verifyRules } from "../parity/run.js";
import { pipelinesFromArgs } from "../pipelines/builtins.js";
import { loadRuleSet } from "../rule-set.js";
import { loadFixtures } from "../verify/fixtures.js";
import {
  diagnosticsJson,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  reportDiagnostics,
  writeStdout,
} from "./io.js";
import { compileCorrelations } from "./correlation-compile.js";
import { proveCorrelations } from "./correlations.js";
import { parsePlaceholders, parseTargetOptions, parseTargets } from "./targets-arg.js";
import {
  deviationLines,
  failureLines,
  reportJson,
  reportJUnit,
  summaryText,
  uncheckedLines,
  unsupportedLines,
} from "./verify-report.js";

export async function run(args: Record<string, unknown>): Promise<number> {
  const { targets, error } = parseTargets(String(args.targets ?? "all"));
  const { options: targetOptions, error: optionError } = parseTargetOptions(
    args.option as string[] | undefined,
    targets,
  );
  const { placeholders, error: placeholderError } = parsePlaceholders(
    args.placeholder as string[] | undefined,
  );
  const usageError = error ?? optionError ?? placeholderError;
  if (usageError) {
    process.stderr.write(`sigprism: error USAGE: ${usageError}\n`);
    return EXIT_USAGE;
  }
  const allowUnsupported = args["allow-unsupported"] === true;
  const set = loadRuleSet((args.paths as string[]) ?? []);
  const filterSet = loadRuleSet((args.filter as string[] | undefined) ?? []);
  const fixtures = loadFixtures((args.fixtures as string[]) ?? []);
  const piped = pipelinesFromArgs((args.pipeline as string[] | undefined) ?? []);
  const diagnostics: Diagnostic[] = [
    ...piped.diagnostics,
    ...set.diagnostics,
    ...filterSet.diagnostics,
    ...fixtures.diagnostics,
  ];
  const filters = [...set.filters, ...filterSet.filters];
  // A rule the front end rejects (an unsafe |re, a broken condition) is reported and left out, as
  // a pair a target cannot express is: the other rules are still checked. Errors in the inputs
  // every rule shares (pipelines, filters, fixtures) stop the run.
  const ruleDiagnostics: Diagnostic[] = [];
  const ruleIRs: RuleIR[] = [];
  let rejected = 0;
  for (const rule of hasErrors(diagnostics) ? [] : set.rules) {
    const r = compileRuleIR(rule, { filters, pipelines: piped.pipelines, placeholders });
    ruleDiagnostics.push(...r.diagnostics);
    if (hasErrors(r.diagnostics)) rejected++;
    else ruleIRs.push(r);
  }
  const correlations = compileCorrelations(
    set,
    filters,
    // One time field for the correlation IR, whichever target named it.
    targets.map((t) => targetOptions[t]?.["time-field"]).find((v) => v !== undefined),
    piped.pipelines,
  );
  diagnostics.push(...correlations.diagnostics);
  const sources = new Map([...set.sources, ...filterSet.sources, ...piped.sources]);
  if (rejected > 0) {
    const errors = ruleDiagnostics.filter((d) => d.severity === "error");
    const shown = allowUnsupported
      ? errors.map((d) => ({ ...d, severity: "warning" as const }))
      : errors;
    reportDiagnostics(shown, sources, "text", { summary: false });
    process.stderr.write(
      `${rejected} rule${rejected === 1 ? "" : "s"} rejected by the front end and not checked\n`,
    );
  } else diagnostics.push(...ruleDiagnostics);
  if (hasErrors(diagnostics) || (rejected > 0 && ruleIRs.length === 0)) {
    reportDiagnostics(diagnostics, sources, "text", { summary: true });
    if (args.json)
      writeStdout(
        JSON.stringify({ ok: false, diagnostics: diagnosticsJson(diagnostics) }, null, 2),
      );
    return EXIT_FAILURE;
  }
  const report = await verifyRules(ruleIRs, fixtures.fixtures, {
    targets,
    targetOptions,
    ...(args.strict === true ? { strict: true } : {}),
    allowUnsupported,
  });
  const proof = await proveCorrelations(
    correlations.irs,
    (args.fixtures as string[]) ?? [],
    targets,
    {
      targetOptions,
      ...(args.strict === true ? { strict: true } : {}),
      allowUnsupported,
      pipelines: piped.pipelines,
    },
  );
  if (proof.diagnostics.length > 0) reportDiagnostics(proof.diagnostics, sources, "text");
  const ok = report.ok && (proof.report?.ok ?? true) && !hasErrors(proof.diagnostics);
  const junit = args.junit as string | undefined;
  if (junit)
    writeFileSync(
      junit,
      reportJUnit(report, ruleIRs.length, fixtures.fixtures.length, allowUnsupported),
    );
  if (args.json) {
    writeStdout(
      JSON.stringify(
        {
          ...reportJson(report),
          ok,
          diagnostics: diagnosticsJson(report.diagnostics),
          ...(proof.report === undefined ? {} : { correlations: proof.json }),
        },
        null,
        2,
      ),
    );
  } else {
    for (const line of [
      ...unsupportedLines(report, allowUnsupported),
      ...failureLines(report),
      ...uncheckedLines(report),
    ])
      process.stderr.write(`${line}\n`);
    writeStdout(summaryText(report, ruleIRs.length, fixtures.fixtures.length));
    const deviations = deviationLines(report);
    if (deviations.length > 0) {
      writeStdout("\ndeclared deviations (rule [target]: cause — fixtures):");
      for (const line of deviations) writeStdout(line);
    }
    for (const line of proof.unsupported) process.stderr.write(`${line}\n`);
    if (proof.text !== "") writeStdout(proof.text);
  }
  return ok && (rejected === 0 || allowUnsupported) ? EXIT_OK : EXIT_FAILURE;
}
