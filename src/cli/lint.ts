import { compileRuleIR, type RuleIR } from "../compile.js";
import { coverage } from "../coverage.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { pipelinesFromArgs } from "../pipelines/builtins.js";
import { compileDetection } from "../sigma/normalize.js";
import { loadRuleSet } from "../rule-set.js";
import { parseTargets } from "./targets-arg.js";
import { printCoverage } from "./coverage.js";
import {
  currentVerbosity,
  diagnosticsJson,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  readStdin,
  reportDiagnostics,
  writeStdout,
  type DiagnosticFormat,
} from "./io.js";

export async function run(args: Record<string, unknown>): Promise<number> {
  const paths = (args.paths as string[]) ?? [];
  const format = (args.format as DiagnosticFormat) ?? "text";
  const set = loadRuleSet(paths, paths.includes("-") ? { stdin: readStdin() } : {});
  const piped = pipelinesFromArgs((args.pipeline as string[] | undefined) ?? []);
  const diagnostics: Diagnostic[] = [...piped.diagnostics, ...set.diagnostics];
  const compiled: RuleIR[] = [];
  let invalid = 0;
  for (const rule of set.rules) {
    const r = compileRuleIR(rule, { pipelines: piped.pipelines });
    diagnostics.push(...r.diagnostics);
    if (hasErrors(r.diagnostics)) invalid++;
    else compiled.push(r);
  }
  for (const filter of set.filters) {
    diagnostics.push(
      ...compileDetection({
        source: filter.source,
        detection: filter.detection,
        conditions: filter.conditions,
      }).diagnostics,
    );
  }
  const documents = set.rules.length + set.filters.length + set.correlations.length;
  if (args.coverage === true) {
    const { targets, error } = parseTargets(String(args.target ?? "all"));
    if (error) {
      process.stderr.write(`sigprism: error USAGE: ${error}\n`);
      return EXIT_USAGE;
    }
    if (hasErrors(piped.diagnostics)) {
      reportDiagnostics(piped.diagnostics, piped.sources, "text");
      return EXIT_FAILURE;
    }
    const report = await coverage(compiled, targets, invalid);
    if (format === "json") writeStdout(JSON.stringify({ documents, ...report }, null, 2));
    else printCoverage(report, 12);
    return EXIT_OK;
  }
  if (format === "json") {
    writeStdout(JSON.stringify({ documents, diagnostics: diagnosticsJson(diagnostics) }, null, 2));
  } else {
    // lint exists to list every diagnostic: grouped only when asked (--quiet prints errors only).
    reportDiagnostics(diagnostics, new Map([...set.sources, ...piped.sources]), "text", {
      verbosity: currentVerbosity() === "quiet" ? "quiet" : "verbose",
    });
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.filter((d) => d.severity === "warning").length;
    process.stderr.write(
      `${documents} document${documents === 1 ? "" : "s"} checked in ${set.sources.size} file${set.sources.size === 1 ? "" : "s"}: ` +
        `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}\n`,
    );
  }
  return hasErrors(diagnostics) ? EXIT_FAILURE : EXIT_OK;
}
