import { readFileSync } from "node:fs";
import type { Diagnostic } from "../diagnostics.js";
import type { SourceFile } from "../source.js";
import { diagnosticToJson, summarize } from "./format-diagnostics.js";
import { renderDiagnostics, type Verbosity } from "./report.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or FORCE_COLOR=0. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR === "0") return false;
  return stream.isTTY === true;
}

export function readStdin(): Uint8Array {
  try {
    return readFileSync(0);
  } catch {
    return new Uint8Array();
  }
}

export type DiagnosticFormat = "text" | "json";

let notesWanted = false;

/** `--notes`: print info-level fidelity notes in full. */
export function setShowNotes(on: boolean): void {
  notesWanted = on;
}

function showNotes(): boolean {
  return notesWanted;
}

let verbosity: Verbosity = "normal";

/** `--verbose` / `--quiet`: how diagnostics are printed (report.ts). */
export function setVerbosity(v: Verbosity): void {
  verbosity = v;
}

export function currentVerbosity(): Verbosity {
  return verbosity;
}

/** Print diagnostics on stderr (text) or as one JSON document on stdout (json). */
export function reportDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceFile>,
  format: DiagnosticFormat,
  options: {
    summary?: boolean;
    /** Errors --skip-unsupported tolerates (printed as `skipped`). */
    tolerated?: ReadonlySet<Diagnostic>;
    /** Overrides --verbose / --quiet (lint lists everything unless --quiet). */
    verbosity?: Verbosity;
  } = {},
): void {
  if (format === "json") return;
  const color = useColor(process.stderr);
  const mode = options.verbosity ?? verbosity;
  // Info-level fidelity notes describe data a target cannot tell apart (JSON null shown as
  // "null", no field for []): true of every rule on that field, so shown on request only.
  const notes = diagnostics.filter((d) => d.severity === "info" && d.fidelity);
  const noteSet = new Set(notes);
  const shown = showNotes() ? diagnostics : diagnostics.filter((d) => !noteSet.has(d));
  // Written in chunks: one write per diagnostic costs a system call each (tens of thousands).
  let chunk = "";
  const lines = renderDiagnostics(shown, {
    color,
    sources,
    verbosity: mode,
    ...(options.tolerated ? { tolerated: options.tolerated } : {}),
  });
  for (const line of lines) {
    chunk += line + "\n";
    if (chunk.length >= 1 << 16) {
      process.stderr.write(chunk);
      chunk = "";
    }
  }
  if (chunk !== "") process.stderr.write(chunk);
  if (mode === "quiet") return;
  if (!showNotes() && notes.length > 0) {
    const targets = [...new Set(notes.map((d) => d.target ?? "?"))].join(", ");
    process.stderr.write(
      `${notes.length} data note${notes.length === 1 ? "" : "s"} (${targets}): values the target's data cannot tell apart; --notes shows them\n`,
    );
  }
  if (options.summary && diagnostics.length > 0)
    process.stderr.write(summarize(diagnostics) + "\n");
}

export function diagnosticsJson(diagnostics: readonly Diagnostic[]): unknown[] {
  return diagnostics.map(diagnosticToJson);
}

export function writeStdout(text: string): void {
  process.stdout.write(text.endsWith("\n") || text === "" ? text : text + "\n");
}
