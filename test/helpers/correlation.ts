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
