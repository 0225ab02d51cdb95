import type { Diagnostic } from "../diagnostics.js";
import { sourceLine, type SourceFile } from "../source.js";

export interface FormatOptions {
  readonly color: boolean;
  /** The text of each file by path, to show the offending line with a caret. */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** False: the head line only (grouped output). Default true. */
  readonly frame?: boolean;
  /** Printed instead of the severity (`skipped` for a pair --skip-unsupported leaves out). */
  readonly label?: string;
  /** Replaces ` [target]` (a group that spans targets). */
  readonly targets?: readonly string[];
  /** Appended to the head line (a group's count). */
  readonly suffix?: string;
}

const COLORS = {
  error: "\x1b[31m",
  warning: "\x1b[33m",
  info: "\x1b[36m",
  bold: "\x1b[1m",
  reset: "\x1b[0m",
};

/** `file:line:col: severity CODE: message`, then the source line with a caret, then the notes. */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions): string {
  const paint = (code: string, s: string): string => (options.color ? code + s + COLORS.reset : s);
  const where = d.loc ? `${d.file}:${d.loc.line}:${d.loc.col}` : d.file || "sigprism";
  const targets = options.targets ?? (d.target ? [d.target] : []);
  const target = targets.length > 0 ? ` [${targets.join(", ")}]` : "";
  const label = paint(COLORS[d.severity], options.label ?? d.severity);
  const head = `${paint(COLORS.bold, where)}: ${label} ${d.code}${target}: ${d.message}${options.suffix ?? ""}`;
  const lines = [head];
  const source = options.frame === false ? undefined : options.sources.get(d.file);
  if (source && d.loc) {
    const text = sourceLine(source, d.loc.line);
    if (text.length <= 400) {
      const gutter = String(d.loc.line);
      const pad = " ".repeat(gutter.length);
      // Tabs are kept so that the caret lines up with what the terminal shows.
      const lead = text.slice(0, d.loc.col - 1).replace(/[^\t]/g, " ");
      const width = Math.max(1, Math.min(d.loc.length || 1, text.length - d.loc.col + 1));
      lines.push(
        `${pad} |`,
        `${gutter} | ${text}`,
        `${pad} | ${lead}${paint(COLORS[d.severity], "^".repeat(width))}`,
      );
    }
  }
  if (options.frame !== false) for (const note of d.notes ?? []) lines.push(`  = note: ${note}`);
  return lines.join("\n");
}

export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.file,
    line: d.loc?.line ?? null,
    col: d.loc?.col ?? null,
    ...(d.target ? { target: d.target } : {}),
    ...(d.fidelity ? { fidelity: true } : {}),
    ...(d.notes?.length ? { notes: d.notes } : {}),
  };
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const count = (s: Diagnostic["severity"]): number =>
    diagnostics.filter((d) => d.severity === s).length;
  const e = count("error");
  const w = count("warning");
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(e, "error")}, ${plural(w, "warning")}`;
}
