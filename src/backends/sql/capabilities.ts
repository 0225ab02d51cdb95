import type { CapabilityEntry } from "../types.js";

/** One row per construct of src/backends/constructs.ts (a test checks that none is missing). */
export const SQL_CAPABILITIES: readonly CapabilityEntry[] = [
  {
    construct: "boolean logic",
    capability: "exact",
    how: "AND / OR / NOT (…); a predicate under an odd number of NOTs is COALESCE(…, FALSE) unless a top-level conjunct requires its field",
  },
  {
    construct: "equals, case-insensitive",
    capability: "encoded",
    how: "whole-value regex with each character's lower-case class ([cC]); = / LIKE when no character has a case; σ/ς and ? beside İ: FIDELITY_CASE_FOLD",
  },
  { construct: "equals |cased", capability: "exact", how: "= 'value'" },
  {
    construct: "wildcard *",
    capability: "exact",
    how: "LIKE … ESCAPE '\\' with %, or .* in the class regex",
  },
  {
    construct: "wildcard ?",
    capability: "exact",
    how: "LIKE _ (one code point), or [^İ] in the class regex",
  },
  {
    construct: "literal * ? \\",
    capability: "exact",
    how: "literal in LIKE; % _ \\ escaped with \\",
  },
  {
    construct: "list field (any element)",
    capability: "exact",
    how: "varchar[] columns: DuckDB len(list_filter(l, lambda x: …)) > 0, Spark exists(l, x -> …), Trino any_match(l, x -> …)",
  },
  {
    construct: "|re",
    capability: "encoded",
    how: "JavaScript regex translated to RE2 code-point classes (DuckDB regexp_matches, Spark RLIKE, Trino regexp_like); lookbehind, \\b under i refused; Spark/Trino also refuse \\b and i under u; non-u regex: FIDELITY_REGEX_CODE_POINTS",
  },
  {
    construct: "|cidr",
    capability: "deviation",
    how: "IPv4: anchored dotted-quad regex (FIDELITY_CIDR_IPV4_TEXT: IPv4-mapped IPv6 text does not match); IPv6 refused (UNSUPPORTED_CIDR_IPV6)",
  },
  {
    construct: "number equals",
    capability: "encoded",
    how: "numeric text (Sigma's number form, by regex) AND TRY_CAST(v AS DOUBLE) = n",
  },
  {
    construct: "|lt |lte |gt |gte",
    capability: "encoded",
    how: "numeric text AND TRY_CAST(v AS DOUBLE) < n",
  },
  {
    construct: "boolean value",
    capability: "exact",
    how: "the text true/false in any case (booleans are text in the table)",
  },
  {
    construct: "null",
    capability: "exact",
    how: "v IS NULL (a JSON list path: no non-null element)",
  },
  { construct: "|exists", capability: "exact", how: 'v IS NOT NULL ([] and "" are values)' },
  { construct: "|fieldref", capability: "unsupported", how: "UNSUPPORTED_FIELDREF" },
  {
    construct: "time parts",
    capability: "unsupported",
    how: "UNSUPPORTED_TIMEPART: timestamps are text in the table",
  },
  {
    construct: "keywords",
    capability: "unsupported",
    how: "UNSUPPORTED_KEYWORD: no column holds every value of an event",
  },
];
