import { readFileSync } from "node:fs";
import type { Diagnostic } from "../diagnostics.js";
import type { SourceFile } from "../source.js";
import { diagnosticToJson, formatDiagnostic, summarize } from "./format-diagnostics.js";

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

/** Print diagnostics on stderr (text) or as one JSON document on stdout (json). */
export function reportDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceFile>,
  format: DiagnosticFormat,
  options: { summary?: boolean } = {},
): void {
  if (format === "json") return;
  const color = useColor(process.stderr);
  for (const d of diagnostics) process.stderr.write(formatDiagnostic(d, { color, sources }) + "\n");
  if (options.summary && diagnostics.length > 0)
    process.stderr.write(summarize(diagnostics) + "\n");
}

export function diagnosticsJson(diagnostics: readonly Diagnostic[]): unknown[] {
  return diagnostics.map(diagnosticToJson);
}

export function writeStdout(text: string): void {
  process.stdout.write(text.endsWith("\n") || text === "" ? text : text + "\n");
}
