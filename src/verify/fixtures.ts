import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../diagnostics.js";

/**
 * A labelled raw event: `matches` names exactly the rule ids that must match it; every other rule
 * under verification must not. One JSON object per line (NDJSON).
 */
export interface Fixture {
  readonly id: string;
  readonly why: string;
  readonly matches: readonly string[];
  /**
   * The rules the label speaks for (`matches` ⊆ labelled). Absent: every rule under verification.
   * A family's fixtures (Windows events checked against a whole corpus) label the rules they were
   * written for; for the others only translation and causes are checked, against the reference.
   */
  readonly labelled?: readonly string[];
  readonly event: unknown;
  readonly file: string;
  readonly line: number;
}

function fixtureFiles(path: string, diagnostics: Diagnostic[]): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    diagnostics.push({
      severity: "error",
      code: "FIXTURE_NOT_FOUND",
      message: `no such file or directory: ${path}`,
      file: path,
    });
    return [];
  }
  if (!st.isDirectory()) return [path];
  // Only the folder itself: sub-folders hold fixtures meant for other rule sets (e.g. filters/).
  return (
    readdirSync(path)
      // Labelled event sequences (correlations) have their own reader: verify/correlation/sequences.ts.
      .filter(
        (n) => (n.endsWith(".ndjson") || n.endsWith(".jsonl")) && !n.endsWith(".sequences.ndjson"),
      )
      .sort()
      .map((n) => join(path, n))
  );
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function loadFixtures(paths: readonly string[]): {
  fixtures: Fixture[];
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const fixtures: Fixture[] = [];
  const seen = new Map<string, string>();
  for (const path of paths) {
    for (const file of fixtureFiles(path, diagnostics)) {
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((text, i) => {
        const line = i + 1;
        if (text.trim() === "") return;
        const bad = (message: string): void => {
          diagnostics.push({
            severity: "error",
            code: "FIXTURE_INVALID",
            message,
            file,
            loc: { offset: 0, length: 0, line, col: 1 },
          });
        };
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          bad(`not JSON: ${(e as Error).message}`);
          return;
        }
        if (!isRecord(value)) return bad("a fixture must be a JSON object");
        const { id, why, matches, labelled, event } = value;
        if (typeof id !== "string" || id === "") return bad("'id' must be a non-empty string");
        if (!Array.isArray(matches) || !matches.every((m) => typeof m === "string"))
          return bad("'matches' must be a list of rule ids");
        if (
          labelled !== undefined &&
          (!Array.isArray(labelled) || !labelled.every((m) => typeof m === "string"))
        )
          return bad("'labelled' must be a list of rule ids");
        if (
          Array.isArray(labelled) &&
          !(matches as string[]).every((m) => (labelled as string[]).includes(m))
        )
          return bad("every rule in 'matches' must be in 'labelled'");
        if (!("event" in value)) return bad("'event' is missing");
        const previous = seen.get(id);
        if (previous) return bad(`duplicate fixture id '${id}' (also in ${previous})`);
        seen.set(id, `${file}:${line}`);
        fixtures.push({
          id,
          why: typeof why === "string" ? why : "",
          matches: matches as string[],
          ...(labelled !== undefined ? { labelled: labelled as string[] } : {}),
          event,
          file,
          line,
        });
      });
    }
  }
  return { fixtures, diagnostics };
}
