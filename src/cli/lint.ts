import { compileRuleIR } from "../compile.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { compileDetection } from "../sigma/normalize.js";
import { loadRuleSet } from "../rule-set.js";
import {
  diagnosticsJson,
  EXIT_FAILURE,
  EXIT_OK,
  readStdin,
  reportDiagnostics,
  writeStdout,
  type DiagnosticFormat,
} from "./io.js";

export async function run(args: Record<string, unknown>): Promise<number> {
  const paths = (args.paths as string[]) ?? [];
  const format = (args.format as DiagnosticFormat) ?? "text";
  const set = loadRuleSet(paths, paths.includes("-") ? { stdin: readStdin() } : {});
  const diagnostics: Diagnostic[] = [...set.diagnostics];
  for (const rule of set.rules) diagnostics.push(...compileRuleIR(rule).diagnostics);
  for (const filter of set.filters) {
    diagnostics.push(
      ...compileDetection({
        source: filter.source,
        detection: filter.detection,
        conditions: filter.conditions,
      }).diagnostics,
    );
  }
  const documents = set.rules.length + set.filters.length;
  if (format === "json") {
    writeStdout(JSON.stringify({ documents, diagnostics: diagnosticsJson(diagnostics) }, null, 2));
  } else {
    reportDiagnostics(diagnostics, set.sources, "text");
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.filter((d) => d.severity === "warning").length;
    process.stderr.write(
      `${documents} document${documents === 1 ? "" : "s"} checked in ${set.sources.size} file${set.sources.size === 1 ? "" : "s"}: ` +
        `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}\n`,
    );
  }
  return hasErrors(diagnostics) ? EXIT_FAILURE : EXIT_OK;
}
