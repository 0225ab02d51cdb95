import type { SourceFile } from "../source.js";
import type { YMap, YScalar } from "./yaml-tree.js";

export type Level = "informational" | "low" | "medium" | "high" | "critical";
export type Status = "stable" | "test" | "experimental" | "deprecated" | "unsupported";

export interface LogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
}

interface DocumentBase {
  readonly source: SourceFile;
  /** The whole YAML document, with positions. */
  readonly node: YMap;
  /** 0-based index of the YAML document inside its file. */
  readonly documentIndex: number;
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly status?: Status;
  readonly description?: string;
  readonly references: readonly string[];
  readonly author?: string;
  /** ISO form YYYY-MM-DD (Sigma also allows YYYY/MM/DD; it is normalized). */
  readonly date?: string;
  readonly modified?: string;
  readonly tags: readonly string[];
  readonly level?: Level;
  readonly falsepositives: readonly string[];
  readonly logsource: LogSource;
  /** Top-level keys that the specification does not define, as plain JS values. */
  readonly custom: Readonly<Record<string, unknown>>;
}

/** A detection rule: `detection` holds the search identifiers and the `condition` scalar(s). */
export interface SigmaRule extends DocumentBase {
  readonly kind: "rule";
  readonly detection: YMap;
  /** The condition scalar(s): Sigma allows a list, meaning OR of the conditions. */
  readonly conditions: readonly YScalar[];
  readonly fields: readonly string[];
}

/**
 * A Sigma filter (meta-rule, spec 2.x): its condition is ANDed onto the condition of each rule it
 * names (by id or name). Exclusions say so themselves: `condition: not selection`.
 */
export interface SigmaFilter extends DocumentBase {
  readonly kind: "filter";
  readonly rules: readonly string[];
  readonly detection: YMap;
  readonly conditions: readonly YScalar[];
}

export type SigmaDocument = SigmaRule | SigmaFilter;
