import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileForTarget, compileRuleIR, type RuleIR } from "../compile.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { loadRuleSet } from "../rule-set.js";
import { loadTarget } from "../targets/load.js";
import { TARGET_NAMES, type TargetName } from "../targets/types.js";
import { loadFixtures } from "../verify/fixtures.js";
import { verifyRules, type VerifyReport } from "../parity/run.js";
import { outputName } from "./convert.js";
import { EXIT_FAILURE, EXIT_OK, reportDiagnostics, writeStdout } from "./io.js";
import { renderTable } from "./table.js";
import { compileCorrelationForTarget } from "../compile-correlation.js";
import { loadCorrelationBackend } from "../backends/correlation-registry.js";
import type { CorrelationIR } from "../sigma/correlation-ir.js";
import { compileCorrelations } from "./correlation-compile.js";
import { proveCorrelations } from "./correlations.js";

type Status = "exact" | "deviation" | "unsupported";

/** Compile one rule for every format of one target into out/; the worst status wins. */
async function emitAll(
  r: RuleIR,
  target: TargetName,
  problems: Diagnostic[],
): Promise<{ status: Status; files: number }> {
  let status: Status = "exact";
  let files = 0;
  for (const format of loadTarget(target).formats) {
    const output = await compileForTarget(r, target, { format });
    if (hasErrors(output.diagnostics)) {
      problems.push(...output.diagnostics.filter((d) => d.severity === "error"));
      return { status: "unsupported", files };
    }
    if (output.diagnostics.some((d) => d.fidelity && d.severity === "warning"))
      status = "deviation";
    writeFileSync(join("out", outputName(r.rule, output)), output.artifact);
    files++;
  }
  return { status, files };
}

/** A correlation for every format its target has for correlations; a refusal is "unsupported". */
async function emitCorrelation(
  ir: CorrelationIR,
  target: TargetName,
  problems: Diagnostic[],
): Promise<{ status: Status; files: number }> {
  let status: Status = "exact";
  let files = 0;
  const formats = (await loadCorrelationBackend(target)).formats;
  for (const format of formats.length > 0 ? formats : [undefined]) {
    const output = await compileCorrelationForTarget(ir, target, format ? { format } : {});
    if (hasErrors(output.diagnostics)) {
      problems.push(...output.diagnostics.filter((d) => d.severity === "error"));
      return { status: "unsupported", files };
    }
    if (output.diagnostics.some((d) => d.fidelity && d.severity === "warning"))
      status = "deviation";
    writeFileSync(join("out", outputName(ir.correlation, output)), output.artifact);
    files++;
  }
  return { status, files };
}

/**
 * `npm start`: every rule in rules/ (with the site filters of rules/filters applied) for every
 * target and format into out/, then the parity proof over test/fixtures, then one summary.
 */
export async function run(): Promise<number> {
  const set = loadRuleSet(["rules"]);
  const diagnostics: Diagnostic[] = [...set.diagnostics];
  const deployed: RuleIR[] = [];
  for (const rule of set.rules) {
    const r = compileRuleIR(rule, { filters: set.filters });
    diagnostics.push(...r.diagnostics);
    if (!hasErrors(r.diagnostics)) deployed.push(r);
  }
  if (hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, set.sources, "text", { summary: true });
    return EXIT_FAILURE;
  }
  rmSync("out", { recursive: true, force: true });
  mkdirSync("out", { recursive: true });
  const problems: Diagnostic[] = [];
  const rows: string[][] = [];
  let written = 0;
  for (const r of deployed) {
    const cells: string[] = [];
    for (const target of TARGET_NAMES) {
      const { status, files } = await emitAll(r, target, problems);
      written += files;
      cells.push(status);
    }
    const title = r.rule.title.length > 58 ? r.rule.title.slice(0, 55) + "..." : r.rule.title;
    rows.push([r.filters.length ? `${title} (+${r.filters.length} site filter)` : title, ...cells]);
  }
  const correlations = compileCorrelations(set, set.filters);
  for (const ir of correlations.irs) {
    const cells: string[] = [];
    for (const target of TARGET_NAMES) {
      const { status, files } = await emitCorrelation(ir, target, problems);
      written += files;
      cells.push(status);
    }
    const title = ir.correlation.title;
    rows.push([
      `${title.length > 45 ? title.slice(0, 42) + "..." : title} (correlation)`,
      ...cells,
    ]);
  }
  writeStdout(
    `wrote ${written} files to out/ (${deployed.length} rules, ${correlations.irs.length} correlations, ${TARGET_NAMES.length} targets, every format)\n`,
  );
  writeStdout(renderTable(["rule", ...TARGET_NAMES], rows));
  if (problems.length) {
    writeStdout("\nnot expressible (coded errors; convert refuses these rule/target pairs):");
    const seen = new Set<string>();
    for (const d of problems) {
      const line = `  ${d.file}:${d.loc?.line ?? 0}:${d.loc?.col ?? 0} [${d.target}] ${d.code}`;
      if (!seen.has(line)) writeStdout(line);
      seen.add(line);
    }
  }

  // Top-level fixtures are labelled for the rules alone; test/fixtures/filters for the rules with
  // the site filters applied.
  const plain = deployed.map((r) => compileRuleIR(r.rule));
  const reports: [string, VerifyReport][] = [
    [
      "test/fixtures, rules alone",
      await verifyRules(plain, loadFixtures(["test/fixtures"]).fixtures, {
        targets: TARGET_NAMES,
        allowUnsupported: true,
      }),
    ],
  ];
  if (existsSync("test/fixtures/filters")) {
    const filtered = loadFixtures(["test/fixtures/filters"]).fixtures;
    reports.push([
      "test/fixtures/filters, rules + site filters",
      await verifyRules(deployed, filtered, { targets: TARGET_NAMES, allowUnsupported: true }),
    ]);
  }
  let ok = true;
  writeStdout("\nparity (interpreted emitted text vs the rule's meaning):");
  const table: string[][] = [];
  for (const [name, report] of reports) {
    for (const [target, s] of Object.entries(report.perTarget)) {
      const failures = report.disagreements.filter(
        (d) => d.target === target && d.kind !== "declared-deviation",
      ).length;
      table.push([
        name,
        target,
        String(s.cases),
        String(s.agree),
        String(s.declaredDeviations),
        String(failures),
      ]);
    }
    const labels = report.disagreements.filter((d) => d.kind === "label").length;
    if (labels) table.push([name, "labels", "", "", "", String(labels)]);
    ok &&= report.ok;
  }
  writeStdout(
    renderTable(["fixtures", "target", "cases", "agree", "declared deviations", "failures"], table),
  );
  for (const [, report] of reports) {
    for (const d of report.disagreements
      .filter((x) => x.kind !== "declared-deviation")
      .slice(0, 20)) {
      writeStdout(
        `  ${d.kind} ${d.target} ${d.rule.title} / ${d.fixture}: expected ${d.expected}, got ${d.got}`,
      );
    }
  }
  if (existsSync("test/fixtures/correlation")) {
    const proof = await proveCorrelations(
      correlations.irs,
      ["test/fixtures/correlation"],
      TARGET_NAMES,
      { allowUnsupported: true },
    );
    if (proof.text !== "") writeStdout(proof.text);
    ok &&= (proof.report?.ok ?? true) && !hasErrors(proof.diagnostics);
  }
  writeStdout(
    ok
      ? "\nall targets agree with every rule on every fixture (declared deviations aside)"
      : "\nPARITY FAILED",
  );
  return ok ? EXIT_OK : EXIT_FAILURE;
}
