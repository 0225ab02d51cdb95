import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileForTarget, compileRuleIR, type RuleIR } from "../compile.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { loadRuleSet } from "../rule-set.js";
import { loadTarget } from "../targets/load.js";
import { TARGET_NAMES } from "../targets/types.js";
import { loadFixtures } from "../verify/fixtures.js";
import { verifyRules, type VerifyReport } from "../verify/parity.js";
import { outputName } from "./convert.js";
import { EXIT_FAILURE, EXIT_OK, reportDiagnostics, writeStdout } from "./io.js";
import { renderTable } from "./table.js";

/**
 * `npm start`: every rule in rules/ for every target and format into out/, then the parity proof
 * over test/fixtures, then one summary table.
 */
export async function run(): Promise<number> {
  const set = loadRuleSet(["rules"]);
  const diagnostics: Diagnostic[] = [...set.diagnostics];
  const ruleIRs: RuleIR[] = [];
  for (const rule of set.rules) {
    const r = compileRuleIR(rule, { filters: set.filters });
    diagnostics.push(...r.diagnostics);
    if (!hasErrors(r.diagnostics)) ruleIRs.push(r);
  }
  if (hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, set.sources, "text", { summary: true });
    return EXIT_FAILURE;
  }
  rmSync("out", { recursive: true, force: true });
  mkdirSync("out", { recursive: true });
  const status = new Map<string, string>();
  let written = 0;
  for (const r of ruleIRs) {
    for (const target of TARGET_NAMES) {
      const marks: string[] = [];
      for (const format of loadTarget(target).formats) {
        const output = await compileForTarget(r, target, { format });
        if (hasErrors(output.diagnostics)) {
          marks.push("unsupported");
          diagnostics.push(...output.diagnostics.filter((d) => d.severity === "error"));
          break;
        }
        if (output.diagnostics.some((d) => d.fidelity && d.severity === "warning")) marks.push("deviation");
        writeFileSync(join("out", outputName(r.rule, output)), output.artifact);
        written++;
      }
      status.set(`${r.rule.id}/${target}`, marks.includes("unsupported") ? "unsupported" : marks.includes("deviation") ? "declared deviation" : "exact");
    }
  }
  writeStdout(`wrote ${written} files for ${ruleIRs.length} rules × ${TARGET_NAMES.length} targets to out/\n`);
  if (diagnostics.length) reportDiagnostics(dedupe(diagnostics), set.sources, "text");

  // Fixtures at the top of test/fixtures are labelled for the rules alone; test/fixtures/filters
  // for the rules with the site filters of rules/filters applied.
  const plain = ruleIRs.map((r) => compileRuleIR(r.rule));
  const reports: [string, VerifyReport][] = [];
  const main = loadFixtures(["test/fixtures"]);
  reports.push(["test/fixtures (rules without site filters)", await verifyRules(plain, main.fixtures, { targets: TARGET_NAMES })]);
  if (existsSync("test/fixtures/filters")) {
    const filtered = loadFixtures(["test/fixtures/filters"]);
    reports.push(["test/fixtures/filters (rules + rules/filters)", await verifyRules(ruleIRs, filtered.fixtures, { targets: TARGET_NAMES })]);
  }

  writeStdout(
    renderTable(
      ["rule", ...TARGET_NAMES],
      ruleIRs.map((r) => [r.rule.title.length > 60 ? r.rule.title.slice(0, 57) + "..." : r.rule.title, ...TARGET_NAMES.map((t) => status.get(`${r.rule.id}/${t}`) ?? "?")]),
    ),
  );
  let ok = true;
  for (const [name, report] of reports) {
    const failing = report.disagreements.filter((d) => d.kind !== "declared-deviation");
    const declared = report.disagreements.length - failing.length;
    writeStdout(`\nverify ${name}: ${report.cases} cases, ${failing.length} failures, ${declared} declared deviations`);
    for (const d of failing.slice(0, 20)) writeStdout(`  ${d.kind} ${d.target} ${d.rule.title} / ${d.fixture}: expected ${d.expected}, got ${d.got}`);
    ok &&= report.ok;
  }
  return ok ? EXIT_OK : EXIT_FAILURE;
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.loc?.line}:${d.loc?.col}:${d.code}:${d.target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
