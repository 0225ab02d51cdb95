import { writeFileSync } from "node:fs";
import { compileRuleIR, type RuleIR } from "../compile.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { loadRuleSet } from "../rule-set.js";
import { loadFixtures } from "../verify/fixtures.js";
import { verifyRules, type Disagreement, type VerifyReport } from "../verify/parity.js";
import { renderTable } from "./table.js";
import {
  diagnosticsJson,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  reportDiagnostics,
  writeStdout,
} from "./io.js";
import { parseTargets } from "./targets-arg.js";

export async function run(args: Record<string, unknown>): Promise<number> {
  const { targets, error } = parseTargets(String(args.targets ?? "all"));
  if (error) {
    process.stderr.write(`sigprism: error USAGE: ${error}\n`);
    return EXIT_USAGE;
  }
  const set = loadRuleSet((args.paths as string[]) ?? []);
  const filterSet = loadRuleSet((args.filter as string[] | undefined) ?? []);
  const fixtures = loadFixtures((args.fixtures as string[]) ?? []);
  const diagnostics: Diagnostic[] = [
    ...set.diagnostics,
    ...filterSet.diagnostics,
    ...fixtures.diagnostics,
  ];
  const filters = [...set.filters, ...filterSet.filters];
  const ruleIRs: RuleIR[] = [];
  for (const rule of set.rules) {
    const r = compileRuleIR(rule, { filters });
    diagnostics.push(...r.diagnostics);
    if (!hasErrors(r.diagnostics)) ruleIRs.push(r);
  }
  const sources = new Map([...set.sources, ...filterSet.sources]);
  if (hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, sources, "text", { summary: true });
    if (args.json)
      writeStdout(
        JSON.stringify({ ok: false, diagnostics: diagnosticsJson(diagnostics) }, null, 2),
      );
    return EXIT_FAILURE;
  }
  const report = await verifyRules(ruleIRs, fixtures.fixtures, { targets });
  const junit = args.junit as string | undefined;
  if (junit) writeFileSync(junit, toJUnit(report, ruleIRs.length, fixtures.fixtures.length));
  if (args.json) {
    writeStdout(
      JSON.stringify(
        {
          ok: report.ok,
          cases: report.cases,
          perTarget: report.perTarget,
          disagreements: report.disagreements,
          diagnostics: diagnosticsJson(report.diagnostics),
        },
        null,
        2,
      ),
    );
  } else {
    for (const d of report.diagnostics.filter((d) => d.severity === "error")) {
      process.stderr.write(
        `${d.file}:${d.loc?.line ?? 0}:${d.loc?.col ?? 0}: unsupported ${d.code} [${d.target}]: ${d.message}\n`,
      );
    }
    printReport(report, ruleIRs.length, fixtures.fixtures.length);
  }
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}

function printReport(report: VerifyReport, rules: number, fixtures: number): void {
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
  writeStdout(
    renderTable(
      ["target", "cases", "agree", "declared deviations", "failures", "rules unsupported"],
      rows,
    ),
  );
  const failing = report.disagreements.filter((d) => d.kind !== "declared-deviation");
  if (failing.length) {
    writeStdout("\ndisagreements:");
    writeStdout(
      renderTable(
        ["kind", "rule", "fixture", "target", "expected", "got", "emitted text"],
        failing.slice(0, 200).map(row),
      ),
    );
    if (failing.length > 200) writeStdout(`… and ${failing.length - 200} more`);
  }
  writeStdout(
    `\n${rules} rule${rules === 1 ? "" : "s"} × ${fixtures} fixtures: ${report.cases} target cases, ${report.ok ? "all agree" : `${failing.length} disagreement${failing.length === 1 ? "" : "s"}`}`,
  );
}

function row(d: Disagreement): string[] {
  const text = (d.detail ?? d.text).replace(/\s+/g, " ");
  return [
    d.kind,
    d.rule.title,
    d.fixture,
    d.target,
    String(d.expected),
    String(d.got),
    text.length > 80 ? text.slice(0, 77) + "..." : text,
  ];
}

function xml(s: string): string {
  return s
    .replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

/** One testsuite per target, one testcase per rule; a failing case lists its disagreements. */
function toJUnit(report: VerifyReport, rules: number, fixtures: number): string {
  const byTarget = new Map<string, Disagreement[]>();
  for (const d of report.disagreements) {
    if (d.kind === "declared-deviation") continue;
    const list = byTarget.get(d.target) ?? [];
    list.push(d);
    byTarget.set(d.target, list);
  }
  const suites = Object.entries(report.perTarget).map(([target, s]) => {
    const failures = byTarget.get(target) ?? [];
    const cases = failures.map(
      (d) =>
        `    <testcase classname="${xml(target)}" name="${xml(`${d.rule.title} / ${d.fixture}`)}">\n      <failure message="${xml(`${d.kind}: expected ${d.expected}, got ${d.got}`)}">${xml(d.detail ?? d.text)}</failure>\n    </testcase>`,
    );
    const passed = s.cases - failures.length;
    if (passed > 0)
      cases.push(`    <testcase classname="${xml(target)}" name="${passed} agreeing cases"/>`);
    return `  <testsuite name="sigprism verify ${xml(target)}" tests="${cases.length}" failures="${failures.length}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const labels = byTarget.get("sigma") ?? [];
  if (labels.length) {
    suites.push(
      `  <testsuite name="sigprism verify labels" tests="${labels.length}" failures="${labels.length}">\n${labels.map((d) => `    <testcase classname="sigma" name="${xml(`${d.rule.title} / ${d.fixture}`)}">\n      <failure message="label: fixture says ${d.expected}, rule says ${d.got}"/>\n    </testcase>`).join("\n")}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sigprism verify" tests="${report.cases}" failures="${report.disagreements.filter((d) => d.kind !== "declared-deviation").length}">\n<!-- ${rules} rules x ${fixtures} fixtures -->\n${suites.join("\n")}\n</testsuites>\n`;
}
