import type { Diagnostic } from "../diagnostics.js";
import type { SourceFile } from "../source.js";
import { formatDiagnostic } from "./format-diagnostics.js";

/**
 * How much of the diagnostics a run prints. `normal` groups them: one line per file, severity and
 * code, with the first position, the targets and how many more there are (a SigmaHQ folder gives
 * tens of thousands of warnings, one per value); a real error keeps its source line and caret.
 * `verbose` prints every diagnostic with its code frame; `quiet` prints errors only.
 */
export type Verbosity = "quiet" | "normal" | "verbose";

export interface RenderOptions {
  readonly color: boolean;
  readonly sources: ReadonlyMap<string, SourceFile>;
  readonly verbosity: Verbosity;
  /** Errors that --skip-unsupported tolerates: printed as `skipped`, without a code frame. */
  readonly tolerated?: ReadonlySet<Diagnostic>;
}

interface Group {
  readonly members: Diagnostic[];
  first: Diagnostic;
}

const before = (a: Diagnostic, b: Diagnostic): boolean =>
  (a.loc?.line ?? 0) < (b.loc?.line ?? 0) ||
  ((a.loc?.line ?? 0) === (b.loc?.line ?? 0) && (a.loc?.col ?? 0) < (b.loc?.col ?? 0));

/** The printed lines (each possibly several lines with its frame), in the order of first sight. */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  options: RenderOptions,
): string[] {
  const shown =
    options.verbosity === "quiet" ? diagnostics.filter((d) => d.severity === "error") : diagnostics;
  const tolerated = options.tolerated ?? new Set<Diagnostic>();
  const base = { color: options.color, sources: options.sources };
  if (options.verbosity === "verbose")
    return shown.map((d) =>
      formatDiagnostic(d, tolerated.has(d) ? { ...base, label: "skipped" } : base),
    );
  const groups = new Map<string, Group>();
  for (const d of shown) {
    const key = [d.file, d.severity, tolerated.has(d) ? "skip" : "", d.code].join("\u0000");
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { members: [d], first: d });
    else {
      g.members.push(d);
      if (before(d, g.first)) g.first = d;
    }
  }
  return [...groups.values()].map(({ members, first }) => {
    const skipped = tolerated.has(first);
    const targets = [...new Set(members.flatMap((m) => (m.target ? [m.target] : [])))];
    const more = members.length - 1;
    return formatDiagnostic(first, {
      ...base,
      frame: first.severity === "error" && !skipped,
      targets,
      suffix: more > 0 ? ` (and ${more} more)` : "",
      ...(skipped ? { label: "skipped" } : {}),
    });
  });
}
