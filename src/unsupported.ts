import type { Diagnostic } from "./diagnostics.js";

/**
 * Which errors say "this target (or sigprism) cannot express this rule" rather than "the rule, a
 * filter or a pipeline is wrong". `convert --skip-unsupported` (and `scan --skip-unsupported`)
 * writes everything else and exits 0 when every failure is of this kind; any other error still
 * fails the run. The one place that decides it.
 */

/** Codes outside the UNSUPPORTED_* family that mean the same. */
const CANNOT_EXPRESS: ReadonlySet<string> = new Set([
  // The target's own limits.
  "RULE_NEVER_MATCHES", // the target's data can never satisfy the rule (Elastic drops empty values)
  "UNKNOWN_LOGSOURCE", // when a target or pipeline makes an unmapped logsource an error
  "UNMAPPED_FIELD", // the logsource's data has no such field in this target
  "FIELD_NOT_AVAILABLE", // a pipeline says the target's data lacks the field (Elastic drops Hashes)
  "MISSING_RULE_ID", // a Kibana rule or TOML file needs the Sigma id, which is optional
  "HUNT_NO_TABLE_SHAPE", // hunt: no pipeline gives the logsource a table shape for DuckDB
  "ARTIFACT_VALUE", // a value the artifact format cannot hold (a .conf line ending in a backslash)
  // sigprism's own limits: the rule is valid Sigma.
  "CORRELATION_UNSUPPORTED", // the target has no aggregation (Falco) or no form for this type
  "CORRELATION_TYPE_UNSUPPORTED", // value_sum, value_avg, value_percentile: not yet translated
  "CORRELATION_NO_TIME_FIELD", // needs the site's time field: -O time-field=…
  "CORRELATION_MIXED_TIME_FIELDS",
  "RULE_COLLECTION_UNSUPPORTED",
  "DETECTION_REGEX_REDOS", // refused: exponential backtracking would stall the SIEM and the scanner
  "DETECTION_UNRESOLVED_PLACEHOLDER", // needs the site's values: --placeholder NAME=V1,V2
  "DETECTION_EXPANSION_TOO_LARGE",
]);

/** An error a run may skip: the target cannot say it (with --strict: cannot say it exactly). */
export function isUnsupported(d: Diagnostic): boolean {
  if (d.severity !== "error") return false;
  return d.code.startsWith("UNSUPPORTED_") || CANNOT_EXPRESS.has(d.code) || d.fidelity === true;
}

/** What became of one rule for one target. */
export type PairOutcome =
  | { readonly kind: "converted" }
  /** Every error is a "cannot express" one; `cause` is the first. */
  | { readonly kind: "unsupported"; readonly cause: Diagnostic }
  /** At least one error is a real one (the rule, a filter or a pipeline is wrong). */
  | { readonly kind: "error"; readonly cause: Diagnostic };

export function pairOutcome(diagnostics: readonly Diagnostic[]): PairOutcome {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const real = errors.find((d) => !isUnsupported(d));
  if (real) return { kind: "error", cause: real };
  const first = errors[0];
  return first ? { kind: "unsupported", cause: first } : { kind: "converted" };
}
