import type { Cause, Disagreement, UnsupportedPair, VerifyReport } from "../parity/run.js";
import { renderTable } from "./table.js";

/** The text, JSON and JUnit forms of a verify report. Nothing here writes to the terminal. */

const where = (file: string, loc: { line: number; col: number } | undefined): string =>
  `${file}:${loc?.line ?? 0}:${loc?.col ?? 0}`;

function causeText(c: Cause): string {
  return c.kind === "predicate"
    ? `${c.codes.join("+")} at ${where(c.file, c.loc)}`
    : `data: ${c.codes.join(", ")}`;
}

/** One line per failing disagreement, `file:line:col: error CODE: …`, as every other error. */
export function failureLines(report: VerifyReport): string[] {
  return report.disagreements
    .filter((d) => d.kind !== "declared-deviation")
    .map(
      (d) =>
        `${where(d.file, d.loc)}: error VERIFY_${d.kind.toUpperCase().replace(/-/g, "_")} [${d.target}]: ` +
        `${d.rule.title} × ${d.fixture || "-"}: expected ${d.expected}, got ${d.got}` +
        (d.detail ? ` (${d.detail})` : ""),
    );
}

export function unsupportedLines(report: VerifyReport, allowed: boolean): string[] {
  return report.unsupported.flatMap((u) =>
    u.errors.map(
      (e) =>
        `${where(e.file || u.rule.file, e.loc)}: ${allowed ? "warning" : "error"} ${e.code} [${u.target}]: unsupported: ${e.message}`,
    ),
  );
}

export function summaryText(report: VerifyReport, rules: number, fixtures: number): string {
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
  const table = renderTable(
    ["target", "cases", "agree", "declared deviations", "failures", "rules unsupported"],
    rows,
  );
  const failing = report.disagreements.filter((d) => d.kind !== "declared-deviation").length;
  const excused = report.disagreements.filter((d) => d.kind === "declared-deviation").length;
  const parts: string[] = [];
  if (failing > 0) parts.push(`${failing} disagreement${failing === 1 ? "" : "s"}`);
  if (excused > 0) parts.push(`${excused} declared deviation${excused === 1 ? "" : "s"}`);
  if (report.unsupported.length > 0)
    parts.push(
      `${report.unsupported.length} rule/target pair${report.unsupported.length === 1 ? "" : "s"} unsupported`,
    );
  const unchecked = Object.values(report.perTarget).reduce((n, s) => n + s.unchecked, 0);
  if (unchecked > 0) parts.push(`${unchecked} case${unchecked === 1 ? "" : "s"} unchecked`);
  if (report.cases === 0) parts.push("no case checked");
  const verdict =
    parts.length === 0
      ? "all agree"
      : `${report.ok ? "passed with " : "FAILED: "}${parts.join(", ")}`;
  return `${table}\n\n${rules} rule${rules === 1 ? "" : "s"} × ${fixtures} fixtures: ${report.cases} target cases, ${verdict}`;
}

/** Cases an interpreter could not decide within its work budget, as warnings. */
export function uncheckedLines(report: VerifyReport): string[] {
  return report.diagnostics
    .filter((d) => d.severity === "warning" && d.code.startsWith("VERIFY_"))
    .map((d) => `${d.file}: warning ${d.code} [${d.target ?? "?"}]: ${d.message}`);
}

/** Declared deviations, grouped by rule × target × cause, for `--notes`-like detail. */
export function deviationLines(report: VerifyReport): string[] {
  const groups = new Map<string, string[]>();
  for (const d of report.disagreements.filter((x) => x.kind === "declared-deviation")) {
    const key = `${d.rule.title} [${d.target}]: ${(d.causes ?? []).map(causeText).join("; ")}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(d.fixture);
  }
  return [...groups].map(([k, fixtures]) => `  ${k} — ${fixtures.join(", ")}`);
}

function jsonDisagreement(d: Disagreement): unknown {
  return {
    kind: d.kind,
    rule: d.rule,
    fixture: d.fixture,
    target: d.target,
    expected: d.expected,
    got: d.got,
    file: d.file,
    line: d.loc?.line ?? null,
    col: d.loc?.col ?? null,
    ...(d.detail ? { detail: d.detail } : {}),
    ...(d.causes
      ? {
          causes: d.causes.map((c) =>
            c.kind === "predicate"
              ? {
                  kind: c.kind,
                  codes: c.codes,
                  file: c.file,
                  line: c.loc?.line ?? null,
                  col: c.loc?.col ?? null,
                }
              : c,
          ),
        }
      : {}),
    text: d.text,
  };
}

function jsonUnsupported(u: UnsupportedPair): unknown {
  return {
    rule: u.rule,
    target: u.target,
    errors: u.errors.map((e) => ({
      code: e.code,
      message: e.message,
      file: e.file || u.rule.file,
      line: e.loc?.line ?? null,
      col: e.loc?.col ?? null,
    })),
  };
}

/** Every disagreement with its kind (declared deviations as such, with their causes), and every unsupported pair. */
export function reportJson(report: VerifyReport): Record<string, unknown> {
  return {
    ok: report.ok,
    cases: report.cases,
    perTarget: report.perTarget,
    disagreements: report.disagreements.map(jsonDisagreement),
    unsupported: report.unsupported.map(jsonUnsupported),
  };
}

function xml(s: string): string {
  return s
    .replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

/**
 * One testsuite per target. A failing disagreement is a <failure>; a declared deviation is a
 * passing case whose <system-out> names its cause with line:col; an unsupported pair is
 * <skipped> (or a <failure> when unsupported pairs fail the run).
 */
export function reportJUnit(
  report: VerifyReport,
  rules: number,
  fixtures: number,
  allowUnsupported: boolean,
): string {
  const targets = new Set([
    ...Object.keys(report.perTarget),
    ...report.disagreements.map((d) => d.target),
  ]);
  const suites = [...targets].map((target) => {
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    const name = (d: Disagreement): string => `${d.rule.title} / ${d.fixture}`;
    for (const d of report.disagreements.filter((x) => x.target === target)) {
      const at = where(d.file, d.loc);
      if (d.kind === "declared-deviation") {
        cases.push(
          `    <testcase classname="${xml(target)}" name="${xml(name(d))}">\n      <system-out>${xml(`declared deviation at ${at}: expected ${d.expected}, got ${d.got}; ${(d.causes ?? []).map(causeText).join("; ")}`)}</system-out>\n    </testcase>`,
        );
      } else {
        failures++;
        cases.push(
          `    <testcase classname="${xml(target)}" name="${xml(name(d))}">\n      <failure message="${xml(`${d.kind} at ${at}: expected ${d.expected}, got ${d.got}`)}">${xml(d.detail ?? d.text)}</failure>\n    </testcase>`,
        );
      }
    }
    for (const u of report.unsupported.filter((x) => x.target === target)) {
      const why = u.errors
        .map((e) => `${e.code} at ${where(e.file || u.rule.file, e.loc)}: ${e.message}`)
        .join("; ");
      if (allowUnsupported) {
        skipped++;
        cases.push(
          `    <testcase classname="${xml(target)}" name="${xml(u.rule.title)}">\n      <skipped message="${xml(`unsupported: ${why}`)}"/>\n    </testcase>`,
        );
      } else {
        failures++;
        cases.push(
          `    <testcase classname="${xml(target)}" name="${xml(u.rule.title)}">\n      <failure message="${xml(`unsupported: ${why}`)}"/>\n    </testcase>`,
        );
      }
    }
    const stats = report.perTarget[target];
    const agreeing = stats?.agree ?? 0;
    if (agreeing > 0)
      cases.push(`    <testcase classname="${xml(target)}" name="${agreeing} agreeing cases"/>`);
    return `  <testsuite name="sigprism verify ${xml(target)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const failed =
    report.disagreements.filter((d) => d.kind !== "declared-deviation").length +
    (allowUnsupported ? 0 : report.unsupported.length);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sigprism verify" tests="${report.cases}" failures="${failed}">\n<!-- ${rules} rules x ${fixtures} fixtures -->\n${suites.join("\n")}\n</testsuites>\n`;
}
