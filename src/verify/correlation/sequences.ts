import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../../diagnostics.js";

/**
 * Labelled event sequences for correlations, one per line of a `*.sequences.ndjson` file:
 *
 *   {"id": "burst-20", "why": "…", "events": [{…raw event…}, …],
 *    "matches": {"<correlation id>": [{"group": {"user.username": "mallory"}, "first": "<RFC 3339>"}]}}
 *
 * `events` are in arrival order (which need not be time order). `matches` names exactly the
 * correlations that match somewhere in the sequence, and for each the groups that match and the
 * time of each group's first match under Sigma's sliding-window meaning; every other correlation
 * under verification must not match.
 */

export interface ExpectedGroup {
  readonly group: Readonly<Record<string, string>>;
  readonly first: string;
}

export interface SequenceFixture {
  readonly id: string;
  readonly why: string;
  readonly events: readonly unknown[];
  readonly matches: Readonly<Record<string, readonly ExpectedGroup[]>>;
  readonly file: string;
  readonly line: number;
}

export const SEQUENCE_SUFFIX = ".sequences.ndjson";

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function files(path: string, diagnostics: Diagnostic[]): string[] {
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
  if (!st.isDirectory()) return path.endsWith(SEQUENCE_SUFFIX) ? [path] : [];
  return readdirSync(path)
    .filter((n) => n.endsWith(SEQUENCE_SUFFIX))
    .sort()
    .map((n) => join(path, n));
}

function expectedGroups(v: unknown): ExpectedGroup[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: ExpectedGroup[] = [];
  for (const g of v) {
    if (!isRecord(g) || !isRecord(g.group) || typeof g.first !== "string") return undefined;
    if (!Object.values(g.group).every((x) => typeof x === "string")) return undefined;
    out.push({ group: g.group as Record<string, string>, first: g.first });
  }
  return out;
}

/** The sequence fixtures of the given files and folders (a folder's own files only). */
export function loadSequences(paths: readonly string[]): {
  sequences: SequenceFixture[];
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const sequences: SequenceFixture[] = [];
  const seen = new Map<string, string>();
  for (const path of paths) {
    for (const file of files(path, diagnostics)) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((text, i) => {
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
            return bad(`not JSON: ${(e as Error).message}`);
          }
          if (!isRecord(value)) return bad("a sequence fixture must be a JSON object");
          const { id, why, events, matches } = value;
          if (typeof id !== "string" || id === "") return bad("'id' must be a non-empty string");
          if (!Array.isArray(events)) return bad("'events' must be a list of raw events");
          if (!isRecord(matches))
            return bad("'matches' must map correlation ids to expected groups");
          const expected: Record<string, ExpectedGroup[]> = {};
          for (const [rule, groups] of Object.entries(matches)) {
            const list = expectedGroups(groups);
            if (list === undefined)
              return bad(`'matches.${rule}' must be a list of {group, first}`);
            expected[rule] = list;
          }
          const previous = seen.get(id);
          if (previous) return bad(`duplicate sequence id '${id}' (also in ${previous})`);
          seen.set(id, `${file}:${line}`);
          sequences.push({
            id,
            why: typeof why === "string" ? why : "",
            events,
            matches: expected,
            file,
            line,
          });
        });
    }
  }
  return { sequences, diagnostics };
}
