import type { Diagnostic, Severity } from "../diagnostics.js";
import { locate, type SourceFile } from "../source.js";
import type { YEntry, YNode, YScalar } from "./yaml-tree.js";

/** Every code the loader itself reports (the YAML_* codes come from yaml-tree.ts). */
export const LOAD_CODES = [
  "RULE_EMPTY_FILE",
  "RULE_EMPTY_DOCUMENT",
  "RULE_NOT_A_MAPPING",
  "RULE_COLLECTION_UNSUPPORTED",
  "RULE_AMBIGUOUS_DOCUMENT",
  "RULE_MISSING_KEY",
  "RULE_MISSING_CONDITION",
  "RULE_TYPE",
  "RULE_EMPTY_VALUE",
  "RULE_TITLE_TOO_LONG",
  "RULE_DESCRIPTION_TOO_LONG",
  "RULE_BAD_ID",
  "RULE_BAD_STATUS",
  "RULE_BAD_LEVEL",
  "RULE_BAD_DATE",
  "RULE_BAD_TAG",
  "RULE_TAG_STYLE",
  "RULE_BAD_RELATED_TYPE",
  "RULE_BAD_TIMEFRAME",
  "RULE_LOGSOURCE_EMPTY",
  "RULE_NO_SEARCH_IDENTIFIER",
  "RULE_EMPTY_SEARCH_IDENTIFIER",
  "RULE_EMPTY_CONDITION",
  "RULE_UNKNOWN_KEY_NEAR_MISS",
  "RULE_DUPLICATE_ITEM",
  "RULE_DUPLICATE_ID",
  "RULE_DUPLICATE_NAME",
  "CORRELATION_UNKNOWN_KEY",
  "CORRELATION_MISSING_KEY",
  "CORRELATION_BAD_TYPE",
  "CORRELATION_BAD_RULES",
  "CORRELATION_BAD_GROUP_BY",
  "CORRELATION_BAD_TIMESPAN",
  "CORRELATION_BAD_ALIAS",
  "CORRELATION_BAD_CONDITION",
  "CORRELATION_METRIC_TYPE",
  "CORRELATION_ID_NOT_UUID",
] as const;
export type LoadCode = (typeof LOAD_CODES)[number];

/** The codes parseYaml reports, listed here so that the documentation has them in one place. */
export const YAML_CODES = [
  "YAML_SYNTAX",
  "YAML_TAB_INDENT",
  "YAML_BAD_INDENT",
  "YAML_DUPLICATE_KEY",
  "YAML_UNKNOWN_ANCHOR",
  "YAML_COMPLEX_KEY",
  "YAML_ALIAS_EXPANSION",
  "YAML_UNSUPPORTED_TAG",
  "YAML_TAG_MISMATCH",
] as const;

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Collects the diagnostics of one document and remembers whether any was an error. */
export class LoadContext {
  errorCount = 0;

  constructor(
    readonly source: SourceFile,
    readonly diagnostics: Diagnostic[],
  ) {}

  report(severity: Severity, code: LoadCode, at: Span | undefined, message: string): void {
    if (severity === "error") this.errorCount++;
    const base = { severity, code, message, file: this.source.path };
    this.diagnostics.push(
      at === undefined
        ? base
        : { ...base, loc: locate(this.source, at.start, Math.max(0, at.end - at.start)) },
    );
  }

  error(code: LoadCode, at: Span | undefined, message: string): void {
    this.report("error", code, at, message);
  }

  warn(code: LoadCode, at: Span | undefined, message: string): void {
    this.report("warning", code, at, message);
  }
}

/**
 * Where to point at a value. `key:` with nothing after it has no source text of its own
 * (yaml-tree gives it offset 0), so the key stands in for it.
 */
export function valueSpan(entry: YEntry): Span {
  return isEmptyScalar(entry.value) ? entry.key : entry.value;
}

export function isEmptyScalar(node: YNode): node is YScalar {
  return node.kind === "scalar" && node.value === null && !node.quoted && node.text === "";
}

/** "a list", "a number"…: what a person sees in the file, for "expected X, got Y". */
export function describe(node: YNode): string {
  switch (node.kind) {
    case "seq":
      return "a list";
    case "map":
      return "a mapping";
    case "scalar": {
      const v = node.value;
      if (v === null) return node.text === "" ? "nothing (an empty value)" : "null";
      if (typeof v === "number") return `the number ${node.text}`;
      if (typeof v === "boolean") return `the boolean ${node.text}`;
      return "a string";
    }
  }
}
