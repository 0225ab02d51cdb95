import type { LogSource } from "../sigma/rule.js";

import type { TargetName } from "../target-names.js";

export { TARGET_NAMES, type TargetName } from "../target-names.js";

/**
 * What a backend reads about one logsource in one target (the processing pipelines resolve it:
 * src/pipelines): how to scope a query to it and how its fields are named.
 */
export interface LogsourceMapping {
  /** Every key given must equal the rule's logsource key (case-insensitive). */
  readonly match: LogSource;
  /** The target-language clause that selects this data (an index, dataset, source), verbatim. */
  readonly scope?: string;
  /** Sigma field name (raw event path) → the target's field name. */
  readonly fields: Readonly<Record<string, string>>;
  /** Target-specific settings for this logsource (index patterns, Falco source name, …). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** targets/<name>.yml, validated when loaded. */
export interface TargetConfig {
  readonly name: TargetName;
  readonly description: string;
  readonly defaultFormat: string;
  readonly formats: readonly string[];
  /** Target-wide settings (artifact defaults such as schedule or Falco version). */
  readonly settings: Readonly<Record<string, unknown>>;
}
