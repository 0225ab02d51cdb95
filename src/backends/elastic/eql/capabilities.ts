import type { CapabilityEntry } from "../../types.js";

/** How each IR construct fares in EQL on Elastic's documents. */
export const EQL_CAPABILITIES: readonly CapabilityEntry[] = [
  {
    construct: "boolean logic",
    capability: "exact",
    how: "and / or / not (a must_not, so `not` matches documents without the field); lists f : (a, b)",
  },
  {
    construct: "equals, case-insensitive",
    capability: "exact",
    how: 'f : "v" (ASCII case folding, exact for ASCII letters but k); other letters: f regex of [xX] classes (FIDELITY_CASE_FOLD only next to İ\'s halves or σ/ς)',
  },
  {
    construct: "equals |cased",
    capability: "exact",
    how: 'f == "v"; a list f in ("a", "b")',
  },
  {
    construct: "wildcard *",
    capability: "exact",
    how: 'f : "a*b" (case-insensitive), f like "a*b" (|cased); values are quoted, nothing is trimmed',
  },
  {
    construct: "wildcard ?",
    capability: "exact",
    how: 'f like "a?c" (|cased); case-insensitive: f regex with [^İ] (Sigma lower-cases İ to two characters)',
  },
  {
    construct: "literal * ? \\",
    capability: "encoded",
    how: '`:` and `like` cannot escape * or ?: == for a literal value, else f regex """…\\*…"""',
  },
  {
    construct: "list field (any element)",
    capability: "exact",
    how: "term-level queries match any value of a multi-valued field",
  },
  {
    construct: "|re",
    capability: "encoded",
    how: 'f regex """…""" (Lucene syntax, whole value: unanchored patterns are padded with .*, classes spelled out); lookaround, backreferences, \\b: UNSUPPORTED_REGEX',
  },
  {
    construct: "|cidr",
    capability: "exact",
    how: 'cidrMatch(f, "10.0.0.0/8") on ip fields; the pipeline drops all of source.ip when one sourceIPs element is not an address (info FIDELITY_IP_ARRAY_DROPPED)',
  },
  {
    construct: "number equals",
    capability: "exact",
    how: "numeric fields: f == 200 on the indexed integer (info FIDELITY_NUMBER_COERCED); keyword fields: the exact text (FIDELITY_NUMBER_AS_TEXT)",
  },
  {
    construct: "|lt |lte |gt |gte",
    capability: "exact",
    how: "numeric fields: f >= 400 (info FIDELITY_NUMBER_COERCED)",
  },
  {
    construct: "boolean value",
    capability: "exact",
    how: 'boolean fields: f == true (info FIDELITY_BOOLEAN_STRICT); keyword fields: f : "true"',
  },
  {
    construct: "null",
    capability: "deviation",
    how: 'f == null (Elastic drops "", [] and {} at ingest: FIDELITY_EMPTY_DROPPED)',
  },
  {
    construct: "|exists",
    capability: "exact",
    how: "f != null (exact beside not f: ''; else FIDELITY_EMPTY_DROPPED); fields the mapping does not declare are ?f",
  },
  {
    construct: "|fieldref",
    capability: "unsupported",
    how: "EQL cannot compare two fields (UNSUPPORTED_FIELDREF)",
  },
  {
    construct: "time parts",
    capability: "unsupported",
    how: "UNSUPPORTED_TIMEPART",
  },
  {
    construct: "keywords",
    capability: "unsupported",
    how: "EQL compares fields (UNSUPPORTED_KEYWORDS)",
  },
];
