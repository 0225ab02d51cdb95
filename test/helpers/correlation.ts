import { compileRuleIR } from "../../src/compile.js";
import { hasErrors } from "../../src/diagnostics.js";
import { buildCorrelationIR, type CorrelationIR } from "../../src/sigma/correlation-ir.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import { sourceFromText } from "../../src/sigma/read-input.js";
import type { SigmaCorrelation } from "../../src/sigma/correlation.js";
import { resolveCorrelations, type Resolution } from "../../src/sigma/correlation-resolve.js";
import type { SigmaFilter, SigmaRule } from "../../src/sigma/rule.js";

/** Lines joined with LF and a final newline: line numbers are the array indexes + 1. */
export const lines = (...ls: string[]): string => ls.join("\n") + "\n";

export interface LoadedTexts extends Resolution {
  readonly rules: readonly SigmaRule[];
  readonly all: readonly Diagnostic[];
}

/** Files given as text, loaded and resolved as `loadRuleSet` does for files on disk. */
export function loadTexts(files: Readonly<Record<string, string>>): LoadedTexts {
  const rules: SigmaRule[] = [];
  const filters: SigmaFilter[] = [];
  const correlations: SigmaCorrelation[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [path, text] of Object.entries(files)) {
    const r = loadSigmaFile(sourceFromText(path, text));
    diagnostics.push(...r.diagnostics);
    for (const d of r.documents) {
      if (d.kind === "rule") rules.push(d);
      else filters.push(d);
    }
    correlations.push(...r.correlations);
  }
  const resolution = resolveCorrelations(rules, filters, correlations);
  return { ...resolution, rules, all: [...diagnostics, ...resolution.diagnostics] };
}

/** "CODE file:line:col" of every error, to compare with positions computed by hand. */
export function errorsOf(ds: readonly Diagnostic[]): string[] {
  return ds
    .filter((d) => d.severity === "error")
    .map((d) => `${d.code} ${d.file}:${d.loc?.line}:${d.loc?.col}`);
}

/** A Kubernetes audit rule named `name` with one selection. */
export function baseRule(title: string, name: string, id: string, selection: string[]): string {
  return lines(
    `title: ${title}`,
    `id: ${id}`,
    `name: ${name}`,
    "logsource:",
    "  product: kubernetes",
    "  service: audit",
    "detection:",
    "  selection:",
    ...selection.map((s) => `    ${s}`),
    "  condition: selection",
  );
}

/** The IR of the correlation titled `title` among the files (every error fails the test's setup). */
export function correlationIR(
  files: Readonly<Record<string, string>>,
  title: string,
): CorrelationIR {
  const r = loadTexts(files);
  const problems = errorsOf(r.all);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const resolved = r.correlations.find((c) => c.correlation.title === title);
  if (resolved === undefined) throw new Error(`no correlation '${title}'`);
  const built = buildCorrelationIR(resolved, (rule) => {
    const c = compileRuleIR(rule);
    return hasErrors(c.diagnostics) ? undefined : c.ir;
  });
  if (built.ir === undefined) throw new Error(errorsOf(built.diagnostics).join("\n"));
  return built.ir;
}

/** A correlation document over the given rules (names), one line per key. */
export function correlationText(
  title: string,
  type: string,
  rules: readonly string[],
  timespan: string,
  extra: readonly string[] = [],
  groupBy: readonly string[] = ["user.username"],
): string {
  return lines(
    `title: ${title}`,
    "correlation:",
    `  type: ${type}`,
    `  rules: [${rules.join(", ")}]`,
    `  group-by: [${groupBy.join(", ")}]`,
    `  timespan: ${timespan}`,
    ...extra.map((e) => `  ${e}`),
  );
}
