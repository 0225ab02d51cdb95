import type { Diagnostic } from "./diagnostics.js";
import { loadSigmaFile } from "./sigma/load.js";
import { readRuleFile, sourceFromBytes } from "./sigma/read-input.js";
import type { SigmaFilter, SigmaRule } from "./sigma/rule.js";
import type { SigmaCorrelation } from "./sigma/correlation.js";
import { resolveCorrelations, type ResolvedCorrelation } from "./sigma/correlation-resolve.js";
import { walkRuleFiles } from "./sigma/walk.js";
import type { SourceFile } from "./source.js";

/** Everything loaded from the paths a user gave: rules, filters, and what went wrong. */
export interface RuleSet {
  readonly rules: readonly SigmaRule[];
  readonly filters: readonly SigmaFilter[];
  /** Correlations whose references all resolved among the files given. */
  readonly correlations: readonly ResolvedCorrelation[];
  /**
   * Rules and correlations named by a correlation without `generate: true`: the specification
   * converts only the correlation then, not them on their own (lint and verify still check them).
   */
  readonly notGenerated: ReadonlySet<SigmaRule | SigmaCorrelation>;
  readonly diagnostics: readonly Diagnostic[];
  /** Every file read, by path, for printing source lines under diagnostics. */
  readonly sources: ReadonlyMap<string, SourceFile>;
}

export interface LoadRuleSetOptions {
  /** The bytes of standard input, when `-` is among the paths. */
  readonly stdin?: Uint8Array;
}

export function loadRuleSet(paths: readonly string[], options: LoadRuleSetOptions = {}): RuleSet {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceFile>();
  const rules: SigmaRule[] = [];
  const filters: SigmaFilter[] = [];
  const correlations: SigmaCorrelation[] = [];
  const files: SourceFile[] = [];
  const onDisk = paths.filter((p) => p !== "-");
  if (paths.includes("-")) {
    const read = sourceFromBytes("<stdin>", options.stdin ?? new Uint8Array());
    diagnostics.push(...read.diagnostics);
    if (read.source) files.push(read.source);
  }
  const walked = walkRuleFiles(onDisk);
  diagnostics.push(...walked.diagnostics);
  for (const path of walked.files) {
    const read = readRuleFile(path);
    diagnostics.push(...read.diagnostics);
    if (read.source) files.push(read.source);
  }
  for (const source of files) {
    sources.set(source.path, source);
    const loaded = loadSigmaFile(source);
    diagnostics.push(...loaded.diagnostics);
    for (const doc of loaded.documents) {
      if (doc.kind === "rule") rules.push(doc);
      else filters.push(doc);
    }
    correlations.push(...loaded.correlations);
  }
  const resolution = resolveCorrelations(rules, filters, correlations);
  diagnostics.push(...resolution.diagnostics);
  return {
    rules,
    filters,
    correlations: resolution.correlations,
    notGenerated: resolution.notGenerated,
    diagnostics,
    sources,
  };
}
