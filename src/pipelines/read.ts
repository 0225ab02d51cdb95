import { suggest, type Diagnostic } from "../diagnostics.js";
import { describe, isEmptyScalar } from "../sigma/load-context.js";
import type { YEntry, YMap, YNode } from "../sigma/yaml-tree.js";
import { locate, type Loc, type SourceFile } from "../source.js";

/**
 * Typed readers over the positioned YAML tree of a pipeline file. Each reports a coded
 * diagnostic at the offending node and returns undefined, so one run shows every mistake.
 */

export const PIPELINE_CODES = [
  "PIPELINE_INVALID",
  "PIPELINE_UNKNOWN_KEY",
  "PIPELINE_UNKNOWN_TARGET",
  "PIPELINE_UNKNOWN_TYPE",
  "PIPELINE_DUPLICATE",
  "PIPELINE_NOT_FOUND",
] as const;
export type PipelineCode = (typeof PIPELINE_CODES)[number];

interface Span {
  readonly start: number;
  readonly end: number;
}

export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  errors = 0;

  constructor(readonly source: SourceFile) {}

  loc(at: Span): Loc {
    return locate(this.source, at.start, Math.max(0, at.end - at.start));
  }

  error(code: PipelineCode, at: Span, message: string): void {
    this.errors++;
    this.diagnostics.push({
      severity: "error",
      code,
      message,
      file: this.source.path,
      loc: this.loc(at),
    });
  }

  /** Where to point at an entry's value (its key when the value is empty). */
  valueAt(entry: YEntry): Span {
    return isEmptyScalar(entry.value) ? entry.key : entry.value;
  }

  /** The entries of a mapping, each key checked against the known ones (with a suggestion). */
  entries(map: YMap, known: readonly string[], where: string): Map<string, YEntry> {
    const out = new Map<string, YEntry>();
    for (const e of map.entries) {
      const key = e.key.text;
      if (known.includes(key)) {
        out.set(key, e);
        continue;
      }
      const near = suggest(key, known);
      this.error(
        "PIPELINE_UNKNOWN_KEY",
        e.key,
        `unknown key '${key}' in ${where}${near ? ` — did you mean '${near}'?` : ` (keys: ${known.join(", ")})`}`,
      );
    }
    return out;
  }

  map(node: YNode, at: Span, what: string): YMap | undefined {
    if (node.kind === "map") return node;
    this.error("PIPELINE_INVALID", at, `${what} must be a mapping, got ${describe(node)}`);
    return undefined;
  }

  string(node: YNode, at: Span, what: string): string | undefined {
    if (node.kind === "scalar" && typeof node.value === "string" && node.value !== "")
      return node.value;
    this.error("PIPELINE_INVALID", at, `${what} must be a non-empty string, got ${describe(node)}`);
    return undefined;
  }

  /** A scalar read as text: plain numbers and booleans are values too (`EventID: 1`). */
  text(node: YNode, at: Span, what: string): string | undefined {
    if (node.kind === "scalar" && node.value !== null) return node.text;
    this.error("PIPELINE_INVALID", at, `${what} must be a value, got ${describe(node)}`);
    return undefined;
  }

  integer(node: YNode, at: Span, what: string, min: number, max: number): number | undefined {
    if (
      node.kind === "scalar" &&
      typeof node.value === "number" &&
      Number.isInteger(node.value) &&
      node.value >= min &&
      node.value <= max
    )
      return node.value;
    this.error(
      "PIPELINE_INVALID",
      at,
      `${what} must be a whole number from ${min} to ${max}, got ${describe(node)}`,
    );
    return undefined;
  }

  boolean(node: YNode, at: Span, what: string): boolean | undefined {
    if (node.kind === "scalar" && typeof node.value === "boolean") return node.value;
    this.error("PIPELINE_INVALID", at, `${what} must be true or false, got ${describe(node)}`);
    return undefined;
  }

  /** A list of non-empty strings; a lone string is a one-item list. */
  strings(node: YNode, at: Span, what: string): string[] | undefined {
    if (node.kind === "scalar") {
      const s = this.string(node, at, what);
      return s === undefined ? undefined : [s];
    }
    if (node.kind !== "seq") {
      this.error(
        "PIPELINE_INVALID",
        at,
        `${what} must be a list of strings, got ${describe(node)}`,
      );
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    for (const item of node.items) {
      const s = this.string(item, isEmptyScalar(item) ? at : item, `an item of ${what}`);
      if (s === undefined) ok = false;
      else if (!out.includes(s)) out.push(s);
    }
    return ok ? out : undefined;
  }

  /** Values a rule compares with (strings, numbers, booleans as written; '' is a value). */
  values(node: YNode, at: Span, what: string): string[] | undefined {
    const items = node.kind === "seq" ? node.items : [node];
    const out: string[] = [];
    let ok = true;
    for (const item of items) {
      if (item.kind === "scalar" && (item.value !== null || item.quoted)) out.push(item.text);
      else {
        this.error(
          "PIPELINE_INVALID",
          isEmptyScalar(item) ? at : item,
          `${what} must be a value or a list of values, got ${describe(item)}`,
        );
        ok = false;
      }
    }
    return ok ? out : undefined;
  }

  /** One of a fixed set of names, with a suggestion for a near miss. */
  oneOf<T extends string>(
    node: YNode,
    at: Span,
    what: string,
    names: readonly T[],
    code: PipelineCode = "PIPELINE_INVALID",
  ): T | undefined {
    const s = this.string(node, at, what);
    if (s === undefined) return undefined;
    const hit = names.find((n) => n === s);
    if (hit !== undefined) return hit;
    const near = suggest(s, names);
    this.error(
      code,
      at,
      `${what} '${s}' is not one of ${names.join(", ")}${near ? ` — did you mean '${near}'?` : ""}`,
    );
    return undefined;
  }
}
