import type { CoverageReport, TargetCoverage } from "../coverage.js";
import { writeStdout } from "./io.js";
import { renderTable } from "./table.js";

/** `lint --coverage`: the per-target table, then what stops the rest, most frequent first. */

function pct(n: number, of: number): string {
  return of === 0 ? "0.0%" : `${((100 * n) / of).toFixed(1)}%`;
}

function top(record: Readonly<Record<string, number>>, limit: number): string[][] {
  const rows = Object.entries(record).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = rows.slice(0, limit).map(([k, n]) => [k, String(n)]);
  if (rows.length > limit)
    shown.push([
      `… ${rows.length - limit} more`,
      String(rows.slice(limit).reduce((s, r) => s + r[1], 0)),
    ]);
  return shown;
}

function breakdown(
  title: string,
  t: TargetCoverage,
  record: Readonly<Record<string, number>>,
  limit: number,
): void {
  if (Object.keys(record).length === 0) return;
  writeStdout(`\n${t.target}: ${title}`);
  writeStdout(renderTable(["", "rules"], top(record, limit)));
}

export function printCoverage(report: CoverageReport, limit: number): void {
  const rows = report.targets.map((t) => [
    t.target,
    String(t.rules),
    `${t.mapped} (${pct(t.mapped, t.rules)})`,
    String(t.counts.exact),
    String(t.counts.deviation),
    String(t.counts.unmapped),
    String(t.counts.refused),
  ]);
  writeStdout(
    renderTable(
      [
        "target",
        "rules",
        "mapped",
        "exact",
        "fidelity warning",
        "unmapped (passed through)",
        "refused",
      ],
      rows,
    ),
  );
  if (report.invalid > 0)
    writeStdout(
      `${report.invalid} more rule${report.invalid === 1 ? "" : "s"} rejected by the front end (lint shows why)`,
    );
  for (const t of report.targets) {
    breakdown("refused, by error code", t, t.refusedBy, limit);
    breakdown("fidelity warnings, by code (rules)", t, t.warningsBy, limit);
    breakdown("unmapped, by logsource (product/category/service)", t, t.unmappedBy, limit);
  }
}
