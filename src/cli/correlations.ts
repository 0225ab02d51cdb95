import type { Diagnostic } from "../diagnostics.js";
import type { Pipeline } from "../pipelines/types.js";
import type { CorrelationIR } from "../sigma/correlation-ir.js";
import type { TargetName } from "../targets/types.js";
import {
  verifyCorrelations,
  type CorrelationDisagreement,
  type CorrelationReport,
} from "../parity/correlations.js";
import { loadSequences } from "../verify/correlation/sequences.js";
import { renderTable } from "./table.js";

/** verify's hook for correlations: the proof over the sequence fixtures, as text and JSON. */

export interface CorrelationProof {
  readonly report?: CorrelationReport;
  readonly diagnostics: readonly Diagnostic[];
  /** What to print after the per-event table (empty when the rule set has no correlation). */
  readonly text: string;
  /** One line per correlation/target pair the target cannot say, for stderr. */
  readonly unsupported: readonly string[];
  /** The report for `--json`. */
  readonly json?: unknown;
}

/**
 * `sigprism verify`'s correlation part: the sequence fixtures (`*.sequences.ndjson`) among the
 * --fixtures paths, checked against every correlation. Without sequences, the correlations are
 * only named as unverified.
 */
export async function proveCorrelations(
  irs: readonly CorrelationIR[],
  fixturePaths: readonly string[],
  targets: readonly TargetName[],
  options: {
    targetOptions?: Readonly<Partial<Record<TargetName, Readonly<Record<string, string>>>>>;
    strict?: boolean;
    allowUnsupported?: boolean;
    pipelines?: readonly Pipeline[];
  } = {},
): Promise<CorrelationProof> {
  if (irs.length === 0) return { diagnostics: [], text: "", unsupported: [] };
  const loaded = loadSequences(fixturePaths);
  if (loaded.sequences.length === 0 && loaded.diagnostics.length === 0) {
    return {
      diagnostics: [],
      unsupported: [],
      text: `\n${irs.length} correlation${irs.length === 1 ? "" : "s"} not verified: no sequence fixtures (*.sequences.ndjson) among --fixtures`,
    };
  }
  const report = await verifyCorrelations(irs, loaded.sequences, { targets, ...options });
  const rows = Object.entries(report.perTarget).map(([target, s]) => [
    target,
    String(s.cases),
    String(s.agree),
    String(s.declaredDeviations),
    String(
      report.disagreements.filter((d) => d.target === target && d.kind !== "declared-deviation")
        .length,
    ),
    String(s.unsupported),
  ]);
  const failing = report.disagreements.filter(
    (d) => d.kind !== "declared-deviation" && d.kind !== "not-checked",
  );
  const unchecked = report.disagreements.filter((d) => d.kind === "not-checked").length;
  const lines = [
    "",
    `correlations (${irs.length} × ${loaded.sequences.length} event sequences):`,
    renderTable(
      ["target", "cases", "agree", "declared deviations", "failures", "correlations unsupported"],
      rows,
    ),
  ];
  if (unchecked > 0)
    lines.push(
      `${unchecked} sequence/target case${unchecked === 1 ? "" : "s"} not checked (a module hit the hang guard)`,
    );
  const labels = failing.filter((d) => d.target === "sigma").length;
  if (labels > 0)
    lines.push(
      `labels: ${labels} sequence label${labels === 1 ? "" : "s"} disagree with the reference correlator`,
    );
  if (failing.length > 0) {
    lines.push(
      "",
      "correlation disagreements:",
      renderTable(
        ["kind", "correlation", "sequence", "target", "expected", "got"],
        failing.slice(0, 100).map(row),
      ),
    );
  }
  const unsupported = report.diagnostics
    .filter((d) => d.severity === "error")
    .map(
      (d) =>
        `${d.file}:${d.loc?.line ?? 0}:${d.loc?.col ?? 0}: unsupported ${d.code} [${d.target}]: ${d.message}`,
    );
  const json = {
    ok: report.ok,
    cases: report.cases,
    perTarget: report.perTarget,
    disagreements: report.disagreements,
  };
  return { report, diagnostics: loaded.diagnostics, text: lines.join("\n"), unsupported, json };
}

function cut(s: string): string {
  const t = s.replace(/\s+/g, " ");
  return t.length > 60 ? t.slice(0, 57) + "..." : t;
}

function row(d: CorrelationDisagreement): string[] {
  return [
    d.kind,
    d.correlation.title,
    d.sequence,
    d.target,
    cut(d.expected),
    cut(d.got || (d.detail ?? "")),
  ];
}
